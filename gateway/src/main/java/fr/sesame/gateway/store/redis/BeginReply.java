package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** Whether a dispatcher has something to send. The reply codes of {@code redis/outbox/begin.lua}, which declares each under the same name. */
enum BeginReply implements ReplyCode {
  NOTHING_TO_SEND(0),
  WORK(1);

  private final int code;

  BeginReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static BeginReply of(long code) {
    return ReplyCode.decode(BeginReply.class, code);
  }
}
