package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** Whether audit events were appended, or the writer's head had moved (nothing written). The reply codes of {@code redis/audit/append.lua}, which declares each under the same name. */
enum AppendReply implements ReplyCode {
  HEAD_MOVED(0),
  APPENDED(1);

  private final int code;

  AppendReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static AppendReply of(long code) {
    return ReplyCode.decode(AppendReply.class, code);
  }
}
