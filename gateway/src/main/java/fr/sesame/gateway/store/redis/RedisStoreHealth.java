package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.store.StoreHealth;
import fr.sesame.redis.RedisAccess;
import io.vertx.core.Future;

/** Redis answers {@code PING} on the caller's connection. */
public final class RedisStoreHealth implements StoreHealth {
  private final RedisAccess redis;

  public RedisStoreHealth(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Void> ping() {
    return redis.await(redis.commands().ping()).mapEmpty();
  }
}
