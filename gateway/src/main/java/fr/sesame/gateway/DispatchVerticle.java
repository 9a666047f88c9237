package fr.sesame.gateway;

import fr.sesame.gateway.notify.Outbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The outbox's event loop: one per gateway instance; its dispatcher and periodic jobs run there. */
final class DispatchVerticle extends VerticleBase {
  private final Outbox outbox;

  DispatchVerticle(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public Future<?> start() {
    return outbox.start();
  }

  @Override
  public Future<?> stop() {
    outbox.stop();
    return Future.succeededFuture();
  }
}
