package fr.sesame.ratelimit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The limits that guard one step (a login step, a paid send), decided together with the step itself by the
 * store, so that a guarded step costs no extra round trip. Every limit must admit one more for the step to
 * run at all; each is then charged as its {@link Charge} says. Storage-neutral: the Redis store encodes it
 * for its scripts ({@code fr.sesame.ratelimit.redis.ScriptLimits}).
 *
 * @param scope   what the limits' state is kept under, e.g. the election id (all of one step's limits share
 *                it: one Redis Cluster slot)
 * @param entries the limits, in the order a refusal reports their states
 * @param now     the caller's clock
 */
public record StepLimits(String scope, List<Entry> entries, Instant now) {
  /** When a limit takes a permit (a store encodes it its own way: the Redis one in {@code ScriptLimits}). */
  public enum Charge {
    /** When the step fails: a limit on failures. */
    ON_FAILURE,
    /** Whenever the step runs. */
    ALWAYS,
    /** When the step succeeds, e.g. a code is sent. */
    ON_SUCCESS
  }

  /** A limit and when it is charged. */
  public record Entry(Limit limit, Charge charge) {
    public Entry {
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(charge, "charge");
    }
  }

  public StepLimits {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(now, "now");
    entries = List.copyOf(entries);
  }
}
