package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** What unlocking a voter found. The reply codes of {@code redis/voter/unlock.lua}, which declares each under the same name. */
enum UnlockReply implements ReplyCode {
  NOT_ON_ROLL(-1),
  WAS_NOT_LOCKED(0),
  WAS_LOCKED(1);

  private final int code;

  UnlockReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static UnlockReply of(long code) {
    return ReplyCode.decode(UnlockReply.class, code);
  }
}
