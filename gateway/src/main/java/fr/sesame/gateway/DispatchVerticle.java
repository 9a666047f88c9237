package fr.sesame.gateway;

import fr.sesame.gateway.notify.OutboxDispatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The outbox dispatcher's event loop: one per gateway instance. */
final class DispatchVerticle extends VerticleBase {
  private final OutboxDispatcher dispatcher;

  DispatchVerticle(OutboxDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public Future<?> start() {
    return dispatcher.start();
  }
}
