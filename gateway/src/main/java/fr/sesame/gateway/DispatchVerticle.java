package fr.sesame.gateway;

import fr.sesame.gateway.notify.Outbox;
import fr.sesame.gateway.store.OutboxStore.Lane;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.TimeUnit;

/**
 * One part of the outbox on an event loop of its own: the interactive lane's (login codes) or the bulk lane's. A
 * gateway deploys both as one deployment of two instances, which Vert.x puts on two different event loops.
 */
final class DispatchVerticle extends VerticleBase {
  private static final long DRAIN_MS = 5_000;
  private final Outbox outbox;
  private final Lane lane;

  DispatchVerticle(Outbox outbox, Lane lane) {
    this.outbox = outbox;
    this.lane = lane;
  }

  @Override
  public Future<?> start() {
    return outbox.start(lane);
  }

  /** Stops this part and waits up to {@value #DRAIN_MS} ms for its sends in flight (others recover the rest). */
  @Override
  public Future<?> stop() {
    return outbox.stop(lane).timeout(DRAIN_MS, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }
}
