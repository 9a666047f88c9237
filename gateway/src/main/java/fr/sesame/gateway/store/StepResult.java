package fr.sesame.gateway.store;

import fr.sesame.ratelimit.Decision;

/**
 * What a voter script decided, as the store reports it; {@code LoginService} turns it into a
 * {@code LoginOutcome}. Fields a code does not use are empty or zero.
 *
 * @param code        {@link Code}
 * @param failures    the voter's failure count after the step (REJECTED, LOCKED)
 * @param college     the voter's college (OK)
 * @param channel     the challenge's channel (OK of a resend)
 * @param destField   which stored field the destination came from (OK of login and resend)
 * @param destValue   the encrypted destination (OK of login and resend)
 * @param resendsLeft resends still allowed (OK of a resend)
 * @param lockedNow   LOCKED: true when this very step locked the account
 * @param sameCodeNotification OK of a resend while the code is valid: the notification that carried it; else ""
 * @param limited     RATE_LIMITED: the limits as they stand (for the 429's headers); else null
 */
public record StepResult(Code code, long failures, String college, String channel, String destField,
                         String destValue, long resendsLeft, boolean lockedNow, String sameCodeNotification,
                         Decision limited) {
  public StepResult(Code code, long failures, String college, String channel, String destField, String destValue,
                    long resendsLeft, boolean lockedNow, String sameCodeNotification) {
    this(code, failures, college, channel, destField, destValue, resendsLeft, lockedNow, sameCodeNotification, null);
  }

  public StepResult(Code code, long failures, String college, String channel, String destField, String destValue,
                    long resendsLeft, boolean lockedNow) {
    this(code, failures, college, channel, destField, destValue, resendsLeft, lockedNow, "");
  }

  /** The scripts' result codes (redis/lib/voter.lua). */
  public enum Code { OK, REJECTED, LOCKED, CHANNEL_NOT_ALLOWED, NO_DESTINATION, NO_CHALLENGE, EXPIRED, RESEND_LIMIT,
    RATE_LIMITED, PHONE_TAKEN;

    public static Code of(long n) {
      return values()[(int) n - 1];
    }
  }

  public static StepResult failure(Code code, long failures, boolean lockedNow) {
    return new StepResult(code, failures, "", "", "", "", 0, lockedNow);
  }

  public static StepResult limited(Decision decision) {
    return new StepResult(Code.RATE_LIMITED, 0, "", "", "", "", 0, false, "", decision);
  }

  public static StepResult of(Code code) {
    return new StepResult(code, 0, "", "", "", "", 0, false);
  }
}
