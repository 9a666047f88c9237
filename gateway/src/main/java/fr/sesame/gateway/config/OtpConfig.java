package fr.sesame.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * One-time codes.
 *
 * @param digits       length of a code; default 6
 * @param validity     how long a code can be used after it is sent; default 5 minutes
 * @param maxResends   resends allowed per challenge; default 3
 * @param challengeTtl how long a challenge can still be resent after its code expired; default 30 minutes
 * @param sendWait     how long a login step waits for the outbox to say the code went out (a failure then
 *                     answers 503 at once; longer, the answer says "sent" and the code still goes or fails
 *                     visibly); default 2 s
 */
public record OtpConfig(int digits, Duration validity, int maxResends, Duration challengeTtl, Duration sendWait) {
  public static final OtpConfig DEFAULTS = new OtpConfig(6, Duration.ofMinutes(5), 3, Duration.ofMinutes(30),
      Duration.ofSeconds(2));

  public OtpConfig {
    if (digits < 6 || digits > 10) {
      throw new IllegalArgumentException("otp.digits must be 6..10");
    }
    Objects.requireNonNull(validity, "otp.validity");
    Objects.requireNonNull(challengeTtl, "otp.challengeTtl");
    Objects.requireNonNull(sendWait, "otp.sendWait");
    if (validity.toSeconds() < 30 || validity.toMinutes() > 30) {
      throw new IllegalArgumentException("otp.validity must be between 30 seconds and 30 minutes");
    }
    if (maxResends < 0 || maxResends > 10) {
      throw new IllegalArgumentException("otp.maxResends must be 0..10");
    }
    if (challengeTtl.compareTo(validity) < 0) {
      throw new IllegalArgumentException("otp.challengeTtl must be at least otp.validity");
    }
  }
}
