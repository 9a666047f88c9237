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

  /** No limits: the script decides its step alone. */
  public static ScriptLimits none(Instant now) {
    return new ScriptLimits("", List.of(), now);
  }

  public ScriptLimits {
    entries = List.copyOf(entries);
  }

  /** The keys, in order, to append to the script's own. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      keys.add(RedisRateLimiter.key(hashTag, e.limit()));
    }
    return keys;
  }

  /** {@code now_us} then the triplets, to append to the script's own arguments. */
  public List<String> args() {
    List<String> args = new ArrayList<>(1 + 3 * entries.size());
    args.add(Long.toString(fr.sesame.ratelimit.RateLimiter.micros(now)));
    for (Entry e : entries) {
      args.add(Long.toString(e.limit().policy().emissionIntervalMicros()));
      args.add(Long.toString(e.limit().policy().burst()));
      args.add(Integer.toString(e.charge().ordinal()));
    }
    return args;
  }

  /**
   * The decision a script replied with {@code rl_reply}: retry_after_us at {@code offset}, the worst limit's
   * index, then remaining and reset per limit.
   */
  public Decision refusal(List<Object> reply, int offset) {
    List<Decision.State> states = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      states.add(new Decision.State(entries.get(i).limit(), num(reply, offset + 2 + 2 * i),
          Duration.ofNanos(num(reply, offset + 3 + 2 * i) * 1000)));
    }
    return new Decision(false, Decision.Reason.LIMITED, Duration.ofNanos(num(reply, offset) * 1000), states);
  }

  /** Joins a script's own keys and these. */
  public String[] keys(String... own) {
    List<String> all = new ArrayList<>(List.of(own));
    all.addAll(keys());
    return all.toArray(String[]::new);
  }

  /** Joins a script's own arguments and these. */
  public String[] args(String... own) {
    List<String> all = new ArrayList<>(List.of(own));
    all.addAll(args());
    return all.toArray(String[]::new);
  }
}
