package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.store.LockIndex;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.vertx.core.Future;
import java.util.List;

/**
 * {@link LockIndex} in Redis.
 * <pre>
 * gw:{el:E}:lk      sorted set  locked voters of election E: pseudonym -> when locked (ms); written confirmed (on the
 *                               replicas when configured): a failover must not hide a locked voter from a bulk unlock
 * gw:{el:E}:lm:M    string      the locks of minute M (epoch minutes) in E (expires after 2 minutes)
 * gw:{el:E}:la      string      a mass-lockout alert was raised in E (expires after the quiet time)
 * </pre>
 */
public final class RedisLockIndex implements LockIndex {
  static final LuaScript COUNT = LuaScript.load("redis/election/count_lock.lua");
  private final RedisAccess redis;

  public RedisLockIndex(RedisAccess redis) {
    this.redis = redis;
  }

  private static String locked(String electionId) {
    return RedisKeys.election(electionId) + ":lk";
  }

  @Override
  public Future<Long> locked(String electionId, String pseudonym, long nowMs) {
    // whether the voter is on the roll, read first: the voter's slot is not the election's on a Redis Cluster
    return redis.await(redis.commands().hexists(RedisKeys.voter(pseudonym), "c")).compose(onRoll ->
        COUNT.runConfirmed(redis, new String[] {locked(electionId), RedisKeys.election(electionId) + ":lm:" + nowMs / 60_000},
            new String[] {pseudonym, Long.toString(nowMs), "120000", Boolean.TRUE.equals(onRoll) ? "1" : "0"}))
        .map(r -> LuaScript.num(r, 0));
  }

  @Override
  public Future<Boolean> claimAlert(String electionId, long quietMs) {
    return redis.await(redis.commands().set(RedisKeys.election(electionId) + ":la", "1",
        io.lettuce.core.SetArgs.Builder.nx().px(quietMs))).map("OK"::equals);
  }

  @Override
  public Future<Void> unlocked(String electionId, String pseudonym) {
    return redis.await(redis.commands().zrem(locked(electionId), pseudonym)).mapEmpty();
  }

  @Override
  public Future<List<String>> lockedBetween(String electionId, long fromMs, long toMs, int limit) {
    return redis.await(redis.commands().zrangebyscore(locked(electionId), Range.create(fromMs, toMs),
        Limit.create(0, limit)));
  }
}
