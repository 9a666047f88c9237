package fr.sesame.ratelimit.redis;

import static fr.sesame.ratelimit.redis.LuaScript.num;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.Limit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits decided inside another Lua script (one that includes {@code ratelimit/lib/gcra.lua}), so that a
 * guarded step costs no extra round trip. The script gets the limits' keys after its own and, after its
 * own arguments, {@code now_us} then a triplet per limit: interval, burst, and when it is charged
 * ({@link Charge}). Every limit must admit one more for the step to run at all.
 *
 * @param hashTag the Redis Cluster hash tag of the keys ({@code rl:{tag}:<policy>:<subject>})
 * @param entries the limits
 * @param now     the caller's clock
 */
public record ScriptLimits(String hashTag, List<Entry> entries, Instant now) {
  /** When a limit takes a permit (the script's mode number in parentheses). */
  public enum Charge {
    /** When the step fails: a limit on failures (0). */
    ON_FAILURE,
    /** Whenever the step runs (1). */
    ALWAYS,
    /** When the step succeeds, e.g. a code is sent (2). */
    ON_SUCCESS
  }

  /** A limit and when it is charged. */
  public record Entry(Limit limit, Charge charge) {}

  public ScriptLimits {
    entries = List.copyOf(entries);
  }

  /** A refusal the script replied with {@code rl_reply} from {@code offset}. */
  public Decision refusal(List<Object> reply, int offset) {
    return decision(false, reply, offset);
  }

  /**
   * The decision a script replied with {@code rl_reply}: retry_after_us at {@code offset}, the worst limit's
   * index, then remaining and reset per limit.
   */
  public Decision decision(boolean allowed, List<Object> reply, int offset) {
    List<Decision.State> states = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      states.add(new Decision.State(entries.get(i).limit(), num(reply, offset + 2 + 2 * i),
          Duration.ofNanos(num(reply, offset + 3 + 2 * i) * 1000)));
    }
    return new Decision(allowed, allowed ? Decision.Reason.ALLOWED : Decision.Reason.LIMITED,
        allowed ? Duration.ZERO : Duration.ofNanos(num(reply, offset) * 1000), states);
  }

  /** A script's own keys, then these limits' keys. */
  public String[] keys(String... own) {
    List<String> all = new ArrayList<>(List.of(own));
    for (Entry e : entries) {
      all.add(RedisRateLimiter.key(hashTag, e.limit()));
    }
    return all.toArray(String[]::new);
  }

  /** A script's own arguments, then {@code now_us} and a triplet per limit. */
  public String[] args(String... own) {
    List<String> all = new ArrayList<>(List.of(own));
    all.add(Long.toString(fr.sesame.ratelimit.RateLimiter.micros(now)));
    for (Entry e : entries) {
      all.add(Long.toString(e.limit().policy().emissionIntervalMicros()));
      all.add(Long.toString(e.limit().policy().burst()));
      all.add(Integer.toString(e.charge().ordinal()));
    }
    return all.toArray(String[]::new);
  }
}
