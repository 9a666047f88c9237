package fr.sesame.testkit;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AwaitTest {
  static final Vertx vertx = Vertx.vertx();

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void returnsWhatAFutureOrAStageCompletesWith() {
    Future<String> later = Future.future(p -> vertx.setTimer(50, t -> p.complete("done")));
    assertThat(await(later)).isEqualTo("done");
    assertThat(await(CompletableFuture.supplyAsync(() -> 42))).isEqualTo(42);
  }

  @Test
  void aTimeoutSaysItIsStillPendingAfterTheBound() {
    Promise<String> never = Promise.promise();
    assertThatThrownBy(() -> await(never.future(), Duration.ofMillis(100)))
        .isInstanceOf(AssertionError.class).hasMessageStartingWith("still pending after 100 ms");
  }

  @Test
  void anUnexpectedFailureCarriesItsCause() {
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> await(Future.failedFuture(boom)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("boom").hasCause(boom);
  }

  @Test
  void failureReturnsTheCauseAndRefusesASuccess() {
    IllegalStateException boom = new IllegalStateException("boom");
    assertThat(Await.failure(Future.failedFuture(boom))).isSameAs(boom);
    assertThat(Await.failure(CompletableFuture.failedFuture(boom))).isSameAs(boom);
    assertThatThrownBy(() -> Await.failure(Future.succeededFuture("fine")))
        .isInstanceOf(AssertionError.class).hasMessage("expected a failure but it succeeded with: fine");
  }

  @Test
  void refusesToBlockAnEventLoop() {
    Throwable refused = await(Future.<Throwable>future(p -> vertx.runOnContext(v -> {
      try {
        await(Future.succeededFuture("x"));
        p.complete(null);
      } catch (IllegalStateException e) {
        p.complete(e);
      }
    })));
    assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
  }
}
