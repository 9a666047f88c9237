package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** How a presented authorization code was taken. The reply codes of {@code redis/oidc/redeem_code.lua}. */
enum RedeemReply implements ReplyCode {
  UNKNOWN(0),
  FIRST(1),
  REPLAY(2);

  private final int code;

  RedeemReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static RedeemReply of(long code) {
    return ReplyCode.decode(RedeemReply.class, code);
  }
}
