package fr.sesame.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The in-process signals between an instance's API and its dispatcher, on a real Vert.x, across threads. */
@ExtendWith(VertxExtension.class)
class InProcessOutboxSignalsTest {

  @Test
  void aWaiterHearsTheOutcomeOnItsOwnContextWhenTheDispatcherFinishesOnAnother(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    Context api = vertx.getOrCreateContext();
    Context dispatcher = vertx.getOrCreateContext();
    api.runOnContext(v -> {
      OutboxSignals.Expectation wait = signals.expect("n1");
      wait.within(Duration.ofSeconds(5)).onComplete(test.succeeding(outcome -> test.verify(() -> {
        assertThat(outcome).contains(SendOutcome.failed("every provider failed"));
        assertThat(Vertx.currentContext()).as("completes on the caller's context").isSameAs(api);
        assertThat(signals.waiting()).isZero();
        test.completeNow();
      })));
      dispatcher.runOnContext(w -> signals.finished("n1", SendOutcome.failed("every provider failed")));
    });
  }

  @Test
  void anOutcomeThatComesBeforeTheWaitStartsIsNotLost(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    Context api = vertx.getOrCreateContext();
    api.runOnContext(v -> {
      OutboxSignals.Expectation wait = signals.expect("n2"); // listening before the accept
      signals.finished("n2", SendOutcome.sent());             // a fast dispatcher, before the accept answered
      signals.finished("n2", SendOutcome.failed("late"));     // a second finish reaches nobody
      vertx.setTimer(20, t -> wait.within(Duration.ofMillis(1)).onComplete(test.succeeding(outcome ->
          test.verify(() -> {
            assertThat(outcome).contains(SendOutcome.sent());
            assertThat(Vertx.currentContext()).isSameAs(api);
            test.completeNow();
          }))));
    });
  }

  @Test
  void aWaitThatTimesOutEndsEmptyOnTheCallersContextAndIsRemoved(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    Context api = vertx.getOrCreateContext();
    api.runOnContext(v -> {
      OutboxSignals.Expectation wait = signals.expect("n3");
      assertThat(signals.waiting()).isEqualTo(1);
      long start = System.nanoTime();
      wait.within(Duration.ofMillis(50)).onComplete(test.succeeding(outcome -> test.verify(() -> {
        assertThat(outcome).isEmpty();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(Vertx.currentContext()).isSameAs(api);
        assertThat(signals.waiting()).as("the timed-out wait is gone").isZero();
        signals.finished("n3", SendOutcome.sent()); // too late: nobody hears it, nothing breaks
        assertThat(wait.within(Duration.ofSeconds(1)).result()).as("ended once, empty").isEmpty();
        test.completeNow();
      })));
    });
  }

  @Test
  void aCancelledWaitEndsEmptyAndIsRemoved(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    vertx.getOrCreateContext().runOnContext(v -> {
      OutboxSignals.Expectation wait = signals.expect("n4");
      wait.cancel(); // the accept failed
      wait.cancel();
      test.verify(() -> assertThat(signals.waiting()).isZero());
      signals.finished("n4", SendOutcome.sent());
      wait.within(Duration.ofSeconds(5)).onComplete(test.succeeding(outcome -> test.verify(() -> {
        assertThat(outcome).isEmpty();
        test.completeNow();
      })));
    });
  }

  @Test
  void twoCallersAwaitingOneIdBothHearIt(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    var both = test.checkpoint(2);
    var listening = new java.util.concurrent.atomic.AtomicInteger();
    for (Context caller : List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext())) {
      caller.runOnContext(v -> {
        OutboxSignals.Expectation wait = signals.expect("n5");
        if (listening.incrementAndGet() == 2) { // both listen: now the dispatcher finishes
          signals.finished("n5", SendOutcome.sent());
        }
        wait.within(Duration.ofSeconds(5)).onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(outcome).contains(SendOutcome.sent());
          assertThat(Vertx.currentContext()).isSameAs(caller);
          both.flag();
        })));
      });
    }
  }

  @Test
  void noWaitIsLeftWhenThousandsEndByOutcomeTimeoutOrCancelFromManyThreads(Vertx vertx) throws Exception {
    var signals = new InProcessOutboxSignals(vertx);
    int n = 3_000;
    List<Future<Optional<SendOutcome>>> ends = new ArrayList<>();
    CountDownLatch expected = new CountDownLatch(1);
    List<OutboxSignals.Expectation> waits = new ArrayList<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      for (int i = 0; i < n; i++) {
        waits.add(signals.expect("id-" + i));
      }
      expected.countDown();
    });
    assertThat(expected.await(5, TimeUnit.SECONDS)).isTrue();
    // the dispatcher finishes the even ones from its thread while the caller times out or cancels them all
    Thread dispatcher = new Thread(() -> {
      for (int i = 0; i < n; i += 2) {
        signals.finished("id-" + i, SendOutcome.sent());
      }
    });
    dispatcher.start();
    for (int i = 0; i < n; i++) {
      ends.add(i % 3 == 0 ? cancelled(waits.get(i)) : waits.get(i).within(Duration.ofMillis(1 + i % 5)));
    }
    dispatcher.join();
    Future.all(ends).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(signals.waiting()).isZero();
    for (int i = 1; i < n; i += 2) {
      assertThat(ends.get(i).result()).as("never finished: " + i).isEmpty();
    }
  }

  private static Future<Optional<SendOutcome>> cancelled(OutboxSignals.Expectation wait) {
    wait.cancel();
    return wait.within(Duration.ofSeconds(5));
  }

  @Test
  void aWakeRunsThePollOnTheSubscribersContextAndWakesComingTogetherMerge(Vertx vertx) throws Exception {
    var signals = new InProcessOutboxSignals(vertx);
    Context dispatcher = vertx.getOrCreateContext();
    AtomicInteger polls = new AtomicInteger();
    AtomicInteger elsewhere = new AtomicInteger();
    CountDownLatch subscribed = new CountDownLatch(1);
    CountDownLatch polled = new CountDownLatch(1);
    var subscription = new OutboxSignals.Subscription[1];
    dispatcher.runOnContext(v -> {
      subscription[0] = signals.onWake(() -> {
        polls.incrementAndGet();
        if (Vertx.currentContext() != dispatcher) {
          elsewhere.incrementAndGet();
        }
        polled.countDown();
      });
      subscribed.countDown();
    });
    assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();

    CountDownLatch blocked = new CountDownLatch(1);
    dispatcher.runOnContext(v -> {
      try { // the dispatcher is busy: the wakes below pile up behind this
        blocked.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (int i = 0; i < 1_000; i++) {
      signals.wake(); // from the test thread, as an HTTP event loop would
    }
    blocked.countDown();
    assertThat(polled.await(5, TimeUnit.SECONDS)).isTrue();
    drain(dispatcher);
    assertThat(polls.get()).as("a thousand wakes while busy: one poll").isEqualTo(1);
    assertThat(elsewhere.get()).isZero();

    signals.wake(); // a wake after that poll started polls again
    drain(dispatcher);
    assertThat(polls.get()).isEqualTo(2);

    subscription[0].cancel();
    signals.wake();
    drain(dispatcher);
    assertThat(polls.get()).as("no poll after the subscription is cancelled").isEqualTo(2);
  }

  /** Returns once what the context was given before has run. */
  private static void drain(Context context) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    context.runOnContext(v -> done.countDown());
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
