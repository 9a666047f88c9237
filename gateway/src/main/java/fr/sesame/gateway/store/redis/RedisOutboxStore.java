package fr.sesame.gateway.store.redis;

import static fr.sesame.ratelimit.redis.LuaScript.num;
import static fr.sesame.ratelimit.redis.LuaScript.str;

import fr.sesame.gateway.notify.PaidSendCaps;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.redis.LuaScript;
import fr.sesame.ratelimit.redis.RedisAccess;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outbox in Redis, all under the {@code {nt}} hash tag (one Cluster slot):
 * <pre>
 * gw:{nt}:s:hi, gw:{nt}:s:lo   streams (field id), consumer group "dispatch"
 * gw:{nt}:n:ID                 record; gw:{nt}:c:ID content (encrypted); gw:{nt}:a:ID attempts (list)
 * gw:{nt}:i:HASH               idempotency key -> id
 * gw:{nt}:idx:c, gw:{nt}:idx:m retention indexes (score: created ms)
 * gw:{nt}:poll                 sent messages whose provider is asked for their fate (score: next ask, ms)
 * </pre>
 */
public final class RedisOutboxStore implements OutboxStore {
  public static final String GROUP = "dispatch";
  private static final LuaScript ACCEPT = LuaScript.load("redis/outbox/accept.lua");
  private static final LuaScript BEGIN = LuaScript.load("redis/outbox/begin.lua");
  private static final LuaScript FINISH = LuaScript.load("redis/outbox/finish.lua");
  private static final LuaScript REPORT = LuaScript.load("redis/outbox/report.lua");
  private static final LuaScript DUE_POLLS = LuaScript.load("redis/outbox/due_polls.lua");
  private static final String POLLS = "gw:{nt}:poll";
  private static final String CONTENT_INDEX = "gw:{nt}:idx:c";
  private static final String RECORD_INDEX = "gw:{nt}:idx:m";
  private final RedisAccess redis;

  public RedisOutboxStore(RedisAccess redis) {
    this.redis = redis;
  }

  static String stream(Lane lane) {
    return "gw:{nt}:s:" + lane.name().toLowerCase(java.util.Locale.ROOT);
  }

  static String record(String id) {
    return "gw:{nt}:n:" + id;
  }

  static String content(String id) {
    return "gw:{nt}:c:" + id;
  }

  static String attempts(String id) {
    return "gw:{nt}:a:" + id;
  }

  @Override
  public Future<Accepted> accept(String id, long nowMs, String channel, String template, String lang, Lane lane,
                                 String toEnc, String dataEnc, String idempotencyHash, long idempotencyTtlMs,
                                 String electionId, long contentPurgeAtMs, String dataFrom, PaidSendCaps.Plan caps) {
    String[] keys = {"gw:{nt}:i:" + idempotencyHash, record(id), content(id), stream(lane), CONTENT_INDEX,
        RECORD_INDEX, content(dataFrom.isEmpty() ? id : dataFrom)};
    String[] args = {id, Long.toString(nowMs), channel, template, lang, lane.name(), toEnc, dataEnc,
        Long.toString(idempotencyTtlMs), electionId, Long.toString(contentPurgeAtMs), dataFrom,
        caps == null ? "" : Long.toString(caps.cooldownMs())};
    if (caps != null) {
      List<String> k = new ArrayList<>(List.of(keys));
      caps.breakers().forEach(b -> k.add(b.key()));
      keys = caps.limits().keys(k.toArray(String[]::new));
      args = caps.limits().args(args);
    }
    return ACCEPT.run(redis, keys, args).map(r -> {
      long code = num(r, 0);
      if (code == -3) {
        Decision open = new Decision(false, Decision.Reason.LIMITED, Duration.ofNanos(num(r, 2) * 1000), List.of());
        return new Accepted("", false, false, new Refusal(open, caps.breakers().get((int) num(r, 3) - 1),
            List.of()));
      }
      if (code == -2) {
        long tripped = num(r, 2); // a bit per breaker, in the plan's order
        List<PaidSendCaps.Breaker> now = new ArrayList<>(2);
        for (int b = 0; b < caps.breakers().size(); b++) {
          if ((tripped & (1L << b)) != 0) {
            now.add(caps.breakers().get(b));
          }
        }
        return new Accepted("", false, false, new Refusal(caps.limits().refusal(r, 3),
            now.isEmpty() ? null : now.get(0), now));
      }
      return new Accepted(str(r, 1), code == 1, code == -1);
    });
  }

  @Override
  public Future<Void> ensureGroups() {
    List<Future<String>> all = new ArrayList<>();
    for (Lane lane : Lane.values()) {
      all.add(redis.await(redis.commands().xgroupCreate(XReadArgs.StreamOffset.from(stream(lane), "0"), GROUP,
              XGroupCreateArgs.Builder.mkstream()))
          .recover(e -> e.getCause() != null && String.valueOf(e.getCause().getMessage()).startsWith("BUSYGROUP")
              ? Future.succeededFuture("exists") : Future.failedFuture(e)));
    }
    return Future.all(all).mapEmpty();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Future<List<Entry>> read(Lane lane, String consumer, int count) {
    return redis.await(redis.commands().xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.count(count),
        XReadArgs.StreamOffset.lastConsumed(stream(lane)))).map(messages -> entries(lane, messages));
  }

  @Override
  public Future<List<Entry>> claimStale(Lane lane, String consumer, Duration minIdle, int count) {
    return redis.await(redis.commands().xautoclaim(stream(lane), XAutoClaimArgs.Builder
            .xautoclaim(Consumer.from(GROUP, consumer), minIdle, "0").count(count)))
        .map(claimed -> entries(lane, claimed.getMessages()));
  }

