package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/** Whether importing a voter created or updated it. The reply codes of {@code redis/voter/import_voter.lua}, which declares each under the same name. */
enum ImportReply implements ReplyCode {
  UPDATED(0),
  CREATED(1);

  private final int code;

  ImportReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static ImportReply of(long code) {
    return ReplyCode.decode(ImportReply.class, code);
  }
}
