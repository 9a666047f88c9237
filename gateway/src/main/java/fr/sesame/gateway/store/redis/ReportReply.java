package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** What a delivery report changed. The reply codes of {@code redis/outbox/report.lua}, which declares each under the same name. */
enum ReportReply implements ReplyCode {
  IGNORED(0),
  DELIVERED(1),
  REQUEUED(2);

  private final int code;

  ReportReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static ReportReply of(long code) {
    return ReplyCode.decode(ReportReply.class, code);
  }
}
