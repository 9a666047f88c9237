package fr.sesame.ratelimit.redis;

import static fr.sesame.redis.LuaScript.num;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.ratelimit.RateLimiter;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.local.InMemoryRateLimiter;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import fr.sesame.redis.StoreUnavailableException;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
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
    StepLimits step = new StepLimits(hashTag,
        limits.stream().map(l -> new StepLimits.Entry(l, StepLimits.Charge.ALWAYS)).toList(), now);
    return GCRA.run(redis, ScriptLimits.keys(step), ScriptLimits.args(step, Integer.toString(cost)))
        .map(r -> ScriptLimits.decision(step, GcraReply.of(num(r, 0)) == GcraReply.ALLOWED, r, 1))
        .recover(e -> {
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
