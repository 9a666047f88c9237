package fr.sesame.gateway.audit;

import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An election's audit chains verified a part at a time (issue 16, point 3): the walk remembers where it stopped (the
 * stream position, each writer's last sequence number and hash) and each {@link #advance} verifies only the events
 * after it, as {@link AuditVerifier} does for the whole stream: the event matches its hash, it is of this
 * election, it follows its writer's previous event (sequence and link), and matches the checkpoint given, if any.
 * A break is reported once, then the walk goes on from the event found (its writer's chain resumes there), so that
 * one altered event is one problem. It also collects the émargements the trail records ({@code emargement} events,
 * recorded or repeated) as 64-bit keys, so that the émargement list can be compared with them. Not thread-safe:
 * one caller at a time. Its {@link Runner} says where a page's verification runs (the integrity check's: a worker,
 * since hashing a thousand events would hold the event loop for milliseconds) and what the walk waits between pages.
 */
public final class ChainWalk {
  static final int PAGE = 1000;
  private final AuditStore store;
  private final String electionId;
  private final boolean collect;
  private String after = "-";
  private long events;
  private final Map<String, AuditVerifier.Tip> tips = new HashMap<>();
  private final LongSet emargements = new LongSet();

  /** A problem found: {@code key} names it for de-duplication, {@code text} says what (no personal data). */
  public record Problem(String key, String text) {}

  /** An émargement the trail records: the event's id, the voter's pseudonym and the session. */
  public record Emargement(String id, String voter, String session) {}

  /**
   * What one {@link #advance} found.
   * @param read        events read
   * @param atEnd       whether the walk reached the end of the stream (else its budget stopped it)
   * @param emargements the émargements recorded by the events read
   */
  public record Step(int read, boolean atEnd, List<Problem> problems, List<Emargement> emargements) {}

  /** Where a page's verification runs, and what the walk waits after a page. */
  public interface Runner {
    /** Runs {@code work} (a page's verification); its failure fails the walk. */
    Future<Void> verify(Runnable work);

    /** Completes when the next page may be read, after one that took {@code nanos}. */
    Future<Void> afterPage(long nanos);
  }

