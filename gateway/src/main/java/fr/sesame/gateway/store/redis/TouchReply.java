package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** Whether a session is active (its timer then slid). The reply codes of {@code redis/voter/session_touch.lua}, which declares each under the same name. */
enum TouchReply implements ReplyCode {
  INACTIVE(0),
  ACTIVE(1);

  private final int code;

  TouchReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static TouchReply of(long code) {
    return ReplyCode.decode(TouchReply.class, code);
  }
}
