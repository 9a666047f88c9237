package fr.sesame.gateway.audit;

import fr.sesame.gateway.domain.JsonText;
import fr.sesame.gateway.store.AuditStore;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tamper-evident audit trail: every event carries its writer, a sequence number and the SHA-256 of the
 * writer's previous event, and is stored with its own SHA-256. Altering an event breaks its hash; removing
 * one breaks the next event's link; cutting the tail breaks the writer's stored head.
 *
 * <p>Each thread that records through an instance is one writer per election, with a chain of its own:
 * chains are linear per writer, so any number of threads and gateway instances may write at once without
 * coordination, and each thread's appends reach Redis in its order (each event loop has its own Redis
 * connection). One trail serves every HTTP event loop. If an append fails, the writer starts a new chain (a
 * new writer name) so that a lost write never looks like tampering; a failed append is not written again
 * (it may have been applied), the failure goes to the caller.
 *
 * <p><b>Group commit.</b> On an event loop, the events a writer records for one election during one turn of its
 * loop go to Redis in <em>one</em> append, sent at the end of the turn: under load, the requests whose Redis answers
 * came in one read (a loop's connection delivers many at once) share an append, so the audit costs fewer commands a
 * journey the busier the gateway is (one a request when it is quiet). Each caller still completes only once its own
 * events are written, and a failed append fails every caller that shared it, as it would have failed each alone.
 * Off an event loop (a worker), each record is appended at once.
 */
public final class ChainedAuditTrail implements AuditTrail {
  private static final String PROCESS = UUID.randomUUID().toString().substring(0, 8);
  private static final AtomicInteger WRITERS = new AtomicInteger();

  /**
   * The audit events that are security incidents: they also go to the election's incident log (issue 16, point 4).
   */
  public static final java.util.Set<String> INCIDENTS = java.util.Set.of("alert.mass-lockout", "fraud.breaker.trip",
      "integrity.alert", "incident.record", "election.unseal");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChainedAuditTrail.class);
  private final AuditStore store;
  private final ThreadLocal<Writer> writers = ThreadLocal.withInitial(
      () -> new Writer(PROCESS + "-" + WRITERS.incrementAndGet()));

  /** One thread's chains; locked, as a failed append's clean-up may run on Redis's reply thread. */
  private static final class Writer {
    final String base;
    final Map<String, Chain> chains = new HashMap<>();
    /** The append being gathered this loop turn, by election: sent at the end of the turn. */
    final Map<String, Batch> open = new HashMap<>();
    int generation;

    Writer(String base) {
      this.base = base;
    }
  }

  private static final class Chain {
    final String writer;
    long seq;
    String head = "";

    Chain(String writer) {
      this.writer = writer;
    }
  }

  /** One append's events, from one or more callers, linked after {@code expected} on {@code chain}. */
  private static final class Batch {
    final Chain chain;
    final String expected;
    final List<String> args = new ArrayList<>();
    final io.vertx.core.Promise<Boolean> written = io.vertx.core.Promise.promise();

    Batch(Chain chain, String expected) {
      this.chain = chain;
      this.expected = expected;
    }
  }

  public ChainedAuditTrail(AuditStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> record(String electionId, List<AuditEvent> events) {
    return append(electionId, events, true);
  }

  private Future<Void> append(String electionId, List<AuditEvent> events, boolean mayRetry) {
    Writer w = writers.get();
    io.vertx.core.Context loop = Vertx.currentContext();
    boolean gather = loop != null && loop.isEventLoopContext() && Context.isOnEventLoopThread();
    Chain chain;
    Batch batch;
    boolean first;
    List<String> args = new ArrayList<>(events.size() * 2);
    synchronized (w) {
      chain = w.chains.computeIfAbsent(electionId, k -> new Chain(w.base + "-g" + w.generation++));
      batch = gather ? w.open.get(electionId) : null;
      first = batch == null || batch.chain != chain;
      if (first) {
        batch = new Batch(chain, chain.head);
        if (gather) {
          w.open.put(electionId, batch);
        }
      }
      for (AuditEvent e : events) {
        String json = canonical(chain.writer, ++chain.seq, chain.head, electionId, e);
        String hash = sha256(json);
        args.add(json);
        args.add(hash);
        chain.head = hash;
      }
      batch.args.addAll(args);
    }
    if (first) {
      Batch b = batch;
      if (gather) {
        loop.runOnContext(v -> send(w, electionId, b)); // after the turn's other records joined it
      } else {
        send(w, electionId, b);
      }
    }
    return batch.written.future()
        .recover(err -> {
          // The append failed, yet Redis may have applied it (a timeout, or a write its replicas did not
          // confirm): writing the events again would record them twice. The request fails as the store did
          // (503, retried by the client), and this writer's next events start a fresh chain.
          synchronized (w) {
            if (w.chains.get(electionId) == chain) {
              w.chains.remove(electionId);
            }
          }
          return Future.failedFuture(err);
        })
        .compose(ok -> {
          if (ok) {
            return incidents(electionId, events, args);
          }
          // An earlier append of this chain failed: start a fresh chain and write these events there.
          synchronized (w) {
            if (w.chains.get(electionId) == chain) {
              w.chains.remove(electionId);
            }
          }
          return mayRetry ? append(electionId, events, false)
              : Future.failedFuture(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE,
                  "the audit trail could not be written"));
        });
  }

  private void send(Writer w, String electionId, Batch b) {
    synchronized (w) {
      if (w.open.get(electionId) == b) {
        w.open.remove(electionId);
      }
    }
    store.append(electionId, b.chain.writer, b.expected, b.args).onComplete(b.written);
  }

  /**
   * Copies the incidents among the events appended to the election's incident log. The chain has them already: a
   * failure here is logged, and does not fail the action (the log can be rebuilt from the chain).
   */
  private Future<Void> incidents(String electionId, List<AuditEvent> events, List<String> args) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (INCIDENTS.contains(events.get(i).type())) {
        found.add(args.get(2 * i));
      }
    }
    if (found.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.addIncidents(electionId, found).recover(e -> {
      LOG.warn("election {}: {} incident(s) audited but not added to the incident log ({})", electionId,
          found.size(), e.getClass().getSimpleName());
      return Future.succeededFuture();
    });
  }

  /**
   * The exact text that is hashed and stored. Field order is fixed. Written directly ({@link JsonText}), character
   * for character as {@link #canonicalByCodec} writes it; a detail of a type {@link JsonText} does not write (none
   * of today's events has one) goes through the codec.
   */
  static String canonical(String writer, long seq, String prev, String electionId, AuditEvent e) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"w\":");
    JsonText.string(sb, writer).append(",\"n\":").append(seq).append(",\"prev\":");
    JsonText.string(sb, prev).append(",\"t\":");
    JsonText.string(sb, e.at().toString()).append(",\"el\":");
    JsonText.string(sb, electionId).append(",\"type\":");
    JsonText.string(sb, e.type()).append(",\"actor\":");
    JsonText.string(sb, e.actor()).append(",\"ip\":");
    JsonText.string(sb, e.ip()).append(",\"outcome\":");
    JsonText.string(sb, e.outcome());
    if (!e.details().isEmpty()) {
      sb.append(",\"d\":");
      if (!JsonText.object(sb, e.details())) {
        return canonicalByCodec(writer, seq, prev, electionId, e);
      }
    }
    return sb.append('}').toString();
  }

  /** An event's writer and its number in the writer's chain. */
  public record Link(String writer, long seq) {}

  /**
   * The writer and number of an event, read from the start of its text as {@link #canonical} writes it
   * ({@code {"w":"<writer>","n":<digits>,}, the text ending in {@code }}) without parsing the rest: what a checkpoint
   * takes of every event. Null when the text is not so (a writer's name with an escape, an event rewritten by hand):
   * parse it whole then. A text rewritten by hand that starts and ends so but reads otherwise whole (a second
   * {@code "w"} further on, a broken middle) is read by its start; the verification reports such an event.
   */
  public static Link link(String json) {
    if (!json.startsWith("{\"w\":\"") || !json.endsWith("}")) {
      return null;
    }
    int close = json.indexOf('"', 6);
    if (close < 0 || json.lastIndexOf('\\', close) >= 6) {
      return null;
    }
    int i = close + 1;
    if (!json.startsWith(",\"n\":", i)) {
      return null;
    }
    int first = i += 5;
    long n = 0;
    for (; i < json.length() && i - first < 18; i++) { // at most 18 digits: no overflow
      char c = json.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      n = n * 10 + (c - '0');
    }
    boolean number = i > first && (json.charAt(first) != '0' || i == first + 1); // JSON has no leading zero
    if (!number || i >= json.length() || json.charAt(i) != ',') {
      return null;
    }
    return new Link(json.substring(6, close), n);
  }

  /** The canonical text as Vert.x's codec writes it: the reference of {@link #canonical}. */
  static String canonicalByCodec(String writer, long seq, String prev, String electionId, AuditEvent e) {
    JsonObject json = new JsonObject()
        .put("w", writer).put("n", seq).put("prev", prev)
        .put("t", e.at().toString()).put("el", electionId)
        .put("type", e.type()).put("actor", e.actor()).put("ip", e.ip()).put("outcome", e.outcome());
    if (!e.details().isEmpty()) {
      json.put("d", new JsonObject(new java.util.LinkedHashMap<>(e.details())));
    }
    return json.encode();
  }

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private static final HexFormat HEX = HexFormat.of();

  static String sha256(String text) {
    return HEX.formatHex(SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
