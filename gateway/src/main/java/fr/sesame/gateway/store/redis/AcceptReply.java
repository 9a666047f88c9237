package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** What accepting a notification decided (only ACCEPTED writes). The reply codes of {@code redis/outbox/accept.lua}, which declares each under the same name. */
enum AcceptReply implements ReplyCode {
  BREAKER_OPEN(-3),
  OVER_CAP(-2),
  SOURCE_GONE(-1),
  DUPLICATE(0),
  ACCEPTED(1);

  private final int code;

  AcceptReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static AcceptReply of(long code) {
    return ReplyCode.decode(AcceptReply.class, code);
  }
}
