package fr.sesame.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Admission control at the door (issue 17, point 1): how many new login journeys an instance lets in per second
 * when it nears saturation, and what "saturation" means. Journeys already under way (code, resend, session,
 * émargement, OpenID Connect tokens, the console, health) are never held back. docs/design.md, "Admission
 * control (issue 17, point 1)".
 *
 * @param enabled      false: every login is let in (the door is not looked at); default true; env
 *                     {@code SESAME_ADMISSION_ENABLED}
 * @param maxRate      the ceiling of the adaptive limit: new logins admitted per second by one instance; default
 *                     10,000 (no effect on a healthy gateway: the 2-core machine serves about 1,500)
 * @param minRate      the floor of the adaptive limit, per second; default 20 (the door never closes)
 * @param burst        new logins admitted at once beyond the rate (the limiter's tolerance); default 50
 * @param maxLoopDelay overload when the event loops' 20 ms probe timers fire later than this on average over an
 *                     adjustment period (a mean: one GC pause is not an overload); default 10 ms
 * @param maxLatency   overload when the moving average (EWMA) of the answered requests' latency is above this;
 *                     default 30 ms
 * @param maxInFlight  overload when more requests than this are in flight on the instance; default 1,000
 * @param adjustEvery  how often the limit is adjusted to the signals; default 250 ms
 * @param ticketTtl    how long after its turn a waiting ticket still admits its holder; default 2 min
 * @param maxWait      a new login whose turn would come later than this gets no ticket (only Retry-After);
 *                     default 10 min
 */
public record AdmissionConfig(boolean enabled, double maxRate, double minRate, int burst, Duration maxLoopDelay,
                              Duration maxLatency, int maxInFlight, Duration adjustEvery, Duration ticketTtl,
                              Duration maxWait) {
  public static final AdmissionConfig DEFAULTS = new AdmissionConfig(true, 10_000, 20, 50, Duration.ofMillis(10),
      Duration.ofMillis(30), 1_000, Duration.ofMillis(250), Duration.ofMinutes(2), Duration.ofMinutes(10));
  /** Every login let in. */
  public static final AdmissionConfig OFF = new AdmissionConfig(false, 10_000, 20, 50, Duration.ofMillis(10),
      Duration.ofMillis(30), 1_000, Duration.ofMillis(250), Duration.ofMinutes(2), Duration.ofMinutes(10));

  public AdmissionConfig {
    Objects.requireNonNull(maxLoopDelay, "admission.maxLoopDelay");
    Objects.requireNonNull(maxLatency, "admission.maxLatency");
    Objects.requireNonNull(adjustEvery, "admission.adjustEvery");
    Objects.requireNonNull(ticketTtl, "admission.ticketTtl");
    Objects.requireNonNull(maxWait, "admission.maxWait");
    if (!(minRate > 0) || !(maxRate >= minRate) || maxRate > 1_000_000) {
      throw new IllegalArgumentException("admission.minRate must be above 0 and admission.maxRate between it and "
          + "1000000");
    }
    if (burst < 1 || burst > 100_000) {
      throw new IllegalArgumentException("admission.burst must be 1..100000");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("admission.maxInFlight must be at least 1");
    }
    if (adjustEvery.toMillis() < 10 || maxLoopDelay.toMillis() < 1 || maxLatency.toMillis() < 1) {
      throw new IllegalArgumentException("admission.adjustEvery must be at least 10 ms, admission.maxLoopDelay and "
          + "admission.maxLatency at least 1 ms");
    }
    if (ticketTtl.toSeconds() < 10 || maxWait.toSeconds() < 1) {
      throw new IllegalArgumentException("admission.ticketTtl must be at least 10 s and admission.maxWait 1 s");
    }
  }

  /** A copy with the adaptive limit fixed at {@code rate} per second (tests that force saturation). */
  public AdmissionConfig withFixedRate(double rate, int burst) {
    return new AdmissionConfig(true, rate, rate, burst, maxLoopDelay, maxLatency, maxInFlight, adjustEvery, ticketTtl,
        maxWait);
  }
}
