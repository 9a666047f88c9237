package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** The reply codes of {@code redis/election/emarge.lua}. */
enum EmargeReply implements ReplyCode {
  RECORDED(1),
  REPEATED(2),
  ALREADY_VOTED(3);

  private final int code;

  EmargeReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static EmargeReply of(long code) {
    return ReplyCode.decode(EmargeReply.class, code);
  }
}
