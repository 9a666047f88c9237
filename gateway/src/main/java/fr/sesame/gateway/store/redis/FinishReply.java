package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** A send's outcome recorded and its entry removed. The reply codes of {@code redis/outbox/finish.lua}, which declares each under the same name. */
enum FinishReply implements ReplyCode {
  FINISHED(1);

  private final int code;

  FinishReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static FinishReply of(long code) {
    return ReplyCode.decode(FinishReply.class, code);
  }
}
