package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.store.StepResult;
import fr.sesame.redis.ReplyCode;

/**
 * The reply codes of the voter scripts' login steps ({@code redis/lib/voter.lua} declares them:
 * {@code login_secret.lua}, {@code verify_code.lua}, {@code resend.lua}), each mapped to the port's
 * {@link StepResult.Code} by name.
 */
enum VoterReply implements ReplyCode {
  OK(1, StepResult.Code.OK),
  REJECTED(2, StepResult.Code.REJECTED),
  LOCKED(3, StepResult.Code.LOCKED),
  CHANNEL_NOT_ALLOWED(4, StepResult.Code.CHANNEL_NOT_ALLOWED),
  NO_DESTINATION(5, StepResult.Code.NO_DESTINATION),
  NO_CHALLENGE(6, StepResult.Code.NO_CHALLENGE),
  EXPIRED(7, StepResult.Code.EXPIRED),
  RESEND_LIMIT(8, StepResult.Code.RESEND_LIMIT),
  RATE_LIMITED(9, StepResult.Code.RATE_LIMITED),
  PHONE_TAKEN(10, StepResult.Code.PHONE_TAKEN),
  /** A repeat of an Idempotency-Key: the first outcome follows (RedisVoterStore decodes it). */
  REPEAT(11, null),
  /**
   * Redis Cluster only: the step needs a phone given at login claimed first, in the claim's own slot; nothing was
   * written (RedisVoterStore claims it and runs the step again).
   */
  NEEDS_CLAIM(12, null);

  private final int code;
  private final StepResult.Code step;

  VoterReply(int code, StepResult.Code step) {
    this.code = code;
    this.step = step;
  }

  @Override
  public int code() {
    return code;
  }

  StepResult.Code step() {
    return step;
  }

  static VoterReply of(long code) {
    return ReplyCode.decode(VoterReply.class, code);
  }
}
