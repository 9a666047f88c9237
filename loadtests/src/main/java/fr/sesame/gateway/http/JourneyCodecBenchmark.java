package fr.sesame.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.sesame.gateway.domain.JsonText;
import fr.sesame.gateway.http.problem.FailureHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
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
 * What a voter journey (login, verify, 2 introspections, émargement) spends in the request-edge work that issue 17
 * point 2 changed, before ({@code *Before}: the code as it was, copied here) and after ({@code *After}: the
 * gateway's code), each benchmark one journey's worth: its 5 request bodies read, its 5 JSON answers written, its 5
 * access-log durations and request ids, its login code drawn. Single-threaded, average time per journey; the two
 * run in the same JVM, one after the other, so a busy machine slows both.
 *
 * <p>Run: {@code mvn -q -B -Pbench -pl loadtests -am package -DskipTests && java -jar
 * loadtests/target/benchmarks.jar 'JourneyCodecBenchmark|AuditTextBenchmark'}
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JourneyCodecBenchmark {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<String> LOGIN = Set.of("identifier", "secret", "channel", "phone", "lang");
  private static final Set<String> VERIFY = Set.of("code");
  private static final Set<String> TOKEN = Set.of("token");
  private static final Set<String> EMARGE = Set.of("sessionToken", "voterIp");
  private static final String SESSION = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123";
  private final Buffer login = Buffer.buffer("{\"identifier\":\"v0001234567\",\"secret\":\"20231234\",\"channel\":\"sms\"}");
  private final Buffer verify = Buffer.buffer("{\"code\":\"123456\"}");
  private final Buffer introspect = Buffer.buffer("{\"token\":\"" + SESSION + "\"}");
  private final Buffer emarge = Buffer.buffer("{\"sessionToken\":\"" + SESSION + "\"}");
  private final SecureRandom drbg = drbg();
  private final fr.sesame.gateway.crypto.RandomTokens tokens = new fr.sesame.gateway.crypto.RandomTokens();
  private long nanos = 1_234_567;

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG", java.security.DrbgParameters.instantiation(256,
          java.security.DrbgParameters.Capability.RESEED_ONLY, "sesame".getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JsonInput before: the body decoded, read as a tree, its names checked, a field read from the tree. */
  private static String treeField(Buffer body, Set<String> allowed, String field) throws Exception {
    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
    JsonNode node = MAPPER.readTree(text);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      if (!allowed.contains(it.next())) {
        throw new IllegalStateException();
      }
    }
    return node.get(field).textValue();
  }

  @Benchmark
  public int requestsBefore() throws Exception {
    return treeField(login, LOGIN, "identifier").length() + treeField(verify, VERIFY, "code").length()
        + treeField(introspect, TOKEN, "token").length() + treeField(introspect, TOKEN, "token").length()
        + treeField(emarge, EMARGE, "sessionToken").length();
  }

  @Benchmark
  public int requestsAfter() {
    return JsonInput.parse(login, LOGIN).string("identifier", 128).length()
        + JsonInput.parse(verify, VERIFY).string("code", 16).length()
        + JsonInput.parse(introspect, TOKEN).string("token", 128).length()
        + JsonInput.parse(introspect, TOKEN).string("token", 128).length()
        + JsonInput.parse(emarge, EMARGE).string("sessionToken", 128).length();
  }

  private static JsonObject[] answers() {
    return new JsonObject[] {
        new JsonObject().put("challengeId", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd").put("channel", "sms")
            .put("destination", "+33 6 •• •• •• 78").put("expiresInSeconds", 300L),
        new JsonObject().put("sessionToken", SESSION).put("expiresInSeconds", 900L),
        new JsonObject().put("active", true).put("electionId", "opening-peak").put("voterId", "AbCdEfGhIjKlMnOpQrStUv")
            .put("college", "c1").put("exp", 1_796_000_000L),
        new JsonObject().put("active", true).put("electionId", "opening-peak").put("voterId", "AbCdEfGhIjKlMnOpQrStUv")
            .put("college", "c1").put("exp", 1_796_000_000L),
        new JsonObject().put("votedAt", "2026-11-30T07:40:00.123Z")};
  }

  @Benchmark
  public int answersBefore() {
    int n = 0;
    for (JsonObject o : answers()) {
      n += o.encode().length();
    }
    return n;
  }

  @Benchmark
  public int answersAfter() {
    int n = 0;
    for (JsonObject o : answers()) {
      n += JsonText.encode(o).length();
    }
    return n;
  }

  /** The access log's duration and the request id, for each of the 5 requests. */
  @Benchmark
  public int requestEdgeBefore() {
    int n = 0;
    for (int i = 0; i < 5; i++) {
      n += String.format(Locale.ROOT, "%.1f", (nanos += 1_337) / 1e6).length() + UUID.randomUUID().toString().length();
    }
    return n;
  }

  @Benchmark
  public int requestEdgeAfter() {
    int n = 0;
    for (int i = 0; i < 5; i++) {
      n += ApiRouter.millis(nanos += 1_337).length() + FailureHandler.newRequestId().length();
    }
    return n;
  }

  /** The login code: one DRBG draw a digit before. */
  @Benchmark
  public String codeBefore() {
    StringBuilder sb = new StringBuilder(6);
    for (int i = 0; i < 6; i++) {
      sb.append((char) ('0' + drbg.nextInt(10)));
    }
    return sb.toString();
  }

  @Benchmark
  public String codeAfter() {
    return tokens.digits(6);
  }
}
