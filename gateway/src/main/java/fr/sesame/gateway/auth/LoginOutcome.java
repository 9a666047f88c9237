package fr.sesame.gateway.auth;

import fr.sesame.channels.ChannelKind;

/** What a login step (start, verify, resend) decided. */
public sealed interface LoginOutcome {
  /** A code was sent. {@code resendsLeft} is -1 on the first send. */
  record OtpSent(String challengeId, ChannelKind channel, String maskedDestination, long expiresInSeconds,
                 long resendsLeft) implements LoginOutcome {}

  /** The code was right: a session is open. */
  record SessionOpened(String sessionToken, long expiresInSeconds) implements LoginOutcome {}

  /** Wrong identifier, secret or code; the account locks after {@code remainingAttempts} more. */
  record Rejected(long remainingAttempts) implements LoginOutcome {}

  /** Locked: only support can unlock it. */
  record LockedOut() implements LoginOutcome {}

  /** The voter's college does not allow this channel. */
  record ChannelNotAllowed(ChannelKind channel) implements LoginOutcome {}

  /** Nowhere to send a code on this channel (no phone or no email on the roll). */
  record NoDestination(ChannelKind channel) implements LoginOutcome {}

  /** No such challenge (never, or already used, or replaced by a new login). */
  record UnknownChallenge() implements LoginOutcome {}

  /** The code's validity has passed: ask for a resend. */
  record CodeExpired() implements LoginOutcome {}

  /** This challenge was resent as often as allowed: log in again. */
  record ResendLimitReached() implements LoginOutcome {}

  /**
   * A rate limit refused the step (nothing else was counted), or a cap on paid sends refused the code;
   * {@code suspended}: sends to that number's block or country are stopped by a tripped breaker.
   */
  record RateLimited(fr.sesame.ratelimit.Decision decision, boolean suspended) implements LoginOutcome {}

  /** The phone given at login already receives codes for another voter of this election. */
  record PhoneTaken() implements LoginOutcome {}

  /** No provider took the code; the challenge stays and can be resent. */
  record SendFailed(ChannelKind channel) implements LoginOutcome {}
}
