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

  /** What every implementation refuses: no limit, or a cost below 1 (a programming error, not a request's). */
  static void requireValid(List<Limit> limits, int cost) {
    if (limits.isEmpty() || cost < 1) {
      throw new IllegalArgumentException("a check needs at least one limit and a cost of at least 1");
    }
  }

  /** {@code now} in microseconds since the epoch: the unit of every limit's arithmetic. */
  static long micros(Instant now) {
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