  /** On the caller's thread, one page after the other without a wait. */
  public static final Runner AT_ONCE = new Runner() {
    @Override
    public Future<Void> verify(Runnable work) {
      try {
        work.run();
        return Future.succeededFuture();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    @Override
    public Future<Void> afterPage(long nanos) {
      return Future.succeededFuture();
    }
  };

  private final Runner runner;

  /** @param collect whether to keep the keys of the émargements the trail records ({@link #recorded}) */
  public ChainWalk(AuditStore store, String electionId, boolean collect) {
    this(store, electionId, collect, AT_ONCE);
  }

  /** The same, each page verified and followed as {@code runner} says. */
  public ChainWalk(AuditStore store, String electionId, boolean collect, Runner runner) {
    this.store = store;
    this.electionId = electionId;
    this.collect = collect;
    this.runner = runner;
  }

  /** Events verified since the start of the walk. */
  public long events() {
    return events;
  }

  /** The sequence number of the last event of {@code writer}'s chain walked (0: none). */
  public long sequence(String writer) {
    AuditVerifier.Tip t = tips.get(writer);
    return t == null ? 0 : t.seq;
  }

  /** The stream position of the last event verified ("-" at the start). */
  public String position() {
    return after;
  }

  /** Starts again from the start of the stream (a sweep's next round). */
  public void restart() {
    after = "-";
    events = 0;
    tips.clear();
    emargements.clear();
  }

  /** How many distinct émargements (voter and session) the events walked record. */
  public int recorded() {
    return emargements.size();
  }

  /** Whether the events walked record the émargement of {@code voter} in {@code session}. */
  public boolean records(String voter, String session) {
    return emargements.contains(key(voter, session));
  }

  /**
   * Verifies the events after the position, at most {@code budget} (whole pages), against the checkpoint
   * {@code anchor} (null: none). When the walk reaches the end of the stream and {@code headsBefore} (the writers'
   * heads read before this call) is given, each head must be an event of its writer's chain walked: else events at
   * the end of a chain were removed, or its head altered.
   */
  public Future<Step> advance(int budget, ChainAnchor anchor, Map<String, String> headsBefore) {
    Map<String, String> start = new HashMap<>();
    tips.forEach((w, t) -> start.put(w, t.hash));
    Map<String, Set<String>> seen = new HashMap<>();
    List<Problem> problems = new ArrayList<>();
    List<Emargement> found = new ArrayList<>();
    return page(budget, anchor, headsBefore, seen, problems, found, 0).map(r -> {
      if (r.atEnd() && headsBefore != null) {
        for (Map.Entry<String, String> h : headsBefore.entrySet()) {
          String w = h.getKey();
          if (!h.getValue().equals(start.get(w)) && !seen.getOrDefault(w, Set.of()).contains(h.getValue())) {
            problems.add(new Problem("audit:head:" + w + ":" + h.getValue(), "the stored head of audit writer " + w
                + " is not the last event of its chain: events at its end were removed, or the head altered"));
          }
        }
      }
      return new Step(r.read(), r.atEnd(), problems, found);
    });
  }

  private record Read(int read, boolean atEnd) {}

  /** Reads pages until the end or the budget; each page from the previous one's callback (no nested futures). */
  private Future<Read> page(int budget, ChainAnchor anchor, Map<String, String> heads, Map<String, Set<String>> seen,
                            List<Problem> problems, List<Emargement> found, int read) {
    io.vertx.core.Promise<Read> done = io.vertx.core.Promise.promise();
    next(budget, anchor, heads, seen, problems, found, read, done);
    return done.future();
  }

  private void next(int budget, ChainAnchor anchor, Map<String, String> heads, Map<String, Set<String>> seen,
                    List<Problem> problems, List<Emargement> found, int read, io.vertx.core.Promise<Read> done) {
    long started = System.nanoTime();
    store.range(electionId, after, PAGE).compose(batch -> runner.verify(() -> {
      for (AuditStore.Stored s : batch) {
        verify(s, anchor, heads, seen, problems, found);
      }
    }).map(v -> batch.size())).onFailure(done::tryFail).onSuccess(size -> {
      int total = read + size;
      if (size < PAGE) {
        done.tryComplete(new Read(total, true));
      } else if (total >= budget) {
        done.tryComplete(new Read(total, false));
      } else {
        runner.afterPage(System.nanoTime() - started)
            .onComplete(v -> next(budget, anchor, heads, seen, problems, found, total, done));
      }
    });
  }

  private void verify(AuditStore.Stored s, ChainAnchor anchor, Map<String, String> heads,
                      Map<String, Set<String>> seen, List<Problem> problems, List<Emargement> found) {
    events++;
    JsonObject e = AuditVerifier.parse(s.json()); // once, for the chain's check and for the émargements
    JsonObject broken = AuditVerifier.check(electionId, s, e, tips, anchor);
    if (broken != null) {
      problems.add(new Problem("audit:" + s.id() + ":" + broken.getString("reason"), "audit event " + s.id()
          + (broken.getString("writer") == null ? "" : " (writer " + broken.getString("writer") + ", #"
          + broken.getValue("seq") + ")") + ": " + broken.getString("reason")));
      resume(e, s);
    }
    try {
      if (e != null && heads != null && heads.containsKey(e.getString("w", ""))) {
        seen.computeIfAbsent(e.getString("w", ""), k -> new HashSet<>()).add(s.hash());
      }
      if (e != null && "emargement".equals(e.getString("type"))
          && ("recorded".equals(e.getString("outcome")) || "repeated".equals(e.getString("outcome")))) {
        JsonObject d = e.getJsonObject("d", new JsonObject());
        Emargement m = new Emargement(s.id(), d.getString("voter", ""), d.getString("session", ""));
        found.add(m);
        if (collect) {
          emargements.add(key(m.voter(), m.session()));
        }
      }
    } catch (RuntimeException malformed) { // a field of another type than the gateway writes
      problems.add(new Problem("audit:" + s.id() + ":malformed", "audit event " + s.id()
          + ": its fields are not of their types (altered)"));
    }
    after = s.id();
  }

  /** After a break, the writer's chain resumes at the event found: the next events are checked against it. */
  private void resume(JsonObject e, AuditStore.Stored s) {
    if (e == null) {
      return;
    }
    try {
      String w = e.getString("w", "");
      Long n = e.getLong("n");
      if (n != null) {
        AuditVerifier.Tip tip = tips.computeIfAbsent(w, k -> new AuditVerifier.Tip());
        tip.seq = n;
        tip.hash = s.hash();
      }
    } catch (RuntimeException ignored) {
      // a field of the wrong type: the problem is reported, the chain cannot resume here
    }
  }

  /** A 64-bit key of an émargement (FNV-1a, then MurmurHash3's finaliser). */
  static long key(String voter, String session) {
    long h = 0xcbf29ce484222325L;
    String text = voter + "|" + session;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** A set of longs by open addressing: a million keys in 16 MB, where a set of strings would take ten times more. */
  static final class LongSet {
    private long[] slots = new long[1024];
    private boolean hasZero;
    private int size;

    void add(long k) {
      if (k == 0) {
        if (!hasZero) {
          hasZero = true;
          size++;
        }
        return;
      }
      if ((size + 1) * 2 > slots.length) {
        grow();
      }
      if (insert(slots, k)) {
        size++;
      }
    }

    boolean contains(long k) {
      if (k == 0) {
        return hasZero;
      }
      int mask = slots.length - 1;
      for (int i = (int) (k ^ (k >>> 32)) & mask; slots[i] != 0; i = (i + 1) & mask) {
        if (slots[i] == k) {
          return true;
        }
      }
      return false;
    }

    int size() {
      return size;
    }

    void clear() {
      slots = new long[1024];
      hasZero = false;
      size = 0;
    }

    private static boolean insert(long[] slots, long k) {
      int mask = slots.length - 1;
      int i = (int) (k ^ (k >>> 32)) & mask;
      for (; slots[i] != 0; i = (i + 1) & mask) {
        if (slots[i] == k) {
          return false;
        }
      }
      slots[i] = k;
      return true;
    }

    private void grow() {
      long[] bigger = new long[slots.length * 2];
      for (long k : slots) {
        if (k != 0) {
          insert(bigger, k);
        }
      }
      slots = bigger;
    }
  }
}