  private static List<Entry> entries(Lane lane, List<StreamMessage<String, String>> messages) {
    List<Entry> out = new ArrayList<>(messages.size());
    for (StreamMessage<String, String> m : messages) {
      if (m.getBody() != null && m.getBody().get("id") != null) {
        out.add(new Entry(lane, m.getId(), m.getBody().get("id")));
      }
    }
    return out;
  }

  @Override
  public Future<Optional<Work>> begin(String id, long nowMs, String firstProviders) {
    return BEGIN.run(redis, new String[] {record(id), content(id)}, Long.toString(nowMs), firstProviders)
        .map(r -> num(r, 0) == 0
        ? Optional.empty()
        : Optional.of(new Work(str(r, 1), str(r, 2), str(r, 3), str(r, 4), str(r, 5),
            str(r, 6).isEmpty() ? List.of() : List.of(str(r, 6).split(",")), str(r, 7), str(r, 8), str(r, 9))));
  }

  @Override
  public Future<Void> finish(Entry entry, long nowMs, String status, String provider, String providerMessageId,
                             String error, List<String> attemptJsons, long attemptsTtlMs, long firstPollAtMs) {
    List<String> args = new ArrayList<>(List.of(Long.toString(nowMs), status, provider, providerMessageId, error,
        GROUP, entry.entryId(), Long.toString(attemptsTtlMs), entry.notificationId(),
        firstPollAtMs > 0 ? Long.toString(firstPollAtMs) : "", new Poll(provider, providerMessageId, nowMs).member()));
    args.addAll(attemptJsons);
    return FINISH.run(redis, new String[] {record(entry.notificationId()), attempts(entry.notificationId()),
        stream(entry.lane()), providerMessage(provider, providerMessageId), POLLS}, args.toArray(String[]::new))
        .mapEmpty();
  }

  @Override
  public Future<List<Poll>> duePolls(long nowMs, long leaseMs, int count) {
    return DUE_POLLS.run(redis, new String[] {POLLS}, Long.toString(nowMs), Long.toString(nowMs + leaseMs),
        Integer.toString(count)).map(r -> r.stream().map(m -> Poll.of((String) m)).toList());
  }

  @Override
  public Future<Void> pollAgain(Poll poll, long atMs) {
    return redis.await(atMs > 0 ? redis.commands().zadd(POLLS, (double) atMs, poll.member())
        : redis.commands().zrem(POLLS, poll.member())).mapEmpty();
  }

  static String providerMessage(String provider, String providerMessageId) {
    return "gw:{nt}:pm:" + provider + ":" + providerMessageId;
  }

  @Override
  public Future<Optional<String>> byProviderMessage(String provider, String providerMessageId) {
    return redis.await(redis.commands().get(providerMessage(provider, providerMessageId))).map(Optional::ofNullable);
  }

  @Override
  public Future<ReportOutcome> report(String id, long nowMs, String provider, boolean delivered, String attemptJson) {
    return REPORT.run(redis, new String[] {record(id), attempts(id), stream(Lane.HI), stream(Lane.LO)},
        Long.toString(nowMs), provider, delivered ? "1" : "0", attemptJson, id)
        .map(r -> ReportOutcome.values()[(int) num(r, 0)]);
  }

  @Override
  public Future<Void> sendingTo(String id, String provider) {
    return redis.await(redis.commands().hset(record(id), "inf", provider)).mapEmpty();
  }

  @Override
  public Future<Void> ack(Entry entry) {
    // sent together (one round trip); the connection keeps their order
    var acked = redis.await(redis.commands().xack(stream(entry.lane()), GROUP, entry.entryId()));
    var deleted = redis.await(redis.commands().xdel(stream(entry.lane()), entry.entryId()));
    return Future.all(acked, deleted).mapEmpty();
  }

  @Override
  public Future<Optional<Record>> status(String id) {
    var fields = redis.await(redis.commands().hgetall(record(id)));
    var attempts = redis.await(redis.commands().lrange(attempts(id), 0, -1));
    return Future.all(fields, attempts).map(cf -> fields.result().isEmpty()
        ? Optional.empty()
        : Optional.of(new Record(fields.result(), attempts.result())));
  }

  @Override
  public Future<long[]> purge(long contentBefore, long recordBefore, int batch) {
    Future<List<String>> oldContents = redis.await(redis.commands().zrangebyscore(CONTENT_INDEX,
        Range.create(Double.NEGATIVE_INFINITY, (double) contentBefore - 1), Limit.create(0, batch)));
    Future<List<String>> oldRecords = redis.await(redis.commands().zrangebyscore(RECORD_INDEX,
        Range.create(Double.NEGATIVE_INFINITY, (double) recordBefore - 1), Limit.create(0, batch)));
    return Future.all(oldContents, oldRecords).compose(cf -> {
      List<Future<?>> ops = new ArrayList<>();
      for (String id : oldContents.result()) {
        ops.add(redis.await(redis.commands().del(content(id))));
        ops.add(redis.await(redis.commands().zrem(CONTENT_INDEX, id)));
      }
      for (String id : oldRecords.result()) {
        ops.add(redis.await(redis.commands().hget(record(id), "ik")).compose(ik -> ik == null
            ? Future.succeededFuture(0L) : redis.await(redis.commands().del(ik))));
        ops.add(redis.await(redis.commands().del(record(id), attempts(id), content(id))));
        ops.add(redis.await(redis.commands().zrem(RECORD_INDEX, id)));
        ops.add(redis.await(redis.commands().zrem(CONTENT_INDEX, id)));
      }
      return Future.all(ops).map(v -> new long[] {oldContents.result().size(), oldRecords.result().size()});
    });
  }
}
