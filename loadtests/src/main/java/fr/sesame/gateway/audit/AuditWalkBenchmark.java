package fr.sesame.gateway.audit;

import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the gateway's own audit walks cost an event during the peak (issue 17, point 2): the integrity check's walk
 * ({@link ChainWalk}: the hash, the link, the émargements) and what a checkpoint reads of each event (its writer and
 * number), over {@value #EVENTS} events of opening-peak journeys (login.secret, otp.sent, login.code, session.start,
 * émargement) from 4 writers, as the trail writes them. The walk reads them from a store held in memory, so only the
 * gateway's CPU is measured, not Redis. Average time an event.
 *
 * <pre>
 * mvn -q -B -Pbench -pl loadtests -am package -DskipTests
 * java -jar loadtests/target/benchmarks.jar AuditWalkBenchmark
 * </pre>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuditWalkBenchmark {
  static final int EVENTS = 10_000;
  private static final String ELECTION = "opening-peak";
  private final List<AuditStore.Stored> stored = new ArrayList<>(EVENTS);
  private final AuditStore store = new InMemory();

  public AuditWalkBenchmark() {
    Instant at = Instant.parse("2026-11-30T07:40:00.123456Z");
    String[] writers = {"abcd1234-3-g0", "abcd1234-3-g1", "ef015678-1-g0", "ef015678-1-g1"};
    long[] seqs = new long[writers.length];
    String[] heads = {"", "", "", ""};
    for (int i = 0; stored.size() < EVENTS; i++) {
      String voter = "voter:" + Long.toString(0x5DEECE66DL * (i + 1) & 0xFFFFFFFFFFFL, 36);
      String session = String.format("%024x", (long) i * 0x9E3779B97F4A7C15L);
      List<AuditEvent> journey = List.of(
          AuditEvent.of(at, "login.secret", voter, "10.1.2.3", "success", "channel", "sms"),
          AuditEvent.of(at, "otp.sent", voter, "10.1.2.3", "queued", "channel", "sms", "notification",
              "n-0123456789abcdef", "challenge", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd"),
          AuditEvent.of(at, "login.code", voter, "10.1.2.3", "success"),
          AuditEvent.of(at, "session.start", voter, "10.1.2.3", "success", "session", session, "college", "c1"),
          AuditEvent.of(at, "emargement", "key:platform", "10.9.9.9", "recorded", "voter", voter.substring(6),
              "session", session));
      int w = i % writers.length;
      for (AuditEvent e : journey) {
        if (stored.size() == EVENTS) {
          break;
        }
        String text = ChainedAuditTrail.canonical(writers[w], ++seqs[w], heads[w], ELECTION, e);
        heads[w] = ChainedAuditTrail.sha256(text);
        stored.add(new AuditStore.Stored((1_764_571_200_000L + stored.size()) + "-0", text, heads[w]));
      }
    }
  }

  /** The integrity check's walk over every event, from the start (one page of 1,000 after the other). */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public ChainWalk.Step walk() {
    ChainWalk walk = new ChainWalk(store, ELECTION, true);
    ChainWalk.Step step = walk.advance(Integer.MAX_VALUE, null, null).result();
    if (step.read() != EVENTS || !step.problems().isEmpty() || step.emargements().size() != EVENTS / 5) {
      throw new IllegalStateException("the walk did not verify every event: " + step);
    }
    return step;
  }

  /** What a checkpoint took of each event before: the text parsed whole for its writer and number. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void checkpointParsed(Blackhole out) {
    for (AuditStore.Stored s : stored) {
      JsonObject e = new JsonObject(s.json());
      out.consume(e.getString("w"));
      out.consume(e.getLong("n"));
    }
  }

  /** What it takes now: the writer and number read from the text's start ({@link ChainedAuditTrail#link}). */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void checkpointLink(Blackhole out) {
    for (AuditStore.Stored s : stored) {
      out.consume(ChainedAuditTrail.link(s.json()));
    }
  }

  /** The events in memory: pages of the stream as Redis's XRANGE gives them, nothing else. */
  private final class InMemory implements AuditStore {
    @Override
    public Future<List<Stored>> range(String electionId, String afterId, int count) {
      int from = 0;
      if (!"-".equals(afterId)) {
        while (from < stored.size() && !stored.get(from).id().equals(afterId)) {
          from++;
        }
        from++;
      }
      return Future.succeededFuture(stored.subList(Math.min(from, stored.size()),
          Math.min(from + count, stored.size())));
    }

    @Override
    public Future<Boolean> append(String electionId, String writer, String expectedHead, List<String> pairs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<Stored>> before(String electionId, String beforeId, int count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<Stored>> alertsAfter(String electionId, String afterId, int count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<Stored>> alertsBefore(String electionId, String beforeId, int count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Map<String, String>> heads(String electionId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> addIncidents(String electionId, List<String> eventJson) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<String>> incidents(String electionId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Set<String>> elections() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Boolean> checkpointLease(String holder, long ms) {
      throw new UnsupportedOperationException();
    }
  }
}
