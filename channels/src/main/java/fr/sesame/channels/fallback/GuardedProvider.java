package fr.sesame.channels.fallback;

import fr.sesame.channels.WarnThrottle;
import fr.sesame.channels.AttemptListener;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every provider needs around it: a send-rate limit (its quota), a bulkhead, a circuit breaker, a
 * time limit per attempt, and retries with exponential backoff and jitter on transient failures, honouring
 * Retry-After. Waits use Vert.x timers, so nothing parks a thread and callbacks stay on the caller's
 * context. A failure is always a {@link ProviderException}; an unexpected exception from the provider's code
 * (thrown or failed, not a {@link VertxException}) is {@link ProviderException.Kind#INTERNAL}: a bug, not an
 * outage. Attempt times come from the injected clock;
 * durations (latency, the circuit breaker's slow calls) from {@link System#nanoTime()}.
 *
 * <p>Logs a WARN for each failed call (provider, outcome class, our own message: never a recipient, a text or
 * the provider's answer) and for each transition of its circuit to open and back to closed (half-open at INFO).
 * Identical failure lines are kept to one a second ({@link WarnThrottle}).
 */
public final class GuardedProvider {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedProvider.class);
  private final Vertx vertx;
  private final Clock clock;
  private final ChannelProvider provider;
  private final ProviderPolicy policy;
  private final CircuitBreaker circuit;
  private final Bulkhead bulkhead;
  private final RateLimiter rate;
  private final IntervalFunction backoff;
  private final ChannelMetrics metrics;
  private final WarnThrottle throttle = new WarnThrottle();

  /**
   * @param vertx   for the timers between retries
   * @param clock   gives the time of each attempt told to the {@link AttemptListener}
   * @param circuit this provider's circuit breaker (built on the same clock)
   */
  public GuardedProvider(Vertx vertx, Clock clock, ChannelProvider provider, ProviderPolicy policy,
                         CircuitBreaker circuit, ChannelMetrics metrics) {
    this.vertx = vertx;
    this.clock = clock;
    this.provider = provider;
    this.policy = policy;
    this.circuit = circuit;
    this.metrics = metrics;
    this.bulkhead = Bulkhead.of(provider.name(), BulkheadConfig.custom().maxConcurrentCalls(policy.maxConcurrent())
        .maxWaitDuration(Duration.ZERO).build());
    this.rate = policy.ratePerSecond() == 0 ? null : RateLimiter.of(provider.name(), RateLimiterConfig.custom()
        .limitForPeriod(policy.ratePerSecond()).limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO).build());
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(), 2.0, 0.5,
        policy.maxBackoff());
    metrics.circuitGauge(circuit);
    circuit.getEventPublisher().onStateTransition(e -> logTransition(e.getStateTransition()));
  }

  private void logTransition(CircuitBreaker.StateTransition t) {
    CircuitBreaker.State to = t.getToState();
    if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
      CircuitBreaker.Metrics m = circuit.getMetrics();
      LOG.warn("provider {} circuit open ({} -> {}): sends skip it for a while; failure rate {}%, slow calls {}%",
          provider.name(), t.getFromState(), to, m.getFailureRate(), m.getSlowCallRate());
    } else if (to == CircuitBreaker.State.CLOSED) {
      LOG.warn("provider {} circuit closed again ({} -> {}): sends go to it", provider.name(), t.getFromState(), to);
    } else {
      LOG.info("provider {} circuit {} -> {}", provider.name(), t.getFromState(), to);
    }
  }

  public String name() {
    return provider.name();
  }

  public CircuitBreaker circuit() {
    return circuit;
  }

  public ChannelProvider provider() {
    return provider;
  }

  public Future<Receipt> send(Message message, AttemptListener attempts) {
    Promise<Receipt> done = Promise.promise();
    attempt(message, 1, attempts, done, 0);
    return done.future();
  }

  /** @param waitingSince when the send first found the provider crowded ({@link #notTried}), else 0 */
  private void attempt(Message message, int n, AttemptListener attempts, Promise<Receipt> done, long waitingSince) {
    if (rate != null && !rate.acquirePermission()) {
      notTried(message, n, attempts, done, ProviderException.transientFailure(provider.name()
          + " send-rate quota reached", null), "rate-limited", waitingSince);
      return;
    }
    if (!circuit.tryAcquirePermission()) {
      fail(done, attempts, ProviderException.transientFailure(provider.name() + " circuit is open", null),
          "circuit-open");
      return;
    }
    if (!bulkhead.tryAcquirePermission()) {
      circuit.releasePermission();
      notTried(message, n, attempts, done, ProviderException.transientFailure(provider.name()
          + " has too many sends in flight", null), "bulkhead-full", waitingSince);
      return;
    }
    long start = System.nanoTime();
    // The time limit does not stop the provider's call. A call that reports what it built after this attempt was
    // given up is refused, so the provider undoes it instead of going on (Maileva would post a letter while the
    // next attempt posts another).
    AtomicBoolean givenUp = new AtomicBoolean();
    Future<Receipt> call;
    try {
      call = provider.send(message, reference -> givenUp.get()
          ? Future.failedFuture(ProviderException.transientFailure(provider.name() + " attempt given up at its time "
              + "limit before " + reference + " was built", null))
          : attempts.built(provider.name(), reference));
    } catch (RuntimeException e) {
      call = Future.failedFuture(e);
    }
    call.timeout(policy.timeout().toMillis(), TimeUnit.MILLISECONDS).onComplete(ar -> {
      givenUp.set(true);
      bulkhead.onComplete();
      long nanos = System.nanoTime() - start;
      metrics.latency(provider.name(), nanos);
      if (ar.succeeded()) {
        circuit.onSuccess(nanos, TimeUnit.NANOSECONDS);
        metrics.sent(provider.name());
        attempts.attempt(provider.name(), clock.instant(), "accepted");
        done.complete(ar.result());
        return;
      }
      ProviderException failure = classify(ar.cause());
      if (failure.kind() == ProviderException.Kind.REJECTED || failure.kind() == ProviderException.Kind.INTERNAL) {
        // the recipient's fault or our bug, not the provider's health
        circuit.releasePermission();
      } else {
        circuit.onError(nanos, TimeUnit.NANOSECONDS, failure);
      }
      Duration wait = failure.retryAfter() != null ? failure.retryAfter() : Duration.ofMillis(backoff.apply(n));
      boolean retry = failure.kind() == ProviderException.Kind.TRANSIENT && n < policy.maxAttempts()
          && wait.compareTo(policy.maxBackoff()) <= 0;
      String outcome = failure.kind().name().toLowerCase(java.util.Locale.ROOT);
      logFailure(failure, outcome, retry ? "retry " + (n + 1) + " of " + policy.maxAttempts() + " in "
          + Math.max(1, wait.toMillis()) + " ms" : "no more attempts on it (attempt " + n + ")");
      if (retry) {
        metrics.retry(provider.name());
        attempts.attempt(provider.name(), clock.instant(), outcome);
        vertx.setTimer(Math.max(1, wait.toMillis()), t -> attempt(message, n + 1, attempts, done, 0));
      } else {
        fail(done, attempts, failure, outcome);
      }
    });
  }

  /**
   * Asks the provider whether an interrupted send it had built as {@code reference} went out
   * ({@link ChannelProvider#resume}), within the send's time limit. No retry, no circuit: the caller (the outbox)
   * asks again later, and this is no send.
   * @return a failure is always a {@link ProviderException}
   */
  public Future<Optional<Receipt>> resume(String reference) {
    Future<Optional<Receipt>> call;
    try {
      call = provider.resume(reference);
    } catch (RuntimeException e) {
      call = Future.failedFuture(e);
    }
    return call.timeout(policy.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(classify(e)));
  }

  /** One WARN per failed call: the provider, the outcome class, our message (it never holds a recipient). */
  private void logFailure(ProviderException failure, String outcome, String next) {
    long skipped = throttle.admit(provider.name() + '|' + outcome + '|' + next.startsWith("retry"));
    if (skipped >= 0) {
      LOG.warn("provider {} failed: {} ({}); {}{}", provider.name(), outcome, failure.getMessage(), next,
          WarnThrottle.skipped(skipped));
    }
  }

  /**
   * The provider was not called (its quota for this second, or its bulkhead, is full: a moment's crowd, not an
   * outage): the send waits and tries again, every {@value #CROWD_RETRY_MS} ms, for up to half an attempt's time
   * limit, without spending an attempt (nothing was sent); the wait is told once. Then the next provider, or the
   * notification failed. A login code at the opening minute, when sends pile up, thus waits a moment instead of
   * failing at once (OutboxDispatchBenchmark found 172 codes of 5,090 failed so in a cold gateway's first minute).
   */
  private void notTried(Message message, int n, AttemptListener attempts, Promise<Receipt> done,
                        ProviderException failure, String outcome, long waitingSince) {
    long now = System.nanoTime();
    if (waitingSince == 0) {
      attempts.attempt(provider.name(), clock.instant(), outcome);
      metrics.retry(provider.name());
    }
    long since = waitingSince == 0 ? now : waitingSince;
    if (now - since < policy.timeout().toNanos() / 2) {
      vertx.setTimer(CROWD_RETRY_MS, t -> attempt(message, n, attempts, done, since));
    } else {
      metrics.failed(provider.name(), outcome);
      done.fail(failure);
    }
  }

  /** How often a send that found the provider crowded tries again. */
  static final long CROWD_RETRY_MS = 20;

  private void fail(Promise<Receipt> done, AttemptListener attempts, ProviderException e, String reason) {
    metrics.failed(provider.name(), reason);
    attempts.attempt(provider.name(), clock.instant(), reason);
    done.fail(e);
  }

  private ProviderException classify(Throwable t) {
    if (t instanceof ProviderException p) {
      return p;
    }
    if (t instanceof TimeoutException) {
      return ProviderException.transientFailure(provider.name() + " did not answer within " + policy.timeout(), t);
    }
    if (t instanceof RuntimeException && !(t instanceof VertxException)) {
      // a bug in our code (VertxException is Vert.x's own I/O failure, such as a closed connection: transient)
      StackTraceElement[] at = t.getStackTrace();
      LOG.error("{}: unexpected {} at {} (a bug: not retried, the circuit not charged)", provider.name(),
          t.getClass().getName(), at.length > 0 ? at[0] : "?");
      return ProviderException.internal(provider.name() + " failed: " + t.getClass().getSimpleName(), t);
    }
    return ProviderException.transientFailure(provider.name() + " failed: " + t.getClass().getSimpleName(), t);
  }
}
