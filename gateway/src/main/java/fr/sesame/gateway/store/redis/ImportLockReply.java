package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/**
 * What became of an election's import lock. The reply codes of {@code redis/roll/lock.lua}, {@code renew.lua} and
 * {@code begin.lua}, declared under the same names in {@code redis/lib/import.lua}.
 */
enum ImportLockReply implements ReplyCode {
  /** The caller holds the lock (taken, renewed, or its job recorded). */
  HELD(1),
  /** Another import holds it. */
  BUSY(2),
  /** The caller no longer holds it: its lease ran out and another import took it over. */
  LOST(3);

  private final int code;

  ImportLockReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static ImportLockReply of(long code) {
    return ReplyCode.decode(ImportLockReply.class, code);
  }
}
