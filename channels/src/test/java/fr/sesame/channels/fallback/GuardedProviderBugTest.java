package fr.sesame.channels.fallback;

import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A provider's own bug is neither the provider being down nor the recipient's fault. */
class GuardedProviderBugTest {
  static final Message LETTER = new Message(ChannelKind.POST, "Chloé Bernard\n75002 Paris", "t", "x", "access-letter");
  final Vertx vertx = Vertx.vertx();
  final AtomicInteger calls = new AtomicInteger();
  final List<String> outcomes = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close();
  }

  GuardedProvider guarded(Supplier<Future<Receipt>> send) {
    ChannelProvider p = new ChannelProvider() {
      @Override
      public String name() {
        return "buggy";
      }

      @Override
      public ChannelKind kind() {
        return ChannelKind.POST;
      }

      @Override
      public Future<Receipt> send(Message message) {
        calls.incrementAndGet();
        return send.get();
      }
    };
    // a circuit that opens on the first failure recorded
    CircuitBreaker circuit = CircuitBreaker.of("buggy", CircuitBreakerConfig.custom().minimumNumberOfCalls(1)
        .slidingWindowSize(1).failureRateThreshold(1).build());
    return new GuardedProvider(vertx, Clock.systemUTC(), p, new ProviderPolicy(Duration.ofSeconds(2), 3,
        Duration.ofMillis(1), Duration.ofMillis(50), 10, 0, Duration.ofSeconds(30)), circuit,
        new ChannelMetrics(new SimpleMeterRegistry()));
  }

  void assertABug(GuardedProvider g) {
    var e = (ProviderException) failure(g.send(LETTER, (provider, at, outcome) -> outcomes.add(outcome)));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.INTERNAL);
    assertThat(calls).as("not retried").hasValue(1);
    assertThat(outcomes).containsExactly("internal");
    assertThat(g.circuit().getMetrics().getNumberOfFailedCalls()).as("the circuit is not charged").isZero();
    assertThat(g.circuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void anExceptionThrownBySendIsABugNotRetriedAndNotChargedToTheCircuit() {
    assertABug(guarded(() -> {
      throw new ArrayIndexOutOfBoundsException(3);
    }));
  }

  @Test
  void anUnexpectedExceptionFailingTheFutureIsABugToo() {
    assertABug(guarded(() -> Future.failedFuture(new NullPointerException())));
  }

  @Test
  void aVertxIoFailureStaysTransient() {
    GuardedProvider g = guarded(() -> Future.failedFuture(new VertxException("Connection was closed", true)));
    var e = (ProviderException) failure(g.send(LETTER, (provider, at, outcome) -> outcomes.add(outcome)));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(outcomes.get(0)).isEqualTo("transient");
    assertThat(g.circuit().getMetrics().getNumberOfFailedCalls()).as("an outage is charged").isEqualTo(1);
  }
}
