package fr.sesame.gateway.audit;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A journey's audit events (login.secret, otp.sent, login.code, session.start, émargement) as the chain stores them:
 * the canonical text and its SHA-256, through Vert.x's codec before ({@link ChainedAuditTrail#canonicalByCodec}) and
 * written directly after ({@link ChainedAuditTrail#canonical}). Average time per journey. Run with
 * {@code JourneyCodecBenchmark} (see there).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuditTextBenchmark {
  private final Instant at = Instant.parse("2026-11-30T07:40:00.123456Z");
  private final String actor = "voter:AbCdEfGhIjKlMnOpQrStUv";
  private final List<AuditEvent> events = List.of(
      AuditEvent.of(at, "login.secret", actor, "10.1.2.3", "success", "channel", "sms"),
      AuditEvent.of(at, "otp.sent", actor, "10.1.2.3", "queued", "channel", "sms", "notification",
          "n-0123456789abcdef", "challenge", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd"),
      AuditEvent.of(at, "login.code", actor, "10.1.2.3", "success"),
      AuditEvent.of(at, "session.start", actor, "10.1.2.3", "success", "session", "0123456789abcdef01234567",
          "college", "c1"),
      AuditEvent.of(at, "emargement", "key:platform", "10.9.9.9", "recorded", "voter", "AbCdEfGhIjKlMnOpQrStUv",
          "session", "0123456789abcdef01234567"));
  private long seq;
  private String head = "";

  @Benchmark
  public String before() {
    for (AuditEvent e : events) {
      head = ChainedAuditTrail.sha256(ChainedAuditTrail.canonicalByCodec("abcd1234-3-g0", ++seq, head, "opening-peak", e));
    }
    return head;
  }

  @Benchmark
  public String after() {
    for (AuditEvent e : events) {
      head = ChainedAuditTrail.sha256(ChainedAuditTrail.canonical("abcd1234-3-g0", ++seq, head, "opening-peak", e));
    }
    return head;
  }
}
