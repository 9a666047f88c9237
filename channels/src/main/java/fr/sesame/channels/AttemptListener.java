package fr.sesame.channels;

import java.time.Instant;

/**
 * Told of every attempt a send makes, provider by provider, so that a notification's history can show
 * them all. Called on the sender's context; must not block.
 */
@FunctionalInterface
public interface AttemptListener {
  AttemptListener NONE = (provider, at, outcome) -> { };

  /**
   * @param provider the provider's configured name
   * @param at       when the attempt ended
   * @param outcome  {@code accepted}, or why not: {@code transient}, {@code rejected}, {@code misconfigured},
   *                 {@code circuit-open}, {@code rate-limited}, {@code bulkhead-full}
   */
  void attempt(String provider, Instant at, String outcome);

  /**
   * Called before a provider is first tried for this message; the send waits for the returned future. A
   * durable outbox records it, so that after a crash the message is not sent twice to that provider.
   */
  default io.vertx.core.Future<Void> starting(String provider) {
    return io.vertx.core.Future.succeededFuture();
  }
}
