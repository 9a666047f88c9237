package fr.sesame.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Redis.
 *
 * @param url            a Lettuce URI ({@code redis://}, {@code rediss://}, {@code redis-sentinel://}); for a
 *                       cluster, one or more seed URIs separated by commas; env {@code REDIS_URL}
 * @param cluster        true to connect to a Redis Cluster; env {@code SESAME_REDIS_CLUSTER}
 * @param commandTimeout a command that has not answered by then fails (the request gets 503); default 2 s
 * @param minReplicas    how many replicas must confirm a write an election relies on (émargement, a counted
 *                       failure, a lock, an unlock, a session, an accepted notification and its audit event)
 *                       before it is acknowledged ({@code WAIT}); 0 (the default) for a single node and dev mode;
 *                       env {@code SESAME_REDIS_MIN_REPLICAS}
 * @param replicaTimeout how long to wait for them; an unconfirmed write answers 503 {@code write-unconfirmed};
 *                       default 500 ms
 */
public record RedisConfig(String url, boolean cluster, Duration commandTimeout, int minReplicas,
                          Duration replicaTimeout) {
  /** The default wait for replicas. */
  public static final Duration DEFAULT_REPLICA_TIMEOUT = Duration.ofMillis(500);

  public RedisConfig {
    Objects.requireNonNull(url, "redis.url (or REDIS_URL)");
    if (url.isBlank()) {
      throw new IllegalArgumentException("redis.url (or REDIS_URL) must be set");
    }
    Objects.requireNonNull(commandTimeout, "redis.commandTimeout");
    Objects.requireNonNull(replicaTimeout, "redis.replicaTimeout");
    if (minReplicas < 0 || minReplicas > 16) {
      throw new IllegalArgumentException("redis.minReplicas must be 0 to 16");
    }
    if (replicaTimeout.isNegative() || replicaTimeout.isZero() || replicaTimeout.compareTo(commandTimeout) >= 0) {
      throw new IllegalArgumentException("redis.replicaTimeout must be positive and shorter than redis.commandTimeout");
    }
  }

  /** No replica asked for. */
  public RedisConfig(String url, boolean cluster, Duration commandTimeout) {
    this(url, cluster, commandTimeout, 0, defaultReplicaTimeout(commandTimeout));
  }

  /** {@link #DEFAULT_REPLICA_TIMEOUT}, or half the command timeout when that is shorter. */
  public static Duration defaultReplicaTimeout(Duration commandTimeout) {
    Duration half = commandTimeout.dividedBy(2);
    return half.compareTo(DEFAULT_REPLICA_TIMEOUT) < 0 && !half.isZero() ? half : DEFAULT_REPLICA_TIMEOUT;
  }

  /** A copy pointing at another URL. */
  public RedisConfig withUrl(String other) {
    return new RedisConfig(other, cluster, commandTimeout, minReplicas, replicaTimeout);
  }

  @Override
  public String toString() {
    // The URL may hold a password.
    return "RedisConfig[url=" + url.replaceAll("//[^@/]*@", "//***@") + ", cluster=" + cluster + ", minReplicas="
        + minReplicas + "]";
  }
}
