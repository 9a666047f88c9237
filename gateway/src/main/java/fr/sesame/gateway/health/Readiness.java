package fr.sesame.gateway.health;

import fr.sesame.gateway.store.StoreHealth;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Whether this instance can serve: the store answers within {@link #WITHIN}, and its outbox dispatcher can read
 * the outbox (otherwise login codes accepted here would never be sent).
 */
public final class Readiness {
  /** How long the store has to answer. */
  public static final Duration WITHIN = Duration.ofSeconds(1);
  private final StoreHealth store;
  private final BooleanSupplier dispatching;

  /** @param dispatching whether the outbox dispatcher reads (any thread) */
  public Readiness(StoreHealth store, BooleanSupplier dispatching) {
    this.store = store;
    this.dispatching = dispatching;
  }

  /** Ready whenever the store answers (an instance without outbox dispatcher). */
  public Readiness(StoreHealth store) {
    this(store, () -> true);
  }

  /** Completes with true when ready, false when not (never fails). */
  public Future<Boolean> check() {
    if (!dispatching.getAsBoolean()) {
      return Future.succeededFuture(false);
    }
    return store.ping().timeout(WITHIN).map(true).otherwise(false);
  }
}
