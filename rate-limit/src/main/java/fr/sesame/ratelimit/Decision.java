package fr.sesame.ratelimit;

import java.time.Duration;
import java.util.List;

/**
 * What a check decided.
 *
 * @param allowed    true when every limit admitted (and all were charged)
 * @param reason     why
 * @param retryAfter when refused for a limit: how long until the request would pass; zero otherwise
 * @param states     each limit's state after the check, in the order asked (for the RateLimit headers)
 */
public record Decision(boolean allowed, Reason reason, Duration retryAfter, List<State> states) {
  /** Why a check ended as it did. */
  public enum Reason {
    /** Every limit admitted. */
    ALLOWED,
    /** A limit refused. */
    LIMITED,
    /** The store did not answer, and a fail-closed limit was involved: refused. */
    UNAVAILABLE,
    /** The store did not answer; only fail-open limits were involved: decided by the local limiter. */
    LOCAL
  }

  /** One limit after the check: how many more would pass now, and when it is full again. */
  public record State(Limit limit, long remaining, Duration resetAfter) {}

  public Decision {
    states = List.copyOf(states);
  }
}
