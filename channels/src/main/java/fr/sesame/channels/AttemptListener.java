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
}
