package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;

import fr.sesame.gateway.store.AuditStore;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Audit chains in a Redis stream per election, with each writer's head in a hash. */
public final class RedisAuditStore implements AuditStore {
  private static final LuaScript APPEND = LuaScript.load("redis/audit/append.lua").gatheredPerTurn();
  private final RedisAccess redis;
  /** Elections this instance has already added to the index of audited elections. */
  private final java.util.Set<String> indexed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public RedisAuditStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Boolean> append(String electionId, String writer, String expectedHead, List<String> pairs) {
    String[] args = new String[2 + pairs.size()];
    args[0] = writer;
    args[1] = expectedHead;
    for (int i = 0; i < pairs.size(); i++) {
      args[2 + i] = pairs.get(i);
    }
    return APPEND.runConfirmed(redis, new String[] {RedisKeys.audit(electionId), RedisKeys.auditHeads(electionId),
        RedisKeys.auditAlerts(electionId)}, args)
        .map(r -> AppendReply.of(num(r, 0)) == AppendReply.APPENDED)
        .compose(appended -> indexed.contains(electionId) ? Future.succeededFuture(appended)
            // the index of audited elections (the checkpoints' list): a failure here does not fail the append,
            // which is done; the next append tries again
            : redis.await(redis.commands().sadd(RedisKeys.auditedElections(), electionId)).transform(r -> {
              if (r.succeeded()) {
                indexed.add(electionId);
              }
              return Future.succeededFuture(appended);
            }));
  }

  @Override
  public Future<Void> addIncidents(String electionId, List<String> eventJson) {
    // a recorded incident is answered once its replicas have it
    Future<Long> pushed = redis.await(redis.commands().rpush(RedisKeys.incidents(electionId),
        eventJson.toArray(String[]::new)));
    Future<Void> confirmed = redis.confirmWrites(RedisKeys.incidents(electionId));
    return Future.all(pushed, confirmed).mapEmpty();
  }

  @Override
  public Future<List<String>> incidents(String electionId) {
    return redis.await(redis.commands().lrange(RedisKeys.incidents(electionId), 0, -1));
  }

  @Override
  public Future<java.util.Set<String>> elections() {
    return redis.await(redis.commands().smembers(RedisKeys.auditedElections()));
  }

  @Override
  public Future<Boolean> checkpointLease(String holder, long ms) {
    return redis.await(redis.commands().set(RedisKeys.checkpointLease(), holder,
        io.lettuce.core.SetArgs.Builder.nx().px(ms))).map("OK"::equals);
  }

  @Override
  public Future<List<Stored>> range(String electionId, String afterId, int count) {
    return forward(RedisKeys.audit(electionId), afterId, count);
  }

  @Override
  public Future<List<Stored>> alertsAfter(String electionId, String afterId, int count) {
    return forward(RedisKeys.auditAlerts(electionId), afterId, count);
  }

  @Override
  public Future<List<Stored>> alertsBefore(String electionId, String beforeId, int count) {
    return backward(RedisKeys.auditAlerts(electionId), beforeId, count);
  }

  private Future<List<Stored>> forward(String key, String afterId, int count) {
    Range.Boundary<String> lower = "-".equals(afterId) ? Range.Boundary.unbounded() : Range.Boundary.excluding(afterId);
    return redis.await(redis.commands().xrange(key, Range.from(lower, Range.Boundary.unbounded()),
        Limit.from(count))).map(RedisAuditStore::stored);
  }

  @Override
  public Future<List<Stored>> before(String electionId, String beforeId, int count) {
    return backward(RedisKeys.audit(electionId), beforeId, count);
  }

  private Future<List<Stored>> backward(String key, String beforeId, int count) {
    Range.Boundary<String> upper = "+".equals(beforeId) ? Range.Boundary.unbounded()
        : Range.Boundary.excluding(beforeId);
    return redis.await(redis.commands().xrevrange(key,
        Range.from(Range.Boundary.unbounded(), upper), Limit.from(count))).map(RedisAuditStore::stored);
  }

  private static List<Stored> stored(List<StreamMessage<String, String>> messages) {
    List<Stored> out = new ArrayList<>(messages.size());
    for (StreamMessage<String, String> m : messages) {
      out.add(new Stored(m.getId(), m.getBody().get("e"), m.getBody().get("h")));
    }
    return out;
  }

  @Override
  public Future<Map<String, String>> heads(String electionId) {
    return redis.await(redis.commands().hgetall(RedisKeys.auditHeads(electionId)));
  }
}
