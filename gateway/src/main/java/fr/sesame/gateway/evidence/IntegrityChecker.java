package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.ChainAnchor;
import fr.sesame.gateway.audit.ChainWalk;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.evidence.IntegrityAlerts.Finding;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.gateway.store.AuditStore;
import fr.sesame.gateway.store.IntegrityStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integrity check (issue 16, point 3; docs/design.md, "Integrity check"). Every period (a minute), on one gateway
 * instance at a time (a Redis lease that runs out by itself), for each election with a seal in force, from its
 * opening to the end of its grace period:
 * <ul>
 *   <li>{@code code}, {@code configuration}, {@code definition}: the running code's digests are recomputed (the jar
 *       and its entries hashed again), the effective configuration and the stored definition are compared with the
 *       seal's manifest;</li>
 *   <li>{@code roll}: {@link #BUCKETS_PER_RUN} of the {@link RollBuckets} are recomputed and compared with the seal's,
 *       in turn, so the whole roll is covered every {@code 64 / BUCKETS_PER_RUN} = 16 periods;</li>
 *   <li>{@code audit}: the events appended since the last period are verified ({@link ChainWalk}), and the writers'
 *       stored heads; a second walk re-verifies the trail from its start, {@link #SWEEP_PER_RUN} events a period
 *       and against the latest signed checkpoint, so that an event altered or removed after it was verified is
 *       found too;</li>
 *   <li>{@code emargements}: each émargement event read must have its record in the émargement list (same session),
 *       and when the list holds more records than the trail records émargements, the list is read to name each
 *       record without its event (older than {@link #IN_FLIGHT}: an émargement is written just before its event).</li>
 * </ul>
 * A problem raises an alert ({@link IntegrityAlerts}). The election's first check after its opening and its check
 * once its grace period has ended are full ({@link #full}): the whole roll, the whole trail, the whole list, and a
 * signed report ({@link IntegrityReport}, with its PDF) appended to {@code DIR/E.integrity.jsonl}; an administrator
 * may run one on demand. The walks' positions are kept in this instance's memory: an instance that takes the check
 * over starts from the start of the trail (at most {@link #AUDIT_PER_RUN} events a period).
 */
public final class IntegrityChecker {
  private static final Logger LOG = LoggerFactory.getLogger(IntegrityChecker.class);
  /** Roll buckets recomputed a period: 4 of 64, the whole roll every 16 periods. */
  public static final int BUCKETS_PER_RUN = 4;
  /** New audit events verified a period at most (a walk that lags catches up over the next periods). */
  public static final int AUDIT_PER_RUN = 200_000;
  /** Audit events re-verified from the start a period. */
  public static final int SWEEP_PER_RUN = 100_000;
  /** An émargement younger than this may not have its audit event yet (it is written just after). */
  public static final Duration IN_FLIGHT = Duration.ofSeconds(30);
  /**
   * How long an instance's claim on a start or end check lasts (a full check of 1,000,000 voters takes ~40 s unpaced,
   * some 2.5 minutes paced).
   */
  static final Duration CLAIM = Duration.ofMinutes(15);
  /** A start or end check gives way to the voters for this long at most (well within its claim). */
  static final Duration FULL_PACED_FOR = Duration.ofMinutes(10);
  /** A period's check gives way for this share of the period at most (the lease lasts 90 % of it, not renewed). */
  static final int PERIOD_PACED_SHARE_PERCENT = 40;
  /** The period's pacing when checks are run without the timer (tests, {@link #checkAll}, {@link #check}). */
  private static final Duration UNTIMED_PERIOD = Duration.ofMinutes(1);
  private static final int BATCH = 1000;

  private final SealService seals;
  private final AuditStore audit;
  private final IntegrityStore store;
  private final ChainAnchor.Source anchors;
  private final java.util.function.UnaryOperator<JsonObject> code;
  private final Supplier<JsonObject> configuration;
  private final Function<String, Future<Optional<Election>>> elections;
  private final Supplier<Future<Set<String>>> electionIds;
  private final CheckpointLog reports;
  private final EvidenceKey key;
  private final IntegrityAlerts alerts;
  private final GatewayMetrics metrics;
  private final Checkpointer.OffLoop offLoop;
  private final Clock clock;
  private final String holder;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Map<String, State> states = new ConcurrentHashMap<>();
  /** Until when this period's checks give way to the voters (set by {@link #tick}; null outside a tick). */
  private volatile SealService.Pace periodPace;

  /** "E|start" and "E|end" once the election's report of that kind is known to exist. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** One election's walks and rotation, and its last period's result. */
  private final class State {
    final ChainWalk head;
    final ChainWalk sweep;
    int nextBucket;
    long emCount = -1;
    int emRecorded = -1;
    List<Finding> emFindings = List.of();
    JsonObject last;
    /** Until when the current period's walks give way (set at the start of each period's check). */
    volatile SealService.Pace pace;

    State(String electionId) {
      ChainWalk.Runner runner = runner(() -> pace);
      head = new ChainWalk(audit, electionId, true, runner);
      sweep = new ChainWalk(audit, electionId, false, runner);
    }
  }

  /**
   * @param code          the running code's digests, recomputed at each call, given the seal's (blocking: run off the
   *                      event loop; {@link CodeDigests#recomputed(JsonObject)})
   * @param configuration the effective configuration as a seal's manifest shows it, recomputed at each call
   * @param reports       where the reports go ({@code DIR/E.integrity.jsonl})
   * @param holder        this instance's name in the lease
   */
  public IntegrityChecker(SealService seals, AuditStore audit, IntegrityStore store, ChainAnchor.Source anchors,
                          java.util.function.UnaryOperator<JsonObject> code, Supplier<JsonObject> configuration,
                          Function<String, Future<Optional<Election>>> elections,
                          Supplier<Future<Set<String>>> electionIds, CheckpointLog reports, EvidenceKey key,
                          IntegrityAlerts alerts, GatewayMetrics metrics, Checkpointer.OffLoop offLoop, Clock clock,
                          String holder) {
    this.seals = seals;
    this.audit = audit;
    this.store = store;
    this.anchors = anchors;
    this.code = code;
    this.configuration = configuration;
    this.elections = elections;
    this.electionIds = electionIds;
    this.reports = reports;
    this.key = key;
    this.alerts = alerts;
    this.metrics = metrics;
    this.offLoop = offLoop;
    this.clock = clock;
    this.holder = holder;
  }

  /**
   * How the audit walks run: each page of events verified off the event loop (hashing a thousand events there would
   * hold the voters' requests for milliseconds), each followed by the wait of the gateway's own walks
   * ({@link SealService#giveWay}) while {@code pace} (read at each page; null: no wait) says so.
   */
  private ChainWalk.Runner runner(Supplier<SealService.Pace> pace) {
    return new ChainWalk.Runner() {
      @Override
      public Future<Void> verify(Runnable work) {
        return offLoop.run(() -> {
          work.run();
          return null;
        });
      }

      @Override
      public Future<Void> afterPage(long nanos) {
        return seals.giveWay(nanos, pace.get());
      }
    };
  }

  /** A period's checks give way from now for {@link #PERIOD_PACED_SHARE_PERCENT} of {@code every}. */
  private static SealService.Pace periodPace(Duration every) {
    return SealService.Pace.forNext(every.multipliedBy(PERIOD_PACED_SHARE_PERCENT).dividedBy(100));
  }

  /** The same checker reading the running code from {@code other} (a test's altered code, an expert's tool). */
  public IntegrityChecker withCode(java.util.function.UnaryOperator<JsonObject> other) {
    return new IntegrityChecker(seals, audit, store, anchors, other, configuration, elections, electionIds, reports,
        key, alerts, metrics, offLoop, clock, holder);
  }

  /** The same checker seeing {@code other} as the effective configuration. */
  public IntegrityChecker withConfiguration(Supplier<JsonObject> other) {
    return new IntegrityChecker(seals, audit, store, anchors, code, other, elections, electionIds, reports,
        key, alerts, metrics, offLoop, clock, holder);
  }

  /**
   * One period's run: takes the lease and checks every election, unless another instance holds the lease or this
   * instance's previous run still goes.
   * @return the problems found (0 when another instance holds the lease)
   */
  public Future<Integer> tick(Duration every) {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    return store.lease(holder, every.toMillis() * 9 / 10)
        .compose(taken -> {
          if (!taken) {
            return Future.succeededFuture(0);
          }
          // every election's period check of this run gives way within a share of the period, so that pacing never
          // makes the run outlast its lease (a start or end check has its own claim and pace)
          periodPace = periodPace(every);
          return checkAll();
        })
        .onComplete(r -> {
          periodPace = null;
          running.set(false);
        })
        .onFailure(e -> LOG.warn("integrity check not done: {}", RedactedException.describe(e)));
  }

  /** Checks every election now, without the lease (tests, the lease holder): @return the problems found */
  public Future<Integer> checkAll() {
    return electionIds.get().compose(ids -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (String id : new TreeSet<>(ids)) {
        chain = chain.compose(n -> due(id).map(found -> n + found).recover(e -> {
          LOG.warn("election {}: integrity not checked: {}", id, RedactedException.describe(e));
          return Future.succeededFuture(n);
        }));
      }
      return chain.onSuccess(n -> metrics.integrityRun(clock.instant().getEpochSecond(), n));
    });
  }

  /** What is due for one election now: nothing, its start check, its end check, or its period's check. */
  private Future<Integer> due(String id) {
    return elections.apply(id).compose(found -> {
      Instant now = clock.instant();
      if (found.isEmpty() || now.isBefore(found.get().opensAt().toInstant())) {
        return Future.succeededFuture(0);
      }
      Election e = found.get();
      return sealInForce(id).compose(seal -> {
        if (seal.isEmpty()) {
          return Future.succeededFuture(0);
        }
        return has(id, "end").compose(ended -> {
          if (ended) {
            return Future.succeededFuture(0);
          }
          if (!now.isBefore(e.graceEndsAt())) {
            return once(e, seal.get(), "end", "system:closing", () -> Future.succeededFuture(0));
          }
          return has(id, "start").compose(started -> started ? check(e, seal.get()).map(List::size)
              : once(e, seal.get(), "start", "system:opening", () -> check(e, seal.get()).map(List::size)));
        });
      });
    });
  }

  /**
   * The start or end check, by the one instance that claims it in Redis (a period's lease may run out during a long
   * check, and the next lease holder would start it again); another instance does {@code otherwise}.
   */
  private Future<Integer> once(Election e, Seal seal, String kind, String by,
                               java.util.function.Supplier<Future<Integer>> otherwise) {
    return store.claim(e.id(), kind, holder, CLAIM.toMillis()).compose(claimed -> claimed
        ? full(e, seal, kind, by).map(r -> r.problems().size()) : otherwise.get());
  }

  private Future<Boolean> has(String id, String kind) {
    if (reported.contains(id + "|" + kind)) {
      return Future.succeededFuture(true);
    }
    return reports(id).map(all -> {
      all.forEach(r -> reported.add(id + "|" + r.check()));
      return reported.contains(id + "|" + kind);
    });
  }

  private Future<Optional<Seal>> sealInForce(String id) {
    return seals.inForce(id).compose(n -> n.isEmpty() ? Future.succeededFuture(Optional.<Seal>empty())
        : seals.seals(id).map(all -> all.stream().filter(s -> s.n() == n.get()).findFirst()));
  }

  /** One period's check of one election, if it has a seal in force: @return the problems found (alerted if due) */
  public Future<List<Finding>> check(String electionId) {
    return elections.apply(electionId).compose(e -> e.isEmpty() ? Future.succeededFuture(List.<Finding>of())
        : sealInForce(electionId).compose(s -> s.isEmpty() ? Future.succeededFuture(List.<Finding>of())
            : check(e.get(), s.get())));
  }

  private Future<List<Finding>> check(Election e, Seal seal) {
    State st = states.computeIfAbsent(e.id(), State::new);
    List<Finding> found = new ArrayList<>();
    JsonObject run = new JsonObject().put("at", clock.instant().toString()).put("seal", seal.n());
    synchronized (st) {
      if (st.last != null && st.last.getBoolean("running", false)) {
        return Future.succeededFuture(List.of()); // a run of this election still goes
      }
      run.put("running", true);
      st.last = run;
      SealService.Pace tickPace = periodPace;
      st.pace = tickPace != null ? tickPace : periodPace(UNTIMED_PERIOD);
    }
    return sealed(e, seal, found)
        .compose(v -> rollSlice(e.id(), seal, st, found, run))
        .compose(v -> auditSlice(e.id(), st, found, run))
        .compose(v -> alerts.raise(e, found))
        .map(raised -> {
          run.put("problems", texts(found)).put("alerted", raised.size()).remove("running");
          return found;
        })
        .onFailure(err -> run.remove("running"));
  }

  /** The last period's result of an election on this instance, if any. */
  public Optional<JsonObject> last(String electionId) {
    State st = states.get(electionId);
    return st == null || st.last == null ? Optional.empty() : Optional.of(st.last.copy());
  }

  /** The code, the configuration and the definition against the seal. */
  private Future<Void> sealed(Election e, Seal seal, List<Finding> found) {
    JsonObject m = seal.manifest();
    JsonObject sealedCode = m.getJsonObject("code", new JsonObject());
    return offLoop.run(() -> code.apply(sealedCode.copy())).map(now -> {
      String codeDiff = differences(sealedCode, Seal.canonical(now));
      if (codeDiff != null) {
        found.add(new Finding("code", "code", "the running code differs from seal " + seal.n() + "'s manifest: "
            + codeDiff));
      }
      String configDiff = differences(m.getJsonObject("configuration", new JsonObject()),
          Seal.canonical(configuration.get()));
      if (configDiff != null) {
        found.add(new Finding("configuration", "configuration", "the effective configuration differs from seal "
            + seal.n() + "'s manifest: " + configDiff));
      }
      if (!Seal.canonical(e.toJson()).equals(m.getJsonObject("election"))) {
        found.add(new Finding("definition", "definition", "the election's definition differs from seal " + seal.n()
            + "'s manifest"));
      }
      return null;
    });
  }

  /** The members of two objects that differ, and for a member that is an object, its members that differ. */
  static String differences(JsonObject sealed, JsonObject now) {
    List<String> out = new ArrayList<>();
    Set<String> names = new TreeSet<>(sealed.fieldNames());
    names.addAll(now.fieldNames());
    for (String n : names) {
      Object a = sealed.getValue(n);
      Object b = now.getValue(n);
      if (java.util.Objects.equals(a, b)) {
        continue;
      }
      if (a instanceof JsonObject x && b instanceof JsonObject y) {
        Set<String> inner = new TreeSet<>(x.fieldNames());
        inner.addAll(y.fieldNames());
        List<String> changed = new ArrayList<>();
        for (String i : inner) {
          if (!java.util.Objects.equals(x.getValue(i), y.getValue(i))) {
            changed.add(i);
          }
        }
        out.add(n + " (" + (changed.size() > 5 ? String.join(", ", changed.subList(0, 5)) + ", and "
            + (changed.size() - 5) + " more" : String.join(", ", changed)) + ")");
      } else {
        out.add(n);
      }
    }
    return out.isEmpty() ? null : String.join("; ", out);
  }

  /** The next buckets of the roll against the seal's. */
  private Future<Void> rollSlice(String id, Seal seal, State st, List<Finding> found, JsonObject run) {
    JsonObject b = seal.manifest().getJsonObject("roll", new JsonObject()).getJsonObject("buckets");
    if (b == null) {
      run.put("roll", "seal " + seal.n() + " has no buckets: the roll is checked at the start and the end only");
      return Future.succeededFuture();
    }
    int first = st.nextBucket;
    st.nextBucket = (first + BUCKETS_PER_RUN) % RollBuckets.COUNT;
    JsonArray checked = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < BUCKETS_PER_RUN; i++) {
      int bucket = (first + i) % RollBuckets.COUNT;
      checked.add(bucket);
      chain = chain.compose(v -> seals.rollBucket(id, bucket, st.pace).map(now -> {
        long count = b.getJsonArray("counts").getLong(bucket);
        if (now.getLong("count") != count || !now.getString("sum").equals(b.getJsonArray("sums").getString(bucket))) {
          found.add(new Finding("roll", "roll:" + bucket, "bucket " + bucket + " of the roll (pseudonyms from \""
              + RollBuckets.ALPHABET.charAt(bucket) + "\") differs from seal " + seal.n() + ": " + now.getLong("count")
              + " voters now, " + count + " sealed" + (now.getLong("count") == count ? ", a voter's record changed" : "")));
        }
        return null;
      }));
    }
    run.put("rollBuckets", checked);
    return chain;
  }

  /** The new audit events, a slice of the sweep, and the émargements against them. */
  private Future<Void> auditSlice(String id, State st, List<Finding> found, JsonObject run) {
    return audit.heads(id).compose(heads -> st.head.advance(AUDIT_PER_RUN, null, heads)).compose(step -> {
      step.problems().forEach(p -> found.add(new Finding("audit", p.key(), p.text())));
      run.put("auditRead", step.read()).put("auditVerified", st.head.events());
      return recordsOf(id, step.emargements(), found).compose(v -> step.atEnd()
          ? listAgainstTrail(id, st, found) : Future.succeededFuture());
    }).compose(v -> anchors.latest(id)).compose(anchor -> {
      if (anchor.isPresent() && anchor.get().broken() != null) {
        found.add(new Finding("audit", "checkpoint", anchor.get().label() + ": " + anchor.get().broken()));
        return Future.succeededFuture();
      }
      return st.sweep.advance(SWEEP_PER_RUN, anchor.orElse(null), null).map(step -> {
        step.problems().forEach(p -> found.add(new Finding("audit", p.key(), p.text())));
        run.put("sweepAt", st.sweep.position());
        if (step.atEnd()) {
          st.sweep.restart();
        }
        return null;
      });
    });
  }

  /** Each émargement event's record must be in the list, with the same session. */
  private Future<Void> recordsOf(String id, List<ChainWalk.Emargement> events, List<Finding> found) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < events.size(); from += BATCH) {
      List<ChainWalk.Emargement> part = events.subList(from, Math.min(events.size(), from + BATCH));
      chain = chain.compose(v -> store.emargements(id, part.stream().map(ChainWalk.Emargement::voter).toList())
          .map(records -> {
            for (int i = 0; i < part.size(); i++) {
              String sid = session(records.get(i));
              if (!part.get(i).session().equals(sid)) {
                found.add(new Finding("emargements", "audit-em:" + part.get(i).id(), "audit event "
                    + part.get(i).id() + " records an émargement " + (records.get(i) == null
                    ? "that the émargement list does not hold" : "of another session than the list's")));
              }
            }
            return null;
          }));
    }
    return chain;
  }

  /**
   * When the list holds more records than the trail records émargements, reads the list to name each record without
   * its event (the same findings while neither count moves, without reading the list again).
   */
  private Future<Void> listAgainstTrail(String id, State st, List<Finding> found) {
    return store.emargementCount(id).compose(count -> {
      if (count < st.head.recorded()) {
        found.add(new Finding("emargements", "em:fewer:" + count + ":" + st.head.recorded(), "the émargement list "
            + "holds " + count + " records, the audit trail records " + st.head.recorded() + " émargements: records "
            + "were removed"));
      }
      if (count <= st.head.recorded()) {
        st.emFindings = List.of();
        return Future.succeededFuture();
      }
      if (count == st.emCount && st.head.recorded() == st.emRecorded) {
        found.addAll(st.emFindings);
        return Future.succeededFuture();
      }
      List<Finding> missing = new ArrayList<>();
      return unaudited(id, st.head, "0", missing, clock.instant().minus(IN_FLIGHT)).map(v -> {
        // the findings stand for the counts only when they name every record over the trail's: a record skipped as
        // in flight is read again next period (else one whose event never comes would wait for the end check)
        st.emCount = missing.size() >= count - st.head.recorded() ? count : -1;
        st.emRecorded = st.head.recorded();
        st.emFindings = List.copyOf(missing);
        found.addAll(missing);
        return null;
      });
    });
  }

  /**
   * Reads the émargement list from {@code cursor}, adding each record older than {@code before} without its event;
   * each page from the previous one's callback (no nested futures as long as the list).
   */
  private Future<Void> unaudited(String id, ChainWalk walk, String cursor, List<Finding> missing, Instant before) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    unauditedPage(id, walk, cursor, missing, before, done);
    return done.future();
  }

  private void unauditedPage(String id, ChainWalk walk, String cursor, List<Finding> missing, Instant before,
                             io.vertx.core.Promise<Void> done) {
    store.emargementPage(id, cursor, BATCH).onFailure(done::tryFail).onSuccess(page -> {
      for (Map.Entry<String, String> r : page.entries().entrySet()) {
        JsonObject rec = parse(r.getValue());
        // a record written by hand may hold anything: read, never trusted (a field of another type is no field)
        String sid = rec != null && rec.getValue("sid") instanceof String s ? s : "";
        long t = rec != null && rec.getValue("t") instanceof Number n ? n.longValue() : 0;
        // in flight: written within IN_FLIGHT before {@code before}'s reference, its event not yet appended; a
        // time after that (a record dated in the future) is no émargement in flight
        boolean inFlight = t >= before.toEpochMilli() && t <= before.plus(IN_FLIGHT).plus(IN_FLIGHT).toEpochMilli();
        if (!walk.records(r.getKey(), sid) && !inFlight) {
          missing.add(new Finding("emargements", "em:" + r.getKey() + ":" + sid, "an émargement recorded at "
              + Instant.ofEpochMilli(t) + " has no audit event"));
        }
      }
      if ("0".equals(page.cursor())) {
        done.tryComplete();
      } else {
        unauditedPage(id, walk, page.cursor(), missing, before, done);
      }
    });
  }

  private static String session(String record) {
    JsonObject r = parse(record);
    return r == null ? null : r.getString("sid");
  }

  private static JsonObject parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return new JsonObject(json);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static JsonArray texts(List<Finding> found) {
    JsonArray a = new JsonArray();
    found.forEach(f -> a.add(new JsonObject().put("check", f.check()).put("text", f.text())));
    return a;
  }

  // ---- the full checks: start, end, on demand ----

  /**
   * A full check of the election against its seal in force now: the whole roll, the whole trail (against the latest
   * checkpoint), the whole émargement list; problems are alerted; the signed report is appended to the evidence
   * directory. Fails with {@link IllegalStateException} when the election has no seal in force.
   * @param kind {@code start}, {@code end} or {@code on-demand}
   */
  public Future<IntegrityReport> full(Election e, String kind, String by) {
    return sealInForce(e.id()).compose(s -> s.isEmpty()
        ? Future.failedFuture(new IllegalStateException("election " + e.id() + " has no seal in force"))
        : full(e, s.get(), kind, by));
  }

  private Future<IntegrityReport> full(Election e, Seal seal, String kind, String by) {
    String id = e.id();
    List<Finding> found = new ArrayList<>();
    JsonObject results = new JsonObject();
    // the start and end checks give way to the voters (paced, well within their claim); one on demand has a person
    // waiting for it
    SealService.Pace pace = "on-demand".equals(kind) ? null : SealService.Pace.forNext(FULL_PACED_FOR);
    ChainWalk walk = new ChainWalk(audit, id, true, runner(() -> pace));
    return sealed(e, seal, found)
        .compose(v -> seals.rollDigest(id, pace)).map(roll -> {
          JsonObject sealedRoll = seal.manifest().getJsonObject("roll", new JsonObject());
          boolean same = roll.getLong("count").equals(sealedRoll.getLong("count"))
              && roll.getString("sum").equals(sealedRoll.getString("sum"));
          if (!same) {
            found.add(new Finding("roll", "roll", "the roll differs from seal " + seal.n() + ": " + roll.getLong("count")
                + " voters now, " + sealedRoll.getLong("count") + " sealed" + bucketsDiffering(sealedRoll, roll)));
          }
          results.put("roll", new JsonObject().put("voters", roll.getLong("count")).put("sum", roll.getString("sum")));
          return null;
        })
        .compose(v -> anchors.latest(id))
        .compose(anchor -> {
          if (anchor.isPresent() && anchor.get().broken() != null) {
            found.add(new Finding("audit", "checkpoint", anchor.get().label() + ": " + anchor.get().broken()));
          }
          ChainAnchor a = anchor.filter(x -> x.broken() == null).orElse(null);
          return audit.heads(id).compose(heads -> walk.advance(Integer.MAX_VALUE, a, heads)).map(step -> {
            step.problems().forEach(p -> found.add(new Finding("audit", p.key(), p.text())));
            if (a != null) {
              removedSince(a, walk, found);
            }
            results.put("audit", new JsonObject().put("events", walk.events())
                .put("checkpoint", a == null ? null : a.label()));
            return step.emargements();
          });
        })
        .compose(events -> recordsOf(id, events, found))
        .compose(v -> {
          List<Finding> missing = new ArrayList<>();
          // after the close and its grace, no émargement is in flight: every record without its event is reported
          Instant before = "end".equals(kind) ? clock.instant().plus(IN_FLIGHT).plus(IN_FLIGHT)
              : clock.instant().minus(IN_FLIGHT);
          return unaudited(id, walk, "0", missing, before).compose(x -> {
            found.addAll(missing);
            return store.emargementCount(id);
          });
        })
        .compose(count -> {
          results.put("emargements", new JsonObject().put("records", count).put("events", walk.recorded()));
          for (String c : IntegrityReport.CHECKS) {
            List<String> mine = found.stream().filter(f -> f.check().equals(c)).map(Finding::text).toList();
            JsonObject r = results.getJsonObject(c, new JsonObject());
            r.put("ok", mine.isEmpty()).put("detail", mine.isEmpty() ? okDetail(c, seal) : mine.size()
                + " problem(s)");
            results.put(c, r);
          }
          return alerts.raise(e, found);
        })
        .compose(raised -> offLoop.run(() -> {
          synchronized (reports) {
            long n = reports.lines(id).size() + 1L;
            IntegrityReport r = IntegrityReport.signed(id, n, clock.instant(), kind, by, seal.n(), results,
                texts(found), key);
            reports.append(id, r.line());
            reported.add(id + "|" + kind);
            return r;
          }
        }));
  }

  private static String okDetail(String check, Seal seal) {
    return switch (check) {
      case "code", "configuration", "definition", "roll" -> "as sealed (seal " + seal.n() + ")";
      case "audit" -> "every chain holds";
      default -> "every émargement has its audit event and the reverse";
    };
  }

  /** Writers whose chain walked is shorter than the checkpoint counted: events at its end were removed. */
  private static void removedSince(ChainAnchor anchor, ChainWalk walk, List<Finding> found) {
    for (Map.Entry<String, ChainAnchor.Head> w : anchor.writers().entrySet()) {
      long seen = walk.sequence(w.getKey());
      if (seen < w.getValue().count()) {
        found.add(new Finding("audit", "removed:" + w.getKey() + ":" + seen, "audit writer " + w.getKey()
            + "'s chain has " + seen + " events, but " + anchor.label() + " counted " + w.getValue().count()
            + ": events were removed"));
      }
    }
  }

  private static String bucketsDiffering(JsonObject sealed, JsonObject now) {
    JsonObject a = sealed.getJsonObject("buckets");
    JsonObject b = now.getJsonObject("buckets");
    if (a == null || b == null) {
      return "";
    }
    List<String> differ = new ArrayList<>();
    for (int i = 0; i < RollBuckets.COUNT; i++) {
      if (!a.getJsonArray("sums").getString(i).equals(b.getJsonArray("sums").getString(i))
          || !a.getJsonArray("counts").getLong(i).equals(b.getJsonArray("counts").getLong(i))) {
        differ.add(Integer.toString(i));
      }
    }
    return differ.isEmpty() ? "" : " (buckets " + String.join(", ", differ) + ")";
  }

  /** The election's reports, oldest first (lines that do not read are skipped). */
  public Future<List<IntegrityReport>> reports(String electionId) {
    return offLoop.run(() -> {
      List<IntegrityReport> out = new ArrayList<>();
      for (String l : reports.lines(electionId)) {
        try {
          out.add(IntegrityReport.parse(l));
        } catch (IllegalArgumentException ignored) {
          // a line cut by a crash: the others hold
        }
      }
      return out;
    });
  }

  /** Every report line of the election, oldest first, as kept (the evidence bundle's). */
  public Future<List<String>> reportLines(String electionId) {
    return offLoop.run(() -> new ArrayList<>(reports.lines(electionId)));
  }

  /** Report {@code n}'s PDF, rendered off the event loop; empty when the election has no such report. */
  public Future<Optional<byte[]>> pdf(Election e, long n) {
    return reports(e.id()).compose(all -> {
      Optional<IntegrityReport> r = all.stream().filter(x -> x.n() == n).findFirst();
      return r.isEmpty() ? Future.succeededFuture(Optional.<byte[]>empty())
          : offLoop.run(() -> Optional.of(IntegrityPdf.render(r.get(), e.name())));
    });
  }
}
