package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** Whether an SMS code may be sent to a staff account. The reply codes of {@code redis/staff/code_send.lua}, same names. */
enum CodeSendReply implements ReplyCode {
  ALLOWED(1),
  TOO_SOON(2),
  TOO_MANY(3);

  private final int code;

  CodeSendReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static CodeSendReply of(long code) {
    return ReplyCode.decode(CodeSendReply.class, code);
  }
}
