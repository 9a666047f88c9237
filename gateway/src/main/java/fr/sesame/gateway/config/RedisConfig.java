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
 */
public record RedisConfig(String url, boolean cluster, Duration commandTimeout) {
  public RedisConfig {
    Objects.requireNonNull(url, "redis.url (or REDIS_URL)");
    if (url.isBlank()) {
      throw new IllegalArgumentException("redis.url (or REDIS_URL) must be set");
    }
    Objects.requireNonNull(commandTimeout, "redis.commandTimeout");
  }

  @Override
  public String toString() {
    // The URL may hold a password.
    return "RedisConfig[url=" + url.replaceAll("//[^@/]*@", "//***@") + ", cluster=" + cluster + "]";
  }
}
