package fr.sesame.ratelimit.redis;

import static fr.sesame.redis.LuaScript.num;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.vertx.core.Future;
import java.util.List;

/**
 * A step's limits decided apart from the step, for a Redis Cluster, where the limits' slot ({@code rl:{scope}:...})
 * is not the step's: {@link #reserve} takes one permit from every limit, whatever its {@link StepLimits.Charge},
 * when all admit (one script, atomic: a refusal takes none); the step runs; then {@link #settle} gives back the
 * permits its outcome did not owe (an {@code ON_FAILURE} permit after a success, an {@code ON_SUCCESS} one after a
 * failure, all of them after a repeat). So a limit never admits more than it would if decided inside the step:
 * steps in flight hold their permits until settled (concurrent steps are refused sooner, never later), and a
 * settle that never happens (Redis away, the gateway stopped) leaves the permit taken until the limit refills.
 * Both run {@code ratelimit/gcra.lua} (a negative cost gives back).
 */
public final class ReservedLimits {
  static final LuaScript GCRA = LuaScript.load("ratelimit/gcra.lua");

  private ReservedLimits() {}

  /** What the step's outcome owes its limits. */
  public enum Outcome {
    /** The step succeeded: its {@code ALWAYS} and {@code ON_SUCCESS} limits keep their permits. */
    SUCCESS,
    /** The step failed (a failure counted): its {@code ALWAYS} and {@code ON_FAILURE} limits keep them. */
    FAILURE,
    /** Neither (refused for another reason): only the {@code ALWAYS} limits keep them. */
    NEITHER,
    /** The step did not run again (a repeat of an Idempotency-Key): every permit goes back. */
    NOTHING
  }

  /** Takes one permit from every limit when all admit one more; else none, and the refusal is returned. */
  public static Future<Decision> reserve(RedisAccess redis, StepLimits limits) {
    if (limits.entries().isEmpty()) {
      return Future.succeededFuture(new Decision(true, Decision.Reason.ALLOWED, java.time.Duration.ZERO, List.of()));
    }
    StepLimits all = charged(limits, limits.entries());
    return GCRA.run(redis, ScriptLimits.keys(all), ScriptLimits.args(all, "1"))
        .map(r -> ScriptLimits.decision(limits, GcraReply.of(num(r, 0)) == GcraReply.ALLOWED, r, 1));
  }

  /** Gives back the permits {@link #reserve} took that {@code outcome} does not owe. */
  public static Future<Void> settle(RedisAccess redis, StepLimits limits, Outcome outcome) {
    List<StepLimits.Entry> back = limits.entries().stream().filter(e -> !owed(e.charge(), outcome)).toList();
    if (back.isEmpty()) {
      return Future.succeededFuture();
    }
    StepLimits giveBack = charged(limits, back);
    return GCRA.run(redis, ScriptLimits.keys(giveBack), ScriptLimits.args(giveBack, "-1")).mapEmpty();
  }

  static boolean owed(StepLimits.Charge charge, Outcome outcome) {
    return switch (outcome) {
      case SUCCESS -> charge != StepLimits.Charge.ON_FAILURE;
      case FAILURE -> charge != StepLimits.Charge.ON_SUCCESS;
      case NEITHER -> charge == StepLimits.Charge.ALWAYS;
      case NOTHING -> false;
    };
  }

  /** The same limits, each charged at once (gcra.lua charges only those). */
  private static StepLimits charged(StepLimits limits, List<StepLimits.Entry> entries) {
    return new StepLimits(limits.scope(),
        entries.stream().map(e -> new StepLimits.Entry(e.limit(), StepLimits.Charge.ALWAYS)).toList(), limits.now());
  }
}
