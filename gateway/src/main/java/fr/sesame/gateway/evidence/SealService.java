package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.gateway.store.SealStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals elections (issue 16, point 1; docs/design.md, "Seal"): makes the manifest (the running code, the effective
 * configuration, the election's definition, the roll's order-independent digest), signs it with the evidence key,
 * keeps it in Redis and appends it to {@code DIR/E.seals.jsonl}, puts it in force, audits {@code election.seal}.
 * While a seal is in force, {@link #unsealed} refuses the changes of the definition and of the roll
 * ({@code election-sealed}, 409); {@link #reopen} lifts it, audited {@code election.unseal} with its reason. The
 * automatic sealing ({@link #tick}) seals, on one instance at a time, every election whose opening has passed,
 * that has not closed and has no seal in force.
 */
public final class SealService {
  private static final Logger LOG = LoggerFactory.getLogger(SealService.class);
  /** Pseudonyms read from the roll index at a time. */
  static final int PAGE = 500;
  /**
   * The voter fields that change as voters log in (failures, lock, last login, phone given, the last logins' times
   * and addresses): not sealed.
   */
  static final Set<String> VOLATILE = Set.of("f", "la", "ll", "lp", "lh");
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(256);
  /**
   * A paced walk of the roll waits, after each page, this many times what the page took: the gateway's own checks
   * (the sealing at the opening, the integrity check's start, end and period walks) then take at most a quarter of
   * what they could, and the voters' requests the rest, at the opening's peak too.
   */
  public static final int PAUSE_FACTOR = 3;
  /** The longest wait after a page (a page slowed by a stalled machine does not hold the walk for longer). */
  static final long LONGEST_PAUSE_MS = 5_000;

  /**
   * How long a walk gives way: until {@code untilNanos} ({@link System#nanoTime}); past it the walk goes on without
   * waiting, so that pacing never makes a check outlast its lease or claim. A null pace: not paced.
   */
  public record Pace(long untilNanos) {
    /** Paced for the next {@code d}. */
    public static Pace forNext(Duration d) {
      return new Pace(System.nanoTime() + d.toNanos());
    }

    boolean over() {
      return System.nanoTime() - untilNanos > 0;
    }
  }

  /** The automatic seal is paced for this long at most; its claim on the election lasts {@link #AUTOMATIC_CLAIM}. */
  static final Duration AUTOMATIC_PACED_FOR = Duration.ofMinutes(10);
  /** One instance seals an election by itself at a time: its claim, released once the seal is made or failed. */
  static final Duration AUTOMATIC_CLAIM = Duration.ofMinutes(15);

  /** Waits without holding a thread: a Vert.x timer in the gateway. */
  @FunctionalInterface
  public interface Pacer {
    Future<Void> pause(long millis);
  }

  private final SealStore store;
  private final AuditTrail audit;
  private final EvidenceKey key;
  private final CheckpointLog log;
  private final JsonObject config;
  private final Function<String, Future<Optional<Election>>> elections;
  private final Supplier<Future<Set<String>>> electionIds;
  private final Checkpointer.OffLoop offLoop;
  private final Clock clock;
  private final String holder;
  private final FieldCipher cipher;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Pacer pacer;
  private final java.util.concurrent.atomic.LongAdder pausedMillis = new java.util.concurrent.atomic.LongAdder();
  private volatile java.util.function.BiConsumer<Election, Seal> sealed = (e, s) -> { };
  private volatile java.util.function.BiConsumer<Election, String> reopened = (e, text) -> { };

  /**
   * @param config      the effective configuration as the manifest shows it ({@link ConfigDigest})
   * @param elections   finds an election
   * @param electionIds every election the automatic sealing looks at
   */
  public SealService(SealStore store, AuditTrail audit, EvidenceKey key, CheckpointLog log, JsonObject config,
                     Function<String, Future<Optional<Election>>> elections,
                     Supplier<Future<Set<String>>> electionIds, Checkpointer.OffLoop offLoop, Clock clock,
                     String holder, FieldCipher cipher) {
    this.cipher = cipher;
    this.store = store;
    this.audit = audit;
    this.key = key;
    this.log = log;
    this.config = config;
    this.elections = elections;
    this.electionIds = electionIds;
    this.offLoop = offLoop;
    this.clock = clock;
    this.holder = holder;
  }

  /** What is done once a seal is made (the bureau's email); must not fail. */
  /**
   * What is done once a seal in force is lifted after the election's opening (the bureau alerted: the roll or the
   * definition may change during the vote, and the integrity check compares with the next seal); must not fail.
   */
  public void onReopenedDuringTheVote(java.util.function.BiConsumer<Election, String> then) {
    this.reopened = then;
  }

  public void onSealed(java.util.function.BiConsumer<Election, Seal> then) {
    this.sealed = then;
  }

  /**
   * Paces the gateway's own walks of the roll with {@code pacer} ({@link #PAUSE_FACTOR}): the automatic sealing, and
   * the integrity check's walks ({@link #rollDigest}, {@link #rollBucket}). A seal asked for through
   * the API, or a check on demand, is not paced: a person waits for its answer. Without a pacer nothing is paced.
   */
  public void pacedBy(Pacer pacer) {
    this.pacer = pacer;
  }

  /** @return how long the paced walks have waited so far, in milliseconds (the metric of their yielding) */
  public long pausedMillis() {
    return pausedMillis.sum();
  }

  /**
   * Gives way after a page of the gateway's own background work (a walk of the roll or of the audit trail) that took
   * {@code nanos}: completes after {@link #PAUSE_FACTOR} times as long (at most {@link #LONGEST_PAUSE_MS}), or at once
   * when nothing is paced ({@link #pacedBy}), {@code pace} is null or its time is over.
   */
  public Future<Void> giveWay(long nanos, Pace pace) {
    Pacer p = pacer;
    if (p == null || pace == null || pace.over()) {
      return Future.succeededFuture();
    }
    long pause = Math.min(LONGEST_PAUSE_MS, Math.max(1, PAUSE_FACTOR * nanos / 1_000_000));
    pausedMillis.add(pause);
    try {
      return p.pause(pause);
    } catch (RuntimeException e) { // no timer (Vert.x closing): the walk goes on, or fails on its next read
      return Future.succeededFuture();
    }
  }

  /** The manifest of the election as it stands (not signed, not kept). */
  public Future<JsonObject> manifest(Election election) {
    return manifest(election, null);
  }

  private Future<JsonObject> manifest(Election election, Pace pace) {
    return offLoop.run(CodeDigests::running).compose(code -> roll(election.id(), pace).map(roll -> Seal.canonical(
        new JsonObject().put("format", "sesame-seal-manifest").put("version", 1).put("code", code)
            .put("configuration", config).put("election", Seal.canonical(election.toJson())).put("roll", roll))));
  }

  /** Seals the election now, for {@code who}: the seal, kept, in force and audited. */
  public Future<Seal> seal(Election given, ClientInfo who) {
    String id = given.id();
    // the definition as stored now (the caller's may come from a cache)
    return elections.apply(id).map(found -> found.orElse(given)).compose(election -> seal(election, id, who, null));
  }

  private Future<Seal> seal(Election election, String id, ClientInfo who, Pace pace) {
    return manifest(election, pace).compose(m -> store.nextNumber(id).compose(number -> {
      Seal s = Seal.signed(id, number, clock.instant(), who.actor(), m, key);
      return store.append(id, s.line())
          .compose(n -> offLoop.run(() -> {
            log.append(id, s.line());
            return null;
          }))
          .compose(v -> store.enforce(id, s.n()))
          .compose(v -> audit.record(id, AuditEvent.of(clock.instant(), "election.seal", who.actor(), who.ip(),
              "success", "n", s.n(), "digest", s.digest(), "kid", s.kid(), "voters",
              m.getJsonObject("roll").getLong("count"))))
          .map(v -> {
            try {
              sealed.accept(election, s);
            } catch (RuntimeException e) {
              LOG.warn("seal {} of {} made; its follow-up failed: {}", s.n(), id, RedactedException.describe(e));
            }
            return s;
          });
    }));
  }

  /** Every seal of the election, oldest first (lines that do not read are skipped). */
  public Future<List<Seal>> seals(String electionId) {
    return store.seals(electionId).map(lines -> {
      List<Seal> out = new ArrayList<>();
      for (String l : lines) {
        try {
          out.add(Seal.parse(l));
        } catch (IllegalArgumentException ignored) {
          // not ours to repair: the verifier of a bundle reports it
        }
      }
      return out;
    });
  }

  /** Seal {@code n}'s report (PDF), rendered off the event loop; empty when the election has no such seal. */
  public Future<Optional<byte[]>> pdf(String electionId, long n) {
    return seals(electionId).compose(all -> {
      Optional<Seal> s = all.stream().filter(x -> x.n() == n).findFirst();
      if (s.isEmpty()) {
        return Future.succeededFuture(Optional.<byte[]>empty());
      }
      String name = s.get().manifest().getJsonObject("election", new JsonObject()).getString("name", electionId);
      return offLoop.run(() -> Optional.of(SealPdf.render(s.get(), name)));
    });
  }

  /** Every seal line of the election, as kept in Redis. */
  public Future<List<String>> lines(String electionId) {
    return store.seals(electionId);
  }

  /** The number of the seal in force, if any. */
  public Future<Optional<Long>> inForce(String electionId) {
    return store.inForce(electionId);
  }

  /** Succeeds when the election may change; fails with {@code election-sealed} (409) while a seal is in force. */
  public Future<Void> unsealed(String electionId) {
    return store.inForce(electionId).compose(n -> n.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(new ProblemException(ProblemType.ELECTION_SEALED, "Election " + electionId
            + " is sealed (seal " + n.get() + "): its definition and roll cannot change; an administrator may "
            + "reopen it (POST /v1/admin/elections/" + electionId + "/seal/reopen, with a reason), which requires "
            + "a new seal before the opening")));
  }

  /**
   * Lifts the seal in force, audited {@code election.unseal} with the reason.
   * @return the seal lifted, empty when none was in force (nothing done)
   */
  public Future<Optional<Long>> reopen(String electionId, String reason, ClientInfo who) {
    return store.inForce(electionId).compose(n -> n.isEmpty() ? Future.succeededFuture(Optional.<Long>empty())
        : store.lift(electionId).compose(lifted -> audit.record(electionId, AuditEvent.of(clock.instant(),
            "election.unseal", who.actor(), who.ip(), "success", "n", n.get(), "reason", reason)))
            .compose(v -> elections.apply(electionId)).map(election -> {
              Instant now = clock.instant();
              if (election.isPresent() && !now.isBefore(election.get().opensAt().toInstant())) {
                reopened.accept(election.get(), "Le scellement n° " + n.get() + " a été levé pendant le scrutin ("
                    + now + " UTC) par " + who.actor() + ", motif : " + reason + ". La liste électorale ou la "
                    + "définition de l'élection peuvent changer jusqu'au prochain scellement.");
              }
              return n;
            }));
  }

  /**
   * One period's automatic sealing: unless another instance holds the lease (or this one's previous run still
   * goes), seals every election that has opened, has not closed and has no seal in force.
   * @return how many were sealed
   */
  public Future<Integer> tick(Duration every) {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    return store.lease(holder, every.toMillis() * 9 / 10)
        .compose(taken -> taken ? sealOpened() : Future.succeededFuture(0))
        .onComplete(r -> running.set(false))
        .onFailure(e -> LOG.warn("automatic sealing not done: {}", RedactedException.describe(e)));
  }

  /**
   * The automatic seal of an opened election, paced: by the one instance that claims it (a paced seal of a large roll
   * outlasts the period's lease, and another instance would otherwise start a second one), which then checks again
   * that no seal came into force meanwhile. @return whether it sealed
   */
  private Future<Boolean> sealByItself(Election election, String id) {
    return store.claimAutomatic(id, holder, AUTOMATIC_CLAIM.toMillis()).compose(claimed -> !claimed
        ? Future.succeededFuture(false)
        : store.inForce(id).compose(n -> n.isPresent() ? Future.succeededFuture(false)
            : seal(election, id, new ClientInfo("", "system:opening"), Pace.forNext(AUTOMATIC_PACED_FOR)).map(x -> true))
            .eventually(() -> store.releaseAutomatic(id, holder))); // released before the answer
  }

  /** Seals every election opened, not closed, without a seal in force, now (tests, the lease holder). */
  public Future<Integer> sealOpened() {
    return electionIds.get().compose(ids -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (String id : new TreeSet<>(ids)) {
        chain = chain.compose(count -> elections.apply(id).compose(found -> {
          Instant now = clock.instant();
          if (found.isEmpty() || now.isBefore(found.get().opensAt().toInstant())
              || !now.isBefore(found.get().closesAt().toInstant())) {
            return Future.succeededFuture(count);
          }
          return store.inForce(id).compose(n -> n.isPresent() ? Future.succeededFuture(count)
              : sealByItself(found.get(), id).map(sealed -> sealed ? count + 1 : count));
        }).recover(e -> {
          LOG.warn("election {} not sealed at its opening: {}", id, RedactedException.describe(e));
          return Future.succeededFuture(count);
        }));
      }
      return chain;
    });
  }

  /**
   * The roll's digest, independent of the voters' order: {@code count} voters of the roll index, and
   * {@code sum}, the sum modulo 2^256 of each voter's SHA-256 of {@code P NUL k=v NUL ...} (P its pseudonym, then
   * its stored fields but the volatile ones, by name in code-point order; no field when it has no record), as 64
   * hex digits; and the same in {@link RollBuckets} ({@code buckets}), which add up to them.
   */
  Future<JsonObject> roll(String electionId, Pace pace) {
    BigInteger[] sum = {BigInteger.ZERO};
    long[] count = {0};
    RollBuckets buckets = new RollBuckets();
    return walk(electionId, "", "", "", pace, (p, d) -> {
      sum[0] = sum[0].add(new BigInteger(1, d)).mod(MOD);
      count[0]++;
      buckets.add(p, d);
    }).map(v -> new JsonObject().put("count", count[0])
        .put("sum", String.format("%064x", sum[0]))
        .put("method", "sum mod 2^256 of SHA-256(pseudonym NUL field=value NUL ...), fields but "
            + new TreeSet<>(VOLATILE) + " in name order, encrypted ones (n, e, p, a) by their clear value")
        .put("buckets", buckets.toJson()));
  }

  /** The roll's digest recomputed now, as the manifest shows it (the integrity check's start and end). */
  public Future<JsonObject> rollDigest(String electionId, Pace pace) {
    return roll(electionId, pace);
  }

  /** One bucket of the roll's digest recomputed now: {@code {"count":N,"sum":HEX}} ({@link RollBuckets}). */
  public Future<JsonObject> rollBucket(String electionId, int bucket, Pace pace) {
    RollBuckets one = new RollBuckets();
    return walk(electionId, RollBuckets.from(bucket), RollBuckets.below(bucket), "", pace, one::add)
        .map(v -> new JsonObject().put("count", one.count(bucket)).put("sum", one.sum(bucket)));
  }

  /**
   * Walks the roll index's range {@code [from, below)} a page at a time. Each page starts from the previous page's
   * callback, and the walk completes one promise: no chain of futures as long as the roll (nested futures, one per
   * page, overflow the stack when the last one completes them all: 2,000 pages for 1,000,000 voters).
   */
  private Future<Void> walk(String electionId, String from, String below, String cursor, Pace pace,
                            java.util.function.BiConsumer<String, byte[]> each) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    step(electionId, from, below, cursor, pace, each, done);
    return done.future();
  }

  private void step(String electionId, String from, String below, String cursor, Pace pace,
                    java.util.function.BiConsumer<String, byte[]> each, io.vertx.core.Promise<Void> done) {
    long started = System.nanoTime();
    store.rollPage(electionId, from, below, cursor, PAGE).compose(page -> page.isEmpty()
            ? Future.succeededFuture(page)
            // the decryptions and digests off the event loop
            : store.voters(page).compose(voters -> offLoop.run(() -> {
              for (int i = 0; i < page.size(); i++) {
                each.accept(page.get(i), voterDigest(page.get(i), voters.get(i)));
              }
              return page;
            })))
        .onFailure(done::tryFail)
        .onSuccess(page -> {
          if (page.size() < PAGE) {
            done.tryComplete();
            return;
          }
          String next = page.get(page.size() - 1);
          // unpaced (no pace), at once; paced, after the page's time (its reads, their digests, and the waits of a
          // busy gateway) times the factor: the busier the gateway, the longer the walk gives way
          giveWay(System.nanoTime() - started, pace).onComplete(v -> step(electionId, from, below, next, pace, each,
              done));
        });
  }

  /** The encrypted fields of a voter, by their stored name: sealed by their clear value (not their ciphertext). */
  private static final Map<String, CipherContext.VoterField> ENCRYPTED = Map.of(
      "n", CipherContext.VoterField.IDENTITY, "e", CipherContext.VoterField.EMAIL,
      "p", CipherContext.VoterField.PHONE, "a", CipherContext.VoterField.POSTAL_ADDRESS);

  /**
   * A voter's digest: SHA-256 of {@code P NUL k=v NUL ...}, fields by name in code-point order but the volatile
   * ones; an encrypted field by its clear value (a ciphertext is made anew by each import of the same roll), one
   * that does not decrypt as {@code k!=CIPHERTEXT}.
   */
  byte[] voterDigest(String pseudonym, Map<String, String> fields) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(pseudonym.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      for (Map.Entry<String, String> f : new TreeMap<>(fields).entrySet()) {
        if (VOLATILE.contains(f.getKey())) {
          continue;
        }
        String text = f.getKey() + "=" + f.getValue();
        CipherContext.VoterField enc = ENCRYPTED.get(f.getKey());
        if (enc != null) {
          try {
            text = f.getKey() + "=" + cipher.decrypt(f.getValue(), CipherContext.voter(pseudonym, enc));
          } catch (RuntimeException e) {
            text = f.getKey() + "!=" + f.getValue();
          }
        }
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
