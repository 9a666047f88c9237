package fr.sesame.channels.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Objects;

/**
 * What the gateway hands every {@link ProviderFactory}: the shared runtime a provider may use, and nothing
 * else (a provider's own options come in its {@link ProviderSettings}). One context serves every provider of
 * a gateway; it is immutable and safe to keep.
 *
 * @param vertx  the gateway's Vert.x instance: for HTTP and mail clients, timers and
 *               {@code executeBlocking}; a provider never creates its own
 * @param clock  the only source of wall-clock time for providers: receipt times
 *               ({@link fr.sesame.channels.Receipt#acceptedAt()}), request timestamps and signatures, token
 *               expiry. Providers never read the system clock themselves, so tests can fix or move time.
 *               Durations may still be measured with {@link System#nanoTime()}, which is not a wall clock.
 * @param meters the gateway's meter registry, where a provider may register meters of its own; sends,
 *               failures, retries and latency per provider are already recorded around it by
 *               {@link fr.sesame.channels.fallback.GuardedProvider}
 */
public record ProviderContext(Vertx vertx, Clock clock, MeterRegistry meters) {
  /** @throws NullPointerException when any field is null */
  public ProviderContext {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(meters, "meters");
  }
}
