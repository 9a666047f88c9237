package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;
import static fr.sesame.redis.LuaScript.str;

import fr.sesame.gateway.domain.ImportJob;
import fr.sesame.gateway.domain.ImportJob.Counts;
import fr.sesame.gateway.store.ImportJobStore;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Roll imports in Redis: the lock and the jobs of an election share its slot ({@link RedisKeys#importLock}).
 * Nothing here waits for replicas: the voters an import writes are confirmed by the voter store; a job's record
 * lost in a failover costs its progress display, a lock lost so lets a second import start, which is idempotent.
 */
public final class RedisImportJobStore implements ImportJobStore {
  static final LuaScript LOCK = LuaScript.load("redis/roll/lock.lua");
  static final LuaScript RENEW = LuaScript.load("redis/roll/renew.lua");
  static final LuaScript UNLOCK = LuaScript.load("redis/roll/unlock.lua");
  static final LuaScript BEGIN = LuaScript.load("redis/roll/begin.lua");
  static final LuaScript PROGRESS = LuaScript.load("redis/roll/progress.lua");
  static final LuaScript FINISH = LuaScript.load("redis/roll/finish.lua");
  /** The lock's key outlives its lease this many times over: only a lock nobody took over is collected so. */
  private static final long TTL_PER_LEASE = 2;
  private final RedisAccess redis;

  public RedisImportJobStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Optional<String>> lock(String electionId, String token, long nowMs, long untilMs) {
    return LOCK.run(redis, new String[] {RedisKeys.importLock(electionId)}, Long.toString(nowMs), token,
            Long.toString(untilMs), ttl(nowMs, untilMs))
        .map(r -> ImportLockReply.of(num(r, 0)) == ImportLockReply.HELD ? Optional.empty() : Optional.of(str(r, 1)));
  }

  @Override
  public Future<Boolean> renew(String electionId, String token, long nowMs, long untilMs) {
    return RENEW.run(redis, new String[] {RedisKeys.importLock(electionId)}, token, Long.toString(untilMs),
            ttl(nowMs, untilMs))
        .map(r -> ImportLockReply.of(num(r, 0)) == ImportLockReply.HELD);
  }

  @Override
  public Future<Void> unlock(String electionId, String token) {
    return UNLOCK.run(redis, new String[] {RedisKeys.importLock(electionId)}, token).mapEmpty();
  }

  @Override
  public Future<Boolean> begin(String electionId, String jobId, long startedMs, long keepMs) {
    return BEGIN.run(redis, new String[] {RedisKeys.importLock(electionId), RedisKeys.importJob(electionId, jobId)},
            jobId, Long.toString(startedMs), Long.toString(keepMs))
        .map(r -> ImportLockReply.of(num(r, 0)) == ImportLockReply.HELD);
  }

  @Override
  public Future<Void> progress(String electionId, String jobId, Counts c, String csvLines, long keepMs) {
    return PROGRESS.run(redis, new String[] {RedisKeys.importJob(electionId, jobId),
            RedisKeys.importLines(electionId, jobId)}, Long.toString(c.linesRead()), Long.toString(c.imported()),
        Long.toString(c.created()), Long.toString(c.rejected()), Long.toString(c.unreachable()),
        Long.toString(keepMs), csvLines).mapEmpty();
  }

  @Override
  public Future<Void> finish(ImportJob job, long keepMs) {
    Counts c = job.counts();
    JsonObject result = job.status() == ImportJob.Status.DONE ? job.report() : job.error();
    return FINISH.run(redis, new String[] {RedisKeys.importLock(job.electionId()),
            RedisKeys.importJob(job.electionId(), job.jobId()), RedisKeys.importLines(job.electionId(), job.jobId())},
        job.jobId(), job.status().json(), Long.toString(job.finishedAt().toEpochMilli()),
        Long.toString(c.linesRead()), Long.toString(c.imported()), Long.toString(c.created()),
        Long.toString(c.rejected()), Long.toString(c.unreachable()), result == null ? "{}" : result.encode(),
        Long.toString(keepMs)).mapEmpty();
  }

  @Override
  public Future<Optional<ImportJob>> find(String electionId, String jobId) {
    return redis.await(redis.commands().hgetall(RedisKeys.importJob(electionId, jobId)))
        .map(f -> f == null || f.isEmpty() ? Optional.empty() : Optional.of(job(electionId, jobId, f)));
  }

  private static ImportJob job(String electionId, String jobId, Map<String, String> f) {
    return new ImportJob(jobId, electionId, ImportJob.Status.of(f.get("s")),
        new Counts(n(f, "lr"), n(f, "im"), n(f, "cr"), n(f, "rj"), n(f, "un")),
        Instant.ofEpochMilli(n(f, "sa")), f.containsKey("fa") ? Instant.ofEpochMilli(n(f, "fa")) : null,
        f.containsKey("r") ? new JsonObject(f.get("r")) : null, f.containsKey("e") ? new JsonObject(f.get("e")) : null);
  }

  private static long n(Map<String, String> f, String field) {
    String v = f.get(field);
    return v == null ? 0 : Long.parseLong(v);
  }

  @Override
  public Future<Optional<Lease>> lease(String electionId) {
    return redis.await(redis.commands().hmget(RedisKeys.importLock(electionId), "t", "j", "u")).map(values -> {
      if (values.size() < 3 || !values.get(0).hasValue() || !values.get(2).hasValue()) {
        return Optional.empty();
      }
      return Optional.of(new Lease(values.get(0).getValue(), "1".equals(values.get(1).getValueOrElse("0")),
          Long.parseLong(values.get(2).getValue())));
    });
  }

  @Override
  public Future<List<String>> lineReport(String electionId, String jobId, long from, int count) {
    return redis.await(redis.commands().lrange(RedisKeys.importLines(electionId, jobId), from, from + count - 1));
  }

  private static String ttl(long nowMs, long untilMs) {
    return Long.toString(Math.max(1, untilMs - nowMs) * TTL_PER_LEASE);
  }
}
