package fr.sesame.ratelimit.local;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.RateLimiter;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The same GCRA limits in this process's memory: the fallback of fail-open limits while Redis is away (each
 * gateway instance then limits on its own), and a fake for tests. At most {@code maxKeys} subjects are
 * remembered; past that the table starts afresh (bounded memory beats exactness in a degraded mode).
 * Thread-safe; one lock, which is fine for a fallback.
 */
public final class InMemoryRateLimiter implements RateLimiter {
  private final int maxKeys;
  private final Map<String, Long> tats = new HashMap<>();

  public InMemoryRateLimiter(int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1");
    }
    this.maxKeys = maxKeys;
  }

  @Override
  public synchronized Future<Decision> check(String hashTag, List<Limit> limits, int cost, Instant now) {
    RateLimiter.requireValid(limits, cost);
    long nowUs = RateLimiter.micros(now);
    long[] newTats = new long[limits.size()];
    long[] oldTats = new long[limits.size()];
    boolean allowed = true;
    long retry = 0;
    for (int i = 0; i < limits.size(); i++) {
      Limit l = limits.get(i);
      long interval = l.policy().emissionIntervalMicros();
      long tat = tat(key(hashTag, l), nowUs, interval * l.policy().burst());
      long next = tat + interval * cost;
      long allowAt = next - interval * l.policy().burst();
      if (nowUs < allowAt) {
        allowed = false;
        retry = Math.max(retry, allowAt - nowUs);
      }
      oldTats[i] = tat;
      newTats[i] = next;
    }
    if (!allowed) {
      newTats = oldTats; // a refusal charges nobody: report every limit as it stands
    } else {
      if (tats.size() + limits.size() > maxKeys) {
        tats.clear();
      }
      for (int i = 0; i < limits.size(); i++) {
        tats.put(key(hashTag, limits.get(i)), newTats[i]);
      }
    }
    List<Decision.State> states = new ArrayList<>();
    for (int i = 0; i < limits.size(); i++) {
      Limit l = limits.get(i);
      long interval = l.policy().emissionIntervalMicros();
      long remaining = Math.max(0, (nowUs - (newTats[i] - interval * l.policy().burst())) / interval);
      states.add(new Decision.State(l, remaining, Duration.ofNanos((newTats[i] - nowUs) * 1000)));
    }
    return Future.succeededFuture(new Decision(allowed, allowed ? Decision.Reason.ALLOWED : Decision.Reason.LIMITED,
        allowed ? Duration.ZERO : Duration.ofNanos(retry * 1000), states));
  }

  /**
   * The limit's theoretical arrival time, with {@code lib/gcra.lua}'s rule: a state ahead of now + window is a
   * debt (another clock a little ahead wrote it), never a fresh limit; one more than two windows ahead (a clock
   * that jumped and was put right) reads as whole.
   */
  private long tat(String key, long nowUs, long windowUs) {
    long tat = Math.max(tats.getOrDefault(key, nowUs), nowUs);
    return tat - nowUs > 2 * windowUs ? nowUs : tat;
  }

  private static String key(String hashTag, Limit l) {
    return hashTag + "|" + l.policy().name() + "|" + l.key();
  }
}
