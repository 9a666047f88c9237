package fr.sesame.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocks a test thread on the completion of a Vert.x {@link Future} or a {@link CompletionStage}, for a
 * bounded time: {@link #DEFAULT_TIMEOUT} unless told. A timeout, an unexpected failure and an unexpected
 * success are {@link AssertionError}s that say which, with the cause attached. Never call these on an event
 * loop: blocking it would stop the very work being awaited, so they refuse with an
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * import static fr.sesame.testkit.Await.await;
 * Receipt r = await(notifier.send(message));
 * Throwable e = Await.failure(provider.send(bad));
 * }</pre>
 */
public final class Await {
  /** How long {@link #await(Future)} and {@link #failure(Future)} wait: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Await() {}

  /** The result of {@code f}, within {@link #DEFAULT_TIMEOUT}. */
  public static <T> T await(Future<T> f) {
    return await(f, DEFAULT_TIMEOUT);
  }

  /** The result of {@code f}, within {@code timeout}. */
  public static <T> T await(Future<T> f, Duration timeout) {
    return await(Objects.requireNonNull(f, "f").toCompletionStage(), timeout);
  }

  /** The result of {@code stage}, within {@link #DEFAULT_TIMEOUT}. */
  public static <T> T await(CompletionStage<T> stage) {
    return await(stage, DEFAULT_TIMEOUT);
  }

  /** The result of {@code stage}, within {@code timeout}. */
  public static <T> T await(CompletionStage<T> stage, Duration timeout) {
    try {
      return block(stage, timeout);
    } catch (ExecutionException e) {
      throw new AssertionError("expected a result but it failed: " + e.getCause(), e.getCause());
    }
  }

  /** The failure of {@code f}, which must fail within {@link #DEFAULT_TIMEOUT}. */
  public static Throwable failure(Future<?> f) {
    return failure(f, DEFAULT_TIMEOUT);
  }

  /** The failure of {@code f}, which must fail within {@code timeout}. */
  public static Throwable failure(Future<?> f, Duration timeout) {
    return failure(Objects.requireNonNull(f, "f").toCompletionStage(), timeout);
  }

  /** The failure of {@code stage}, which must fail within {@link #DEFAULT_TIMEOUT}. */
  public static Throwable failure(CompletionStage<?> stage) {
    return failure(stage, DEFAULT_TIMEOUT);
  }

  /** The failure of {@code stage}, which must fail within {@code timeout}. */
  public static Throwable failure(CompletionStage<?> stage, Duration timeout) {
    Object value;
    try {
      value = block(stage, timeout);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure but it succeeded with: " + value);
  }

  private static <T> T block(CompletionStage<T> stage, Duration timeout) throws ExecutionException {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(timeout, "timeout");
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Await blocks: call it from the test's thread, never on an event loop");
    }
    CompletableFuture<T> f = stage.toCompletableFuture();
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("still pending after " + Durations.text(timeout) + ": " + f, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
