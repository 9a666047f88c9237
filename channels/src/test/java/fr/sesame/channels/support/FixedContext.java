package fr.sesame.channels.support;

import fr.sesame.channels.spi.ProviderContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A provider context whose clock stands still in 2020, years away from the machine's clock: a provider that
 * reads the wall clock instead of the context's gives itself away in its receipt's time.
 */
public final class FixedContext {
  /** The only instant the fixed clock ever tells. */
  public static final Instant NOW = Instant.parse("2020-03-15T09:30:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private FixedContext() {}

  /** A context on {@code vertx}, the fixed clock and a fresh meter registry. */
  public static ProviderContext of(Vertx vertx) {
    return new ProviderContext(vertx, CLOCK, new SimpleMeterRegistry());
  }
}
