package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** Whether a staff login step may be checked. The reply codes of {@code redis/staff/attempt.lua}, same names. */
enum AttemptReply implements ReplyCode {
  ALLOWED(1),
  LOCKED(2);

  private final int code;

  AttemptReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static AttemptReply of(long code) {
    return ReplyCode.decode(AttemptReply.class, code);
  }
}
