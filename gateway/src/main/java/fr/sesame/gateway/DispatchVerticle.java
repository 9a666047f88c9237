package fr.sesame.gateway;

import fr.sesame.gateway.notify.Outbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.TimeUnit;

/** The outbox's event loop: one per gateway instance; its dispatcher and periodic jobs run there. */
final class DispatchVerticle extends VerticleBase {
  private static final long DRAIN_MS = 5_000;
  private final Outbox outbox;

  DispatchVerticle(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public Future<?> start() {
    return outbox.start();
  }

  /** Stops the outbox and waits up to {@value #DRAIN_MS} ms for its sends in flight (others recover the rest). */
  @Override
  public Future<?> stop() {
    return outbox.stop().timeout(DRAIN_MS, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }
}
