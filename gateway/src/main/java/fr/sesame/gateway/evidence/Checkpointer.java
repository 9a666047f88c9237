package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.ChainAnchor;
import fr.sesame.gateway.audit.ChainedAuditTrail;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the audit checkpoints: every period, on one gateway instance at a time (a short Redis lease that runs out
 * by itself), for every election with audit events, reads the events appended since its last checkpoint, and if
 * any, appends a new checkpoint of every writer's head and count, signed with the evidence key, to the
 * {@link CheckpointLog}. Redis is read, the file written off the event loop. Also the
 * {@link ChainAnchor.Source} the audit verification checks the chains against.
 */
public final class Checkpointer implements ChainAnchor.Source {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  private static final int PAGE = 1000;

  /** Runs blocking work (the file) off the event loop. */
  public interface OffLoop {
    <T> Future<T> run(Callable<T> work);
  }

  private final AuditStore store;
  private final CheckpointLog log;
  private final EvidenceKey key;
  private final Clock clock;
  private final OffLoop offLoop;
  private final String holder;
  private final Duration every;
  private final AtomicBoolean running = new AtomicBoolean();

  /**
   * @param holder this instance's name in the lease
   * @param every  the period; the lease lasts 90 % of it, so the next period finds it free
   */
  public Checkpointer(AuditStore store, CheckpointLog log, EvidenceKey key, Clock clock, OffLoop offLoop,
                      String holder, Duration every) {
    this.store = store;
    this.log = log;
    this.key = key;
    this.clock = clock;
    this.offLoop = offLoop;
    this.holder = holder;
    this.every = every;
  }

  /**
   * One period's run: takes the lease and checkpoints every election, unless another instance holds the lease
   * or this instance's previous run is still going.
   * @return how many checkpoints were written (0 when another instance holds the lease)
   */
  public Future<Integer> tick() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    return store.checkpointLease(holder, every.toMillis() * 9 / 10)
        .compose(taken -> taken ? checkpointAll() : Future.succeededFuture(0))
        .onComplete(r -> running.set(false))
        .onFailure(e -> LOG.warn("audit checkpoints not taken: {}", RedactedException.describe(e)));
  }

  /** Checkpoints every election with audit events now, without the lease (tests, the lease holder). */
  public Future<Integer> checkpointAll() {
    return store.elections().compose(elections -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (String election : new java.util.TreeSet<>(elections)) {
        chain = chain.compose(n -> checkpoint(election).map(written -> written ? n + 1 : n));
      }
      return chain;
    });
  }

  /**
   * Checkpoints one election if events were appended since its last checkpoint.
   * @return whether a checkpoint was written
   */
  public Future<Boolean> checkpoint(String electionId) {
    return last(electionId).compose(previous -> {
      SortedMap<String, ChainAnchor.Head> writers = new TreeMap<>();
      String after = "-";
      if (previous.isPresent()) {
        writers.putAll(previous.get().checkpoint().writers());
        after = previous.get().checkpoint().stream();
      }
      return read(electionId, after, writers).compose(last -> {
        if (last == null) {
          return Future.succeededFuture(false); // nothing new
        }
        Checkpoint c = Checkpoint.signed(electionId, previous.map(p -> p.checkpoint().n() + 1).orElse(1L),
            clock.instant(), previous.map(p -> Checkpoint.sha256(p.line())).orElse(""), last, writers, key);
        return offLoop.run(() -> {
          log.append(electionId, c.line());
          return true;
        });
      });
    });
  }

  /** Reads events after {@code after}, updating the writers' heads; the last stream id read, or null if none. */
  private Future<String> read(String electionId, String after, SortedMap<String, ChainAnchor.Head> writers) {
    return store.range(electionId, after, PAGE).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture(null);
      }
      for (AuditStore.Stored s : events) {
        // on the event loop, a page at a time: the start of each text, as the trail writes it (parsed whole only
        // when it is not so)
        ChainedAuditTrail.Link link = ChainedAuditTrail.link(s.json());
        if (link == null) {
          link = parsedLink(s.json());
        }
        if (link != null) {
          writers.put(link.writer(), new ChainAnchor.Head(s.hash(), link.seq()));
        }
      }
      String lastId = events.get(events.size() - 1).id();
      if (events.size() < PAGE) {
        return Future.succeededFuture(lastId);
      }
      return read(electionId, lastId, writers).map(further -> further != null ? further : lastId);
    });
  }

  /** The writer and number of an event not written as the trail writes them; null when unreadable. */
  private static ChainedAuditTrail.Link parsedLink(String json) {
    try {
      JsonObject e = new JsonObject(json);
      String w = e.getString("w");
      Long n = e.getLong("n");
      return w != null && n != null ? new ChainedAuditTrail.Link(w, n) : null;
    } catch (RuntimeException unreadable) {
      return null; // the verification reports it; the checkpoint keeps what it can read
    }
  }

  /** Where the checkpoint files are. */
  public java.nio.file.Path dir() {
    return log.dir();
  }

  /** A checkpoint with its exact line. */
  public record Kept(Checkpoint checkpoint, String line) {}

  /** The last checkpoint read of each election, with its file's version then: read again when the file changed. */
  private final java.util.Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

  private record Cached(String version, Optional<Kept> last) {}

  /** The election's last readable checkpoint. */
  public Future<Optional<Kept>> last(String electionId) {
    return offLoop.run(() -> {
      String version = log.version(electionId);
      Cached cached = cache.get(electionId);
      if (cached != null && cached.version().equals(version)) {
        return cached.last();
      }
      Optional<Kept> found = read(electionId);
      cache.put(electionId, new Cached(version, found));
      return found;
    });
  }

  private Optional<Kept> read(String electionId) {
    List<String> lines = log.lines(electionId);
    for (int i = lines.size() - 1; i >= 0; i--) {
      try {
        return Optional.of(new Kept(Checkpoint.parse(lines.get(i)), lines.get(i)));
      } catch (IllegalArgumentException e) {
        // a line cut by a crash while it was written: the one before holds
      }
    }
    return Optional.empty();
  }

  /** Every checkpoint line of the election, oldest first. */
  public Future<List<String>> lines(String electionId) {
    return offLoop.run(() -> new ArrayList<>(log.lines(electionId)));
  }

  /**
   * The election's latest checkpoint, as an anchor for the verification; a broken one when its signature does not
   * hold (the file was altered by someone without the key).
   */
  @Override
  public Future<Optional<ChainAnchor>> latest(String electionId) {
    return last(electionId).map(k -> k.map(kept -> {
      Checkpoint c = kept.checkpoint();
      if (!c.kid().equals(key.kid())) {
        return ChainAnchor.broken(c.label(), "it is signed by key " + c.kid() + ", not by this gateway's key "
            + key.kid() + ": the checkpoint file was altered, or the key changed");
      }
      if (!c.verifies(key.publicKey()) || !electionId.equals(c.election())) {
        return ChainAnchor.broken(c.label(), "its signature is invalid: the checkpoint file was altered");
      }
      return c.anchor();
    }));
  }
}
