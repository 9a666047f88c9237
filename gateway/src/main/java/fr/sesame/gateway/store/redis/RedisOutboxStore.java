package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;
import static fr.sesame.redis.LuaScript.str;

import fr.sesame.gateway.domain.Accepted;
import fr.sesame.gateway.domain.SendRefusal;
import fr.sesame.gateway.domain.PaidSendPlan;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.redis.ScriptLimits;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The outbox in Redis, all under the {@code {nt}} hash tag (one Cluster slot):
 * <pre>
 * gw:{nt}:s:hi, gw:{nt}:s:lo   streams (field id), consumer group "dispatch" (one consumer per dispatcher;
 *                              an entry's idle time is its lease, renewed while it is being sent)
 * gw:{nt}:n:ID                 record; gw:{nt}:c:ID content (encrypted); gw:{nt}:a:ID attempts (list)
 * gw:{nt}:i:HASH               idempotency key -> id
 * gw:{nt}:idx:c, gw:{nt}:idx:m retention indexes (score: created ms)
 * gw:{nt}:poll                 sent messages whose provider is asked for their fate (score: next ask, ms)
 * </pre>
 */
public final class RedisOutboxStore implements OutboxStore {
  public static final String GROUP = "dispatch";
  private static final LuaScript ACCEPT = LuaScript.load("redis/outbox/accept.lua").gatheredPerTurn();
  private static final LuaScript BEGIN = LuaScript.load("redis/outbox/begin.lua").gatheredPerTurn();
  private static final LuaScript FINISH = LuaScript.load("redis/outbox/finish.lua").gatheredPerTurn();
  private static final LuaScript REPORT = LuaScript.load("redis/outbox/report.lua");
  private static final LuaScript DUE_POLLS = LuaScript.load("redis/outbox/due_polls.lua");
  private static final LuaScript RENEW = LuaScript.load("redis/outbox/renew.lua");
  private static final LuaScript REAP = LuaScript.load("redis/outbox/reap.lua");
  private static final String POLLS = "gw:{nt}:poll";
  private static final String CONTENT_INDEX = "gw:{nt}:idx:c";
  private static final String RECORD_INDEX = "gw:{nt}:idx:m";
  private final RedisAccess redis;

  public RedisOutboxStore(RedisAccess redis) {
    this.redis = redis;
  }

  static String stream(Lane lane) {
    return "gw:{nt}:s:" + lane.name().toLowerCase(Locale.ROOT);
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
  public Future<Map<String, Long>> campaignDeliveries(String electionId, String campaignId) {
    return redis.await(redis.commands().hgetall(RedisKeys.campaignDeliveries(electionId, campaignId))).map(f -> {
      Map<String, Long> out = new java.util.TreeMap<>();
      if (f != null) {
        f.forEach((k, v) -> out.put(k, Long.parseLong(v)));
      }
      return out;
    });
  }

  @Override
  public Future<Accepted> accept(NewNotification n) {
    String id = n.id();
    PaidSendPlan caps = n.caps();
    String[] keys = {"gw:{nt}:i:" + n.idempotencyHash(), record(id), content(id), stream(n.lane()), CONTENT_INDEX,
        RECORD_INDEX, content(n.dataFrom().isEmpty() ? id : n.dataFrom())};
    String[] args = {id, Long.toString(n.nowMs()), n.channel(), n.template(), n.lang(), n.lane().name(), n.toEnc(),
        n.dataEnc(), Long.toString(n.idempotencyTtlMs()), n.electionId(), Long.toString(n.contentPurgeAtMs()),
        n.dataFrom(), caps == null ? "" : Long.toString(caps.cooldownMs()), n.campaign(), n.attachmentsEnc()};
    if (caps != null) {
      List<String> k = new ArrayList<>(List.of(keys));
      caps.breakers().forEach(b -> k.add(breaker(b)));
      keys = ScriptLimits.keys(caps.limits(), k.toArray(String[]::new));
      args = ScriptLimits.args(caps.limits(), args);
    }
    // acknowledged only once replicas confirm it (redis.minReplicas): an accepted message survives a failover
    return ACCEPT.runConfirmed(redis, keys, args).map(r -> switch (AcceptReply.of(num(r, 0))) {
      case BREAKER_OPEN -> {
        Decision open = new Decision(false, Decision.Reason.LIMITED, Duration.ofNanos(num(r, 2) * 1000), List.of());
        yield new Accepted("", false, false, new SendRefusal(open, caps.breakers().get((int) num(r, 3) - 1), List.of()));
      }
      case OVER_CAP -> {
        long tripped = num(r, 2); // a bit per breaker, in the plan's order
        List<PaidSendPlan.Breaker> now = new ArrayList<>(2);
        for (int b = 0; b < caps.breakers().size(); b++) {
          if ((tripped & (1L << b)) != 0) {
            now.add(caps.breakers().get(b));
          }
        }
        yield new Accepted("", false, false, new SendRefusal(ScriptLimits.refusal(caps.limits(), r, 3),
            now.isEmpty() ? null : now.get(0), now));
      }
      case SOURCE_GONE -> new Accepted(str(r, 1), false, true);
      case DUPLICATE -> new Accepted(str(r, 1), false, false);
      case ACCEPTED -> new Accepted(str(r, 1), true, false);
    });
  }

  /** A fraud breaker's key: the time (ms) until which it stops sends there. */
  static String breaker(PaidSendPlan.Breaker b) {
    return "rl:{nt}:trip:" + b.channel() + ":" + b.scope() + ":" + b.subject();
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
  public Future<List<Entry>> read(Lane lane, String consumer, int count) {
    return readOnce(lane, consumer, count).recover(e -> noGroup(e)
        ? ensureGroups().compose(v -> readOnce(lane, consumer, count))
        : Future.failedFuture(e));
  }

  private Future<List<Entry>> readOnce(Lane lane, String consumer, int count) {
    return redis.await(redis.commands().xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.count(count),
        XReadArgs.StreamOffset.lastConsumed(stream(lane)))).map(messages -> entries(lane, messages));
  }

  /** Redis answered NOGROUP: the stream or its consumer group is gone (a restart without data, a failover). */
  static boolean noGroup(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).startsWith("NOGROUP")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Future<List<Entry>> claimStale(Lane lane, String consumer, Duration minIdle, int count) {
    return redis.await(redis.commands().xautoclaim(stream(lane), XAutoClaimArgs.Builder
            .xautoclaim(Consumer.from(GROUP, consumer), minIdle, "0").count(count)))
        .map(claimed -> entries(lane, claimed.getMessages()))
        .recover(e -> noGroup(e) ? Future.succeededFuture(List.of()) : Future.failedFuture(e));
  }

  @Override
  public Future<Integer> renewLeases(Lane lane, String consumer, List<String> entryIds) {
    if (entryIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<String> args = new ArrayList<>(entryIds.size() + 2);
    args.add(GROUP);
    args.add(consumer);
    args.addAll(entryIds);
    return RENEW.run(redis, new String[] {stream(lane)}, args.toArray(String[]::new))
        .map(r -> ((Long) r.get(0)).intValue());
  }

  @Override
  public Future<List<String>> removeIdleConsumers(Lane lane, Duration idle, String self) {
    return REAP.run(redis, new String[] {stream(lane)}, GROUP, Long.toString(idle.toMillis()), self)
        .map(r -> r.stream().map(String::valueOf).toList())
        .recover(e -> noGroup(e) ? Future.succeededFuture(List.of()) : Future.failedFuture(e));
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
  public Future<Optional<Work>> begin(String id, long nowMs, String chains, String attempt) {
    // confirmed: the provider it records is what keeps a crash from sending twice to one provider
    return BEGIN.runConfirmed(redis, new String[] {record(id), content(id), attempts(id)}, Long.toString(nowMs),
            chains, Instant.ofEpochMilli(nowMs).toString(), attempt)
        .map(r -> BeginReply.of(num(r, 0)) == BeginReply.NOTHING_TO_SEND
        ? Optional.empty()
        : Optional.of(new Work(str(r, 1), str(r, 2), str(r, 3), str(r, 4), str(r, 5),
            str(r, 6).isEmpty() ? List.of() : List.of(str(r, 6).split(",")), str(r, 7), str(r, 8), str(r, 9),
            str(r, 10), str(r, 11), str(r, 12), str(r, 13))));
  }

  @Override
  public Future<Void> finish(Finish f) {
    Entry entry = f.entry();
    List<String> args = new ArrayList<>(List.of(Long.toString(f.nowMs()), f.status(), f.provider(),
        f.providerMessageId(), f.error(), GROUP, entry.entryId(), Long.toString(f.attemptsTtlMs()),
        entry.notificationId(), f.firstPollAtMs() > 0 ? Long.toString(f.firstPollAtMs()) : "",
        new Poll(f.provider(), f.providerMessageId(), f.nowMs()).member(), f.attempt()));
    args.addAll(f.attempts());
    return FINISH.runConfirmed(redis, new String[] {record(entry.notificationId()), attempts(entry.notificationId()),
        stream(entry.lane()), providerMessage(f.provider(), f.providerMessageId()), POLLS}, args.toArray(String[]::new))
        .map(r -> {
          FinishReply.of(num(r, 0)); // FINISHED is its only reply: anything else is a contract drift
          return null;
        });
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
    return REPORT.runConfirmed(redis, new String[] {record(id), attempts(id), stream(Lane.HI), stream(Lane.LO)},
        Long.toString(nowMs), provider, delivered ? "1" : "0", attemptJson, id)
        .map(r -> switch (ReportReply.of(num(r, 0))) {
          case IGNORED -> ReportOutcome.IGNORED;
          case DELIVERED -> ReportOutcome.DELIVERED;
          case REQUEUED -> ReportOutcome.REQUEUED;
        });
  }

  @Override
  public Future<Void> sendingTo(String id, String provider) {
    // sent with its WAIT behind it: a failover must not forget which provider may have the message
    Future<Boolean> written = redis.await(redis.commands().hset(record(id), "inf", provider));
    return Future.all(written, redis.confirmWrites(record(id))).mapEmpty();
  }

  @Override
  public Future<Void> built(String id, String provider, String reference) {
    // confirmed like the provider record: a failover must not forget what may be about to go out
    Future<Boolean> written = redis.await(redis.commands().hset(record(id), "rf", provider + ":" + reference));
    return Future.all(written, redis.confirmWrites(record(id))).mapEmpty();
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
