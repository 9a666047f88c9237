package fr.sesame.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Account lockout.
 *
 * @param maxFailures          failed steps (wrong secret or wrong code, counted together) that lock a voter; default 5
 * @param unknownIdentifierTtl how long the failure count of an identifier that is not on the roll is kept
 *                             (it locks like a real one, so a 423 reveals nothing; the expiry keeps junk
 *                             identifiers from filling Redis); default 24 hours
 * @param massAlertPerMinute   more locks than this in one minute in one election raise an alert to the election's
 *                             bureau members (email) and in the audit trail; default 20
 */
public record LockoutConfig(int maxFailures, Duration unknownIdentifierTtl, int massAlertPerMinute) {
  public static final LockoutConfig DEFAULTS = new LockoutConfig(5, Duration.ofHours(24), 20);

  public LockoutConfig(int maxFailures, Duration unknownIdentifierTtl) {
    this(maxFailures, unknownIdentifierTtl, DEFAULTS_MASS_ALERT);
  }

  private static final int DEFAULTS_MASS_ALERT = 20;

  public LockoutConfig {
    if (massAlertPerMinute < 1 || massAlertPerMinute > 1_000_000) {
      throw new IllegalArgumentException("lockout.massAlertPerMinute must be 1..1000000");
    }
    if (maxFailures < 1 || maxFailures > 100) {
      throw new IllegalArgumentException("lockout.maxFailures must be 1..100");
    }
    Objects.requireNonNull(unknownIdentifierTtl, "lockout.unknownIdentifierTtl");
    if (unknownIdentifierTtl.toMinutes() < 1) {
      throw new IllegalArgumentException("lockout.unknownIdentifierTtl must be at least one minute");
    }
  }
}
