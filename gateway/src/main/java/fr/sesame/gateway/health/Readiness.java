package fr.sesame.gateway.health;

import fr.sesame.gateway.store.StoreHealth;
import io.vertx.core.Future;
import java.time.Duration;

/** Whether this instance can serve: the store answers within {@link #WITHIN}. */
public final class Readiness {
  /** How long the store has to answer. */
  public static final Duration WITHIN = Duration.ofSeconds(1);
  private final StoreHealth store;

  public Readiness(StoreHealth store) {
    this.store = store;
  }

  /** Completes with true when ready, false when not (never fails). */
  public Future<Boolean> check() {
    return store.ping().timeout(WITHIN).map(true).otherwise(false);
  }
}
