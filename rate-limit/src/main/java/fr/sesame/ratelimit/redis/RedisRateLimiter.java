package fr.sesame.ratelimit.redis;

import static fr.sesame.ratelimit.redis.LuaScript.num;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.ratelimit.RateLimiter;
import fr.sesame.ratelimit.local.InMemoryRateLimiter;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits kept in Redis, all of one check decided by one Lua script ({@code ratelimit/gcra.lua}): one round
 * trip, atomic, exact under concurrency. When Redis does not answer, a check with any fail-closed limit is
 * refused ({@link Decision.Reason#UNAVAILABLE}); one with fail-open limits only is decided by a bounded
 * local limiter ({@link Decision.Reason#LOCAL}), per gateway instance.
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final LuaScript GCRA = LuaScript.load("ratelimit/gcra.lua");
  private final RedisAccess redis;
  private final InMemoryRateLimiter fallback;

  public RedisRateLimiter(RedisAccess redis, InMemoryRateLimiter fallback) {
    this.redis = redis;
    this.fallback = fallback;
  }

  @Override
  public Future<Decision> check(String hashTag, List<Limit> limits, int cost, Instant now) {
    RateLimiter.requireValid(limits, cost);
    String[] keys = new String[limits.size()];
    String[] args = new String[2 + 2 * limits.size()];
    args[0] = Long.toString(RateLimiter.micros(now));
    args[1] = Integer.toString(cost);
    for (int i = 0; i < limits.size(); i++) {
      Limit l = limits.get(i);
      keys[i] = key(hashTag, l);
      args[2 + 2 * i] = Long.toString(l.policy().emissionIntervalMicros());
      args[3 + 2 * i] = Long.toString(l.policy().burst());
    }
    return GCRA.run(redis, keys, args).map(r -> {
      boolean allowed = num(r, 0) == 1;
      List<Decision.State> states = new ArrayList<>(limits.size());
      for (int i = 0; i < limits.size(); i++) {
        states.add(new Decision.State(limits.get(i), num(r, 2 + 2 * i), Duration.ofNanos(num(r, 3 + 2 * i) * 1000)));
      }
      return new Decision(allowed, allowed ? Decision.Reason.ALLOWED : Decision.Reason.LIMITED,
          allowed ? Duration.ZERO : Duration.ofNanos(num(r, 1) * 1000), states);
    }).recover(e -> {
      if (!(e instanceof StoreUnavailableException)) {
        return Future.failedFuture(e);
      }
      boolean closed = limits.stream().anyMatch(l -> l.policy().whenUnavailable() == LimitPolicy.FailureMode.CLOSED);
      if (closed) {
        return Future.succeededFuture(new Decision(false, Decision.Reason.UNAVAILABLE, Duration.ZERO, List.of()));
      }
      return fallback.check(hashTag, limits, cost, now).map(d -> new Decision(d.allowed(),
          d.allowed() ? Decision.Reason.LOCAL : Decision.Reason.LIMITED, d.retryAfter(), d.states()));
    });
  }

  /** {@code rl:{<hash tag>}:<policy>:<key>}. */
  static String key(String hashTag, Limit l) {
    return "rl:{" + hashTag + "}:" + l.policy().name() + ":" + l.key();
  }
}
