package fr.sesame.gateway.auth;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.ratelimit.Decision;

/** What a login step (start, verify, resend) decided; {@link #kind()} says how it is answered and counted. */
public sealed interface LoginOutcome {
  /**
   * The one table of login outcomes: the name they have in metrics ({@code sesame_logins_total{outcome}}) and
   * in the audit trail, and the problem type a failure answers with (null for a success). A new outcome is a
   * record below, a row here, the store's reply that leads to it ({@code StepResult.Code}, mapped in
   * {@code LoginService.failure}) and its detail text in the HTTP layer.
   */
  enum Kind {
    SUCCESS("success", null),
    REJECTED("rejected", ProblemType.INVALID_CREDENTIALS),
    LOCKED("locked", ProblemType.ACCOUNT_LOCKED),
    CHANNEL_NOT_ALLOWED("channel-not-allowed", ProblemType.CHANNEL_NOT_ALLOWED),
    NO_DESTINATION("no-destination", ProblemType.NO_DESTINATION),
    UNKNOWN_CHALLENGE("unknown-challenge", ProblemType.CHALLENGE_NOT_FOUND),
    CODE_EXPIRED("code-expired", ProblemType.CODE_EXPIRED),
    RESEND_LIMIT("resend-limit", ProblemType.RESEND_LIMIT_REACHED),
    RATE_LIMITED("rate-limited", ProblemType.RATE_LIMITED),
    /** A tripped fraud breaker stops codes to the number's block or country: counted as rate-limited. */
    SENDS_SUSPENDED("rate-limited", ProblemType.SENDS_SUSPENDED),
    PHONE_TAKEN("phone-taken", ProblemType.PHONE_IN_USE),
    SEND_FAILED("send-failed", ProblemType.DEPENDENCY_UNAVAILABLE);

    private final String outcomeName;
    private final ProblemType problem;

    Kind(String outcomeName, ProblemType problem) {
      this.outcomeName = outcomeName;
      this.problem = problem;
    }

    /** The outcome's name in metrics and the audit trail. */
    public String outcomeName() {
      return outcomeName;
    }

    /** The problem a failure answers with; null for a success. */
    public ProblemType problem() {
      return problem;
    }
  }

  Kind kind();

  /** A code was sent. {@code resendsLeft} is -1 on the first send. */
  record OtpSent(String challengeId, ChannelKind channel, String maskedDestination, long expiresInSeconds,
                 long resendsLeft) implements LoginOutcome {
    public Kind kind() {
      return Kind.SUCCESS;
    }
  }

  /**
   * The knowledge secret was right and no channel was named: a challenge is open without a code. The voter
   * chooses among {@code channels} (his college's); {@code hasEmail} and {@code hasPhone} say which contacts
   * the roll (or an earlier login) holds, so a phone is asked for only when a phone channel needs one.
   */
  record SecretAccepted(String challengeId, java.util.Set<ChannelKind> channels, boolean hasEmail,
                        boolean hasPhone) implements LoginOutcome {
    public SecretAccepted {
      channels = java.util.Set.copyOf(channels);
    }

    public Kind kind() {
      return Kind.SUCCESS;
    }
  }

  /** The code was right: a session is open. */
  record SessionOpened(String sessionToken, long expiresInSeconds) implements LoginOutcome {
    public Kind kind() {
      return Kind.SUCCESS;
    }
  }

  /** Wrong identifier, secret or code; the account locks after {@code remainingAttempts} more. */
  record Rejected(long remainingAttempts) implements LoginOutcome {
    public Kind kind() {
      return Kind.REJECTED;
    }
  }

  /** Locked: only support can unlock it. */
  record LockedOut() implements LoginOutcome {
    public Kind kind() {
      return Kind.LOCKED;
    }
  }

  /** The voter's college does not allow this channel. */
  record ChannelNotAllowed(ChannelKind channel) implements LoginOutcome {
    public Kind kind() {
      return Kind.CHANNEL_NOT_ALLOWED;
    }
  }

  /** Nowhere to send a code on this channel (no phone or no email on the roll). */
  record NoDestination(ChannelKind channel) implements LoginOutcome {
    public Kind kind() {
      return Kind.NO_DESTINATION;
    }
  }

  /** No such challenge (never, or already used, or replaced by a new login). */
  record UnknownChallenge() implements LoginOutcome {
    public Kind kind() {
      return Kind.UNKNOWN_CHALLENGE;
    }
  }

  /** The code's validity has passed: ask for a resend. */
  record CodeExpired() implements LoginOutcome {
    public Kind kind() {
      return Kind.CODE_EXPIRED;
    }
  }

  /** This challenge was resent as often as allowed: log in again. */
  record ResendLimitReached() implements LoginOutcome {
    public Kind kind() {
      return Kind.RESEND_LIMIT;
    }
  }

  /**
   * A rate limit refused the step (nothing else was counted), or a cap on paid sends refused the code;
   * {@code suspended}: sends to that number's block or country are stopped by a tripped breaker.
   */
  record RateLimited(Decision decision, boolean suspended) implements LoginOutcome {
    public Kind kind() {
      return suspended ? Kind.SENDS_SUSPENDED : Kind.RATE_LIMITED;
    }
  }

  /** The phone given at login already receives codes for another voter of this election. */
  record PhoneTaken() implements LoginOutcome {
    public Kind kind() {
      return Kind.PHONE_TAKEN;
    }
  }

  /** No provider took the code; the challenge stays and can be resent. */
  record SendFailed(ChannelKind channel) implements LoginOutcome {
    public Kind kind() {
      return Kind.SEND_FAILED;
    }
  }
}
