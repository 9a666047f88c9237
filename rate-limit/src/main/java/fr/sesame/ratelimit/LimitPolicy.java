package fr.sesame.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One limit: at most {@code burst} at once, refilled at {@code rate} per {@code period} (GCRA: a request is
 * admitted when the bucket, refilled continuously, holds at least its cost).
 *
 * @param name          short name, in Redis keys and in the {@code RateLimit-Policy} header ({@code a-z0-9-})
 * @param rate          permits per period, at least 1
 * @param period        the period of {@code rate}
 * @param burst         how many may pass at once, at least 1
 * @param whenUnavailable what to do when Redis does not answer: {@link FailureMode#OPEN} decides with a
 *                      bounded local limiter (login steps), {@link FailureMode#CLOSED} refuses (anything
 *                      that costs money: SMS, voice, post)
 */
public record LimitPolicy(String name, long rate, Duration period, long burst, FailureMode whenUnavailable) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

  /** What a limit does when its store is unavailable. */
  public enum FailureMode { OPEN, CLOSED }

  public LimitPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(whenUnavailable, "whenUnavailable");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a limit's name is 1 to 32 of a-z 0-9 -");
    }
    if (rate < 1 || burst < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("limit " + name + ": rate and burst must be at least 1, period positive");
    }
    if (emissionIntervalMicros(period, rate) < 1) {
      throw new IllegalArgumentException("limit " + name + ": more than one per microsecond is not a limit");
    }
  }

  /** Time between two permits, in microseconds. */
  public long emissionIntervalMicros() {
    return emissionIntervalMicros(period, rate);
  }

  private static long emissionIntervalMicros(Duration period, long rate) {
    return period.toNanos() / 1000 / rate;
  }
}
