package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.store.DestructionStore;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The destruction of an election's data in Redis.
 * <pre>
 * gw:{dx:E}   hash  the destruction job of election E: st status (requested, running), rq requester staff id,
 *                   ra requested ms, ap approver staff id, aa approved ms, cur the sweep's SCAN cursor, n:KIND
 *                   the counts removed so far, then the certificate's fields; removed once the certificate is
 *                   written (it is kept in the evidence directory, outside Redis)
 * </pre>
 * Most of an election's keys have no index (sessions, idempotency keys, rate-limit states, phone claims,
 * notification records): the sweep walks the keyspace with SCAN (COUNT {@value #PAGE}, never KEYS) and keeps
 * what belongs to the election, a page at a time, the cursor saved in the job record so that an interrupted
 * destruction resumes. Voters' keys belong to the election when their pseudonym is in its roll index
 * (ZMSCORE, a page at a time). On a Redis Cluster SCAN walks one node: the gateway runs on one primary.
 */
public final class RedisDestructionStore implements DestructionStore {
  static final int PAGE = 1000;
  private final RedisAccess redis;

  public RedisDestructionStore(RedisAccess redis) {
    this.redis = redis;
  }

  static String jobKey(String electionId) {
    return "gw:{dx:" + electionId + "}";
  }

  @Override
  public Future<Map<String, String>> job(String electionId) {
    return redis.await(redis.commands().hgetall(jobKey(electionId))).map(m -> m == null ? Map.of() : m);
  }

  @Override
  public Future<Boolean> create(String electionId, Map<String, String> fields) {
    String key = jobKey(electionId);
    return redis.await(redis.commands().hsetnx(key, "st", fields.get("st"))).compose(created -> {
      if (!created) {
        return Future.succeededFuture(false);
      }
      return redis.await(redis.commands().hset(key, fields)).compose(n -> redis.confirmWrites()).map(true);
    });
  }

  @Override
  public Future<Boolean> claimApproval(String electionId, String approverId) {
    return redis.await(redis.commands().hsetnx(jobKey(electionId), "ap", approverId));
  }

  @Override
  public Future<Void> update(String electionId, Map<String, String> fields) {
    return redis.await(redis.commands().hset(jobKey(electionId), fields)).compose(n -> redis.confirmWrites());
  }

  @Override
  public Future<Void> deleteJob(String electionId) {
    return redis.await(redis.commands().del(jobKey(electionId))).mapEmpty();
  }

  @Override
  public Future<Set<String>> team(String electionId) {
    return redis.await(redis.commands().smembers(RedisKeys.election(electionId) + ":staff"));
  }

  @Override
  public Future<Page> sweep(String electionId, String cursor) {
    var c = redis.commands();
    String own = RedisKeys.election(electionId) + ":";
    Set<String> keptToTheEnd = Set.of(RedisKeys.rollIndex(electionId), RedisKeys.election(electionId) + ":staff");
    String limits = "rl:{" + electionId + "}:";
    String deliveries = "gw:{nt}:cp:" + electionId + ":";
    return redis.await(c.scan(ScanCursor.of(cursor), ScanArgs.Builder.limit(PAGE))).compose(page -> {
      Map<String, Long> removed = new TreeMap<>();
      List<Future<?>> work = new ArrayList<>();
      List<String> voterKeys = new ArrayList<>();
      List<String> claims = new ArrayList<>();
      List<String> records = new ArrayList<>();
      List<String> parties = new ArrayList<>();
      for (String key : page.getKeys()) {
        if (key.startsWith(own) && !keptToTheEnd.contains(key)) {
          if (key.equals(RedisKeys.emargements(electionId))) {
            work.add(count(c.hlen(key), removed, "emargements"));
          } else if (key.equals(RedisKeys.audit(electionId))) {
            work.add(count(c.xlen(key), removed, "auditEvents"));
          }
          work.add(delete(key, removed, "electionKeys"));
        } else if (key.startsWith(limits)) {
          work.add(delete(key, removed, "rateLimitStates"));
        } else if (key.startsWith(deliveries)) {
          work.add(delete(key, removed, "notificationKeys"));
        } else if (key.startsWith("gw:{v:")) {
          voterKeys.add(key);
        } else if (key.startsWith("gw:{ph:")) {
          claims.add(key);
        } else if (key.startsWith("gw:{nt}:n:")) {
          records.add(key);
        } else if (key.startsWith("gw:{oc:")) {
          parties.add(key);
        }
      }
      work.add(voters(electionId, voterKeys, removed));
      work.add(claims(electionId, claims, removed));
      work.add(records(electionId, records, removed));
      work.add(parties(electionId, parties, removed));
      String next = page.isFinished() ? "0" : page.getCursor();
      return Future.all(work).map(v -> new Page(next, removed));
    });
  }

  private static synchronized void add(Map<String, Long> removed, String kind, long n) {
    if (n > 0) {
      removed.merge(kind, n, Long::sum);
    }
  }

  private Future<Void> count(java.util.concurrent.CompletionStage<Long> n, Map<String, Long> removed, String kind) {
    return redis.await(n).map(x -> {
      add(removed, kind, x == null ? 0 : x);
      return null;
    });
  }

  private Future<Void> delete(String key, Map<String, Long> removed, String kind) {
    return count(redis.commands().del(key), removed, kind);
  }

  /** The pseudonym of a voter key ({@code gw:{v:P}...}), or null. */
  static String pseudonymOf(String key) {
    if (!key.startsWith("gw:{v:")) {
      return null;
    }
    int end = key.indexOf('}');
    return end < 0 ? null : key.substring("gw:{v:".length(), end);
  }

  private Future<Void> voters(String electionId, List<String> keys, Map<String, Long> removed) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] pseudonyms = keys.stream().map(RedisDestructionStore::pseudonymOf).distinct().toArray(String[]::new);
    return redis.await(redis.commands().zmscore(RedisKeys.rollIndex(electionId), pseudonyms)).compose(scores -> {
      Set<String> ours = new java.util.HashSet<>();
      for (int i = 0; i < pseudonyms.length; i++) {
        if (scores.get(i) != null) {
          ours.add(pseudonyms[i]);
        }
      }
      List<Future<?>> work = new ArrayList<>();
      for (String key : keys) {
        String p = pseudonymOf(key);
        if (ours.contains(p)) {
          work.add(delete(key, removed, key.equals(RedisKeys.voter(p)) ? "voters"
              : key.startsWith(RedisKeys.voter(p) + ":s:") ? "sessions" : "voterKeys"));
        }
      }
      return Future.all(work).mapEmpty();
    });
  }

  private Future<Void> claims(String electionId, List<String> keys, Map<String, Long> removed) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<?>> work = new ArrayList<>();
    for (String key : keys) {
      work.add(redis.await(redis.commands().get(key)).compose(owner -> {
        if (owner == null) {
          return Future.succeededFuture();
        }
        String p = owner.startsWith("gw:{v:") ? pseudonymOf(owner) : owner;
        return redis.await(redis.commands().zscore(RedisKeys.rollIndex(electionId), p))
            .compose(s -> s == null ? Future.succeededFuture() : delete(key, removed, "phoneClaims"));
      }));
    }
    return Future.all(work).mapEmpty();
  }

  private Future<Void> records(String electionId, List<String> keys, Map<String, Long> removed) {
    List<Future<?>> work = new ArrayList<>();
    var c = redis.commands();
    for (String key : keys) {
      work.add(redis.await(c.hmget(key, "el", "ik", "pr", "mid")).compose(f -> {
        if (f.isEmpty() || !f.get(0).hasValue() || !electionId.equals(f.get(0).getValue())) {
          return Future.succeededFuture();
        }
        String id = key.substring("gw:{nt}:n:".length());
        List<Future<?>> gone = new ArrayList<>();
        gone.add(delete(key, removed, "notifications"));
        gone.add(delete(RedisOutboxStore.content(id), removed, "notificationKeys"));
        gone.add(delete(RedisOutboxStore.attempts(id), removed, "notificationKeys"));
        if (f.get(1).hasValue() && f.get(1).getValue().startsWith("gw:{nt}:i:")) {
          gone.add(delete(f.get(1).getValue(), removed, "notificationKeys"));
        }
        if (f.get(2).hasValue() && f.get(3).hasValue() && !f.get(2).getValue().isEmpty()
            && !f.get(3).getValue().isEmpty()) {
          gone.add(delete("gw:{nt}:pm:" + f.get(2).getValue() + ":" + f.get(3).getValue(), removed,
              "notificationKeys"));
        }
        gone.add(redis.await(c.zrem("gw:{nt}:idx:c", id)));
        gone.add(redis.await(c.zrem("gw:{nt}:idx:m", id)));
        return Future.all(gone).mapEmpty();
      }));
    }
    return Future.all(work).mapEmpty();
  }

  private Future<Void> parties(String electionId, List<String> keys, Map<String, Long> removed) {
    List<Future<?>> work = new ArrayList<>();
    for (String key : keys) {
      work.add(redis.await(redis.commands().get(key)).compose(json -> {
        if (json == null) {
          return Future.succeededFuture();
        }
        String of;
        try {
          of = new io.vertx.core.json.JsonObject(json).getString("electionId");
        } catch (RuntimeException e) {
          return Future.succeededFuture();
        }
        return electionId.equals(of) ? delete(key, removed, "oidcClients") : Future.succeededFuture();
      }));
    }
    return Future.all(work).mapEmpty();
  }

  @Override
  public Future<Map<String, Long>> finish(String electionId) {
    var c = redis.commands();
    Map<String, Long> removed = new TreeMap<>();
    return redis.await(c.smembers(RedisKeys.ACTIVE_CAMPAIGNS)).compose(active -> {
      List<Future<?>> work = new ArrayList<>();
      for (String a : active) {
        if (a.startsWith(electionId + " ")) {
          work.add(redis.await(c.srem(RedisKeys.ACTIVE_CAMPAIGNS, a)));
        }
      }
      work.add(redis.await(c.srem(RedisKeys.auditedElections(), electionId)));
      work.add(count(c.zcard(RedisKeys.rollIndex(electionId)), removed, "rollEntries"));
      return Future.all(work);
    }).compose(v -> Future.all(List.of(
        delete(RedisKeys.rollIndex(electionId), removed, "electionKeys"),
        delete(RedisKeys.election(electionId) + ":staff", removed, "electionKeys"),
        delete(RedisKeys.election(electionId), removed, "electionKeys"))))
        .compose(v -> redis.confirmWrites()).map(v -> removed);
  }
}
