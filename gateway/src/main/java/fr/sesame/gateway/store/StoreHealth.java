package fr.sesame.gateway.store;

import io.vertx.core.Future;

/** Whether the store answers (port): readiness asks it. */
public interface StoreHealth {
  /** Completes when the store answered; fails when it did not or failed. */
  Future<Void> ping();
}
