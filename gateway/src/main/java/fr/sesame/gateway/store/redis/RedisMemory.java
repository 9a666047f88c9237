package fr.sesame.gateway.store.redis;

import fr.sesame.redis.RedisAccess;
import io.vertx.core.Future;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A voter's Redis hash holds encrypted fields of 50 to 150 base64 characters. Redis keeps a hash compact
 * (listpack) only while every value is at most {@code hash-max-listpack-value} bytes, 64 by default;
 * beyond, it becomes a hash table and a voter takes about 590 bytes instead of about 350 (measured, docs/benchmarks.md).
 * This checks the setting at start-up and says what to set; it changes nothing on the server.
 */
public final class RedisMemory {
  /** The value this project's Redis should have (and the embedded one has). */
  public static final int HASH_VALUE_BYTES = 256;
  /** Below this, the longest encrypted fields no longer fit and voters' hashes grow. */
  private static final int ENOUGH = 192;
  private static final Logger LOG = LoggerFactory.getLogger(RedisMemory.class);

  private RedisMemory() {}

  /** Logs a warning when the setting is too low; never fails (a managed Redis may refuse CONFIG). */
  public static Future<Void> check(RedisAccess redis) {
    // Redis 7 calls it hash-max-listpack-value and still answers to the ziplist name, which 6.2 uses
    return redis.await(redis.commands().configGet("hash-max-ziplist-value")).map((Map<String, String> m) -> {
      String value = m.values().stream().findFirst().orElse(null);
      if (value != null && Integer.parseInt(value.trim()) < ENOUGH) {
        LOG.warn("Redis hash-max-listpack-value is {}: each voter takes about 590 bytes instead of about 350. "
            + "Set hash-max-listpack-value {} in redis.conf (see README, Configuration)", value, HASH_VALUE_BYTES);
      }
      return (Void) null;
    }).otherwise(e -> {
      LOG.info("Could not read Redis's hash-max-listpack-value ({}); see README, Configuration", e.getMessage());
      return null;
    });
  }
}
