package fr.sesame.ratelimit.redis;

import static fr.sesame.redis.LuaScript.num;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.RateLimiter;
import fr.sesame.ratelimit.StepLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link StepLimits} as a Lua script that includes {@code ratelimit/lib/gcra.lua} takes them: the limits'
 * keys after the script's own, and after its own arguments {@code now_us} then a triplet per limit —
 * interval, burst, and when it is charged ({@link #mode}). Its refusal comes back as {@code rl_reply} appended
 * it.
 */
public final class ScriptLimits {
  private ScriptLimits() {}

  /** A script's own keys, then these limits' keys ({@code rl:{scope}:<policy>:<subject>}). */
  public static String[] keys(StepLimits limits, String... own) {
    List<String> all = new ArrayList<>(List.of(own));
    for (StepLimits.Entry e : limits.entries()) {
      all.add(RedisRateLimiter.key(limits.scope(), e.limit()));
    }
    return all.toArray(String[]::new);
  }

  /** A script's own arguments, then {@code now_us} and a triplet per limit. */
  public static String[] args(StepLimits limits, String... own) {
    List<String> all = new ArrayList<>(List.of(own));
    all.add(Long.toString(RateLimiter.micros(limits.now())));
    for (StepLimits.Entry e : limits.entries()) {
      all.add(Long.toString(e.limit().policy().emissionIntervalMicros()));
      all.add(Long.toString(e.limit().policy().burst()));
      all.add(Integer.toString(mode(e.charge())));
    }
    return all.toArray(String[]::new);
  }

  /**
   * The number {@code ratelimit/lib/gcra.lua} gives a charge mode ({@code RL_ON_FAILURE}, {@code RL_ALWAYS},
   * {@code RL_ON_SUCCESS}): explicit, never an ordinal.
   */
  public static int mode(StepLimits.Charge charge) {
    return switch (charge) {
      case ON_FAILURE -> 0;
      case ALWAYS -> 1;
      case ON_SUCCESS -> 2;
    };
  }

  /** A refusal the script replied with {@code rl_reply} from {@code offset}. */
  public static Decision refusal(StepLimits limits, List<Object> reply, int offset) {
    return decision(limits, false, reply, offset);
  }

  /**
   * The decision a script replied with {@code rl_reply}: retry_after_us at {@code offset}, the worst limit's
   * index, then remaining and reset per limit.
   */
  public static Decision decision(StepLimits limits, boolean allowed, List<Object> reply, int offset) {
    List<StepLimits.Entry> entries = limits.entries();
    List<Decision.State> states = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      states.add(new Decision.State(entries.get(i).limit(), num(reply, offset + 2 + 2 * i),
          Duration.ofNanos(num(reply, offset + 3 + 2 * i) * 1000)));
    }
    return new Decision(allowed, allowed ? Decision.Reason.ALLOWED : Decision.Reason.LIMITED,
        allowed ? Duration.ZERO : Duration.ofNanos(num(reply, offset) * 1000), states);
  }
}
