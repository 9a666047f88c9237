package fr.sesame.ratelimit;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Decides several limits at once: admits only when all admit, and then charges all; charges none otherwise.
 * Time comes from the caller.
 */
public interface RateLimiter {
  /**
   * @param hashTag the Redis Cluster hash tag all these limits share (e.g. the election id): one slot, one
   *                script
   * @param limits  the limits, at least one
   * @param cost    permits this request takes, usually 1
   * @param now     the caller's clock
   */
  Future<Decision> check(String hashTag, List<Limit> limits, int cost, Instant now);
}
