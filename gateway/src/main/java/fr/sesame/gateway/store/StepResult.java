package fr.sesame.gateway.store;

import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.ratelimit.Decision;

/**
 * What a login step decided in the store; {@code LoginService} turns it into a {@code LoginOutcome}.
 * Fields a code does not use are empty, zero or null.
 *
 * @param code        {@link Code}
 * @param failures    the voter's failure count after the step (REJECTED, LOCKED)
 * @param college     the voter's college (OK of a secret or code step)
 * @param channel     the challenge's channel (OK of a login or resend)
 * @param destField   which of the voter's fields the destination came from (OK of login and resend)
 * @param destValue   the encrypted destination (OK of login and resend); OK of a secret-only step: which
 *                    contacts the roll holds for the voter ({@code e} email, {@code p} phone, both, or "")
 * @param resendsLeft resends still allowed (OK of a resend)
 * @param lockedNow   LOCKED: true when this very step locked the account
 * @param sameCodeNotification OK of a resend while the code is valid: the notification that carried it; else ""
 * @param lang        OK of a resend or of a channel chosen after the secret: the language the first step chose for the challenge's messages ("" when the
 *                    challenge holds none: opened before languages were kept); else ""
 * @param limited     RATE_LIMITED: the limits as they stand (for the 429's headers); else null
 * @param repeat      a repeat of an Idempotency-Key: this is the first request's outcome, nothing was decided
 *                    now; null for a step that ran
 */
public record StepResult(Code code, long failures, String college, String channel, VoterField destField,
                         String destValue, long resendsLeft, boolean lockedNow, String sameCodeNotification,
                         String lang, Decision limited, Repeat repeat) {
  /**
   * What the first request of an Idempotency-Key kept beside its outcome (for a code step, all "").
   * @param challengeId    its challenge (as stored: {@code election/challenge})
   * @param notificationId the notification that carries (or was to carry) its code
   * @param codeEnc        its new code, encrypted; "" when it sent none
   */
  public record Repeat(String challengeId, String notificationId, String codeEnc) {}

  public StepResult(Code code, long failures, String college, String channel, VoterField destField, String destValue,
                    long resendsLeft, boolean lockedNow, String sameCodeNotification, Decision limited) {
    this(code, failures, college, channel, destField, destValue, resendsLeft, lockedNow, sameCodeNotification, "",
        limited, null);
  }

  /** This outcome, as the answer to a repeat of the request that decided it. */
  public StepResult asRepeatOf(Repeat first) {
    return new StepResult(code, failures, college, channel, destField, destValue, resendsLeft, lockedNow,
        sameCodeNotification, lang, limited, first);
  }

  /** What a step decided. The store maps its own reply codes to these by name, never by position. */
  public enum Code { OK, REJECTED, LOCKED, CHANNEL_NOT_ALLOWED, NO_DESTINATION, NO_CHALLENGE, EXPIRED, RESEND_LIMIT,
    RATE_LIMITED, PHONE_TAKEN }

  public static StepResult failure(Code code, long failures, boolean lockedNow) {
    return new StepResult(code, failures, "", "", null, "", 0, lockedNow, "", null);
  }

  public static StepResult limited(Decision decision) {
    return new StepResult(Code.RATE_LIMITED, 0, "", "", null, "", 0, false, "", decision);
  }

  public static StepResult of(Code code) {
    return failure(code, 0, false);
  }

  /** A secret step that opened a challenge: where its code goes. */
  public static StepResult challenge(String college, String channel, VoterField destField, String destValue) {
    return new StepResult(Code.OK, 0, college, channel, destField, destValue, 0, false, "", null);
  }

  /**
   * A secret step without a channel: a challenge opened without a code. {@code contacts}: {@code e} when the
   * voter has an email, {@code p} a phone (the roll's or one given at an earlier login), both, or "".
   */
  public static StepResult secretOnly(String college, String contacts) {
    return new StepResult(Code.OK, 0, college, "", null, contacts, 0, false, "", null);
  }

  /** A channel chosen after the secret: where the first code goes, in the language the secret step kept. */
  public static StepResult challenge(String college, String channel, VoterField destField, String destValue,
                                     String lang) {
    return new StepResult(Code.OK, 0, college, channel, destField, destValue, 0, false, "", lang, null, null);
  }

  /** A code step that opened a session. */
  public static StepResult session(String college) {
    return new StepResult(Code.OK, 0, college, "", null, "", 0, false, "", null);
  }

  /**
   * A resend: where the code goes again, how many resends are left, the notification to copy, or "", and the
   * challenge's language, or "".
   */
  public static StepResult resent(String channel, VoterField destField, String destValue, long resendsLeft,
                                  String sameCodeNotification, String lang) {
    return new StepResult(Code.OK, 0, "", channel, destField, destValue, resendsLeft, false, sameCodeNotification,
        lang, null, null);
  }
}
