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
   *                 {@code internal} (a bug in our code), {@code circuit-open}, {@code rate-limited},
   *                 {@code bulkhead-full}
   */
  void attempt(String provider, Instant at, String outcome);

  /**
   * Called before a provider is first tried for this message; the send waits for the returned future. A
   * durable outbox records it, so that after a crash the message is not sent twice to that provider.
   */
  default io.vertx.core.Future<Void> starting(String provider) {
    return io.vertx.core.Future.succeededFuture();
  }

  /**
   * Called when a provider that builds a send in steps has built it, before the step that makes it
   * irreversible ({@link fr.sesame.channels.spi.Checkpoint}); the send waits for the returned future, and is
   * given up (what was built undone) when it fails. A durable outbox records {@code reference}, so that after a
   * crash it asks the provider ({@link Notifier#resume}) whether it went out instead of sending it again.
   * Succeeds at once by default.
   * @param provider  the provider's configured name
   * @param reference the provider's id for what it built
   */
  default io.vertx.core.Future<Void> built(String provider, String reference) {
    return io.vertx.core.Future.succeededFuture();
  }
}
