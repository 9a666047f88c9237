package fr.sesame.channels.fallback;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider whose bulkhead is full was not called: the send waits and tries again (a moment's crowd, as at the
 * opening minute), for up to half an attempt's time limit, instead of failing at once; it fails only when the crowd
 * lasts that long.
 */
class GuardedProviderCrowdTest {
  static final Message CODE = new Message(ChannelKind.SMS, "+33612345678", "", "123456", "login-code");
  final Vertx vertx = Vertx.vertx();
  final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void close() {
    vertx.close();
  }

  /** One send in flight at most; each call answers {@code after} later (never, when null). */
  GuardedProvider oneAtATime(Duration after, int attempts) {
    ChannelProvider p = new ChannelProvider() {
      @Override
      public String name() {
        return "narrow";
      }

      @Override
      public ChannelKind kind() {
        return ChannelKind.SMS;
      }

      @Override
      public Future<Receipt> send(Message message) {
        calls.incrementAndGet();
        Promise<Receipt> answer = Promise.promise();
        if (after != null) {
          vertx.setTimer(after.toMillis(), t -> answer.complete(new Receipt("narrow", "m" + calls.get(), java.time.Instant.now())));
        }
        return answer.future();
      }
    };
    return new GuardedProvider(vertx, Clock.systemUTC(), p, new ProviderPolicy(Duration.ofSeconds(2), attempts,
        Duration.ofMillis(100), Duration.ofMillis(400), 1, 0, Duration.ofSeconds(30)), CircuitBreaker.ofDefaults("n"),
        new ChannelMetrics(new SimpleMeterRegistry()));
  }

  @Test
  void aSendFindingTheBulkheadFullWaitsAndGoesOnceThereIsRoom() {
    GuardedProvider g = oneAtATime(Duration.ofMillis(50), 3);
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    Future<Receipt> a = g.send(CODE, (provider, at, outcome) -> first.add(outcome));
    Future<Receipt> b = g.send(CODE, (provider, at, outcome) -> second.add(outcome));
    assertThat(await(a).provider()).isEqualTo("narrow");
    assertThat(await(b).provider()).isEqualTo("narrow");
    assertThat(first).containsExactly("accepted");
    assertThat(second).containsExactly("bulkhead-full", "accepted");
    assertThat(calls).as("the provider called once for each").hasValue(2);
  }

  @Test
  void aCrowdThatLastsFailsTheSendAfterHalfAnAttemptsTimeLimit() {
    GuardedProvider g = oneAtATime(null, 2); // the first send holds the bulkhead 2 s (its time limit); the second waits 1 s
    g.send(CODE, (provider, at, outcome) -> { });
    List<String> outcomes = new CopyOnWriteArrayList<>();
    var e = (ProviderException) failure(g.send(CODE, (provider, at, outcome) -> outcomes.add(outcome)));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(e.getMessage()).contains("too many sends in flight");
    assertThat(outcomes).as("the wait told once").containsExactly("bulkhead-full");
    assertThat(calls).as("never called for the second").hasValue(1);
  }
}
