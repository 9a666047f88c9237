package fr.sesame.ratelimit.redis;

import fr.sesame.redis.ReplyCode;

/** Whether {@code ratelimit/gcra.lua} admitted a check; the script declares each code under the same name. */
enum GcraReply implements ReplyCode {
  REFUSED(0),
  ALLOWED(1);

  private final int code;

  GcraReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static GcraReply of(long code) {
    return ReplyCode.decode(GcraReply.class, code);
  }
}
