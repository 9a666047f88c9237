package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** Whether a session was ended. The reply codes of {@code redis/voter/session_end.lua}, which declares each under the same name. */
enum EndReply implements ReplyCode {
  NO_SESSION(0),
  ENDED(1);

  private final int code;

  EndReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static EndReply of(long code) {
    return ReplyCode.decode(EndReply.class, code);
  }
}
