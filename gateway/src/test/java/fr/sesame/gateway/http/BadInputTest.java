package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every bad input gets a 4xx problem+json with a stable type, and changes nothing: the voter's failure
 * count, the roll and the audit trail stay as they were.
 */
class BadInputTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();
  static final String el = gw.openElection();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** name, content type, body, expected status, expected problem type. */
  static Stream<Arguments> badLoginBodies() {
    byte[] invalidUtf8 = {'{', '"', 'i', 'd', 'e', 'n', 't', 'i', 'f', 'i', 'e', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    String big = "{\"identifier\":\"alice\",\"secret\":\"" + "x".repeat(70_000) + "\",\"channel\":\"sms\"}";
    return Stream.of(
        Arguments.of("malformed JSON", "application/json", bytes("{\"identifier\":"), 400, "validation-failed"),
        Arguments.of("a JSON array", "application/json", bytes("[]"), 400, "validation-failed"),
        Arguments.of("trailing garbage", "application/json", bytes("{\"identifier\":\"alice\"} x"), 400, "validation-failed"),
        Arguments.of("empty body", "application/json", new byte[0], 400, "validation-failed"),
        Arguments.of("wrong type", "application/json",
            bytes("{\"identifier\":\"alice\",\"secret\":20231234,\"channel\":\"sms\"}"), 400, "validation-failed"),
        Arguments.of("missing field", "application/json",
            bytes("{\"identifier\":\"alice\",\"channel\":\"sms\"}"), 400, "validation-failed"),
        Arguments.of("unknown field", "application/json",
            bytes("{\"identifier\":\"alice\",\"secret\":\"1\",\"channel\":\"sms\",\"admin\":true}"), 400, "validation-failed"),
        Arguments.of("duplicate field", "application/json",
            bytes("{\"identifier\":\"alice\",\"identifier\":\"bruno\",\"secret\":\"1\",\"channel\":\"sms\"}"), 400, "validation-failed"),
        Arguments.of("null field", "application/json",
            bytes("{\"identifier\":null,\"secret\":\"1\",\"channel\":\"sms\"}"), 400, "validation-failed"),
        Arguments.of("unknown channel", "application/json",
            bytes("{\"identifier\":\"alice\",\"secret\":\"1\",\"channel\":\"pigeon\"}"), 400, "validation-failed"),
        Arguments.of("post is no code channel", "application/json",
            bytes("{\"identifier\":\"alice\",\"secret\":\"1\",\"channel\":\"post\"}"), 400, "validation-failed"),
        Arguments.of("bad phone", "application/json",
            bytes("{\"identifier\":\"alice\",\"secret\":\"1\",\"channel\":\"sms\",\"phone\":\"0612\"}"), 400, "validation-failed"),
        Arguments.of("a phone of no country of the election", "application/json",
            bytes("{\"identifier\":\"alice\",\"secret\":\"1\",\"channel\":\"sms\",\"phone\":\"07911 123456\"}"), 400, "validation-failed"),
        Arguments.of("bad identifier", "application/json",
            bytes("{\"identifier\":\"al ice\",\"secret\":\"1\",\"channel\":\"sms\"}"), 400, "validation-failed"),
        Arguments.of("too long secret", "application/json",
            bytes("{\"identifier\":\"alice\",\"secret\":\"" + "1".repeat(65) + "\",\"channel\":\"sms\"}"), 400, "validation-failed"),
        Arguments.of("invalid UTF-8", "application/json", invalidUtf8, 400, "validation-failed"),
        Arguments.of("wrong content type", "text/plain",
            bytes("{\"identifier\":\"alice\",\"secret\":\"1\",\"channel\":\"sms\"}"), 415, "unsupported-media-type"),
        Arguments.of("no content type", null,
            bytes("{\"identifier\":\"alice\",\"secret\":\"1\",\"channel\":\"sms\"}"), 415, "unsupported-media-type"),
        Arguments.of("oversized body", "application/json", bytes(big), 413, "payload-too-large"));
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("badLoginBodies")
  void badLoginBodiesGetAProblemAndChangeNothing(String name, String contentType, byte[] body, int status,
                                                 String type) {
    long eventsBefore = auditEvents();
    Http.Res r = gw.http.call(HttpMethod.POST, "/v1/elections/" + el + "/login", null, contentType,
        Buffer.buffer(body));
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getString("type")).isEqualTo("/problems/" + type);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("instance")).startsWith("urn:request:");
    assertThat(r.body()).doesNotContain("Exception", "\tat ");
    assertThat(gw.status(el, "alice").json().getLong("failedAttempts")).isZero();
    assertThat(gw.outbox.list("+33612345678")).isEmpty();
    assertThat(auditEvents()).isEqualTo(eventsBefore);
  }

  @Test
  void badCodeShapeIsRejectedWithoutCountingAFailure() {
    String e = gw.openElection();
    Http.Res login = gw.login(e, "chloe", "4321", "sms");
    String path = "/v1/elections/" + e + "/login/" + login.json().getString("challengeId") + "/verify";
    for (String code : new String[] {"12345", "1234567", "abcdef", "12 345"}) {
      assertThat(gw.http.post(path, new JsonObject().put("code", code)).status()).as(code).isEqualTo(400);
    }
    assertThat(gw.http.post(path, new JsonObject().put("code", 123456)).status()).isEqualTo(400);
    assertThat(gw.status(e, "chloe").json().getLong("failedAttempts")).isZero();
    Http.Res garbage = gw.verify(e, "not-a-challenge", "123456");
    assertThat(garbage.status()).isEqualTo(404);
    assertThat(gw.status(e, "chloe").json().getLong("failedAttempts")).isZero();
  }

  @Test
  void badElectionDefinitionsAreRefusedAndStoreNothing() {
    String id = TestGateway.newElectionId();
    JsonObject good = TestGateway.electionBody(gw.clock.instant(), gw.clock.instant().plus(Duration.ofDays(1)));
    JsonObject[] bad = {
        good.copy().put("closesAt", good.getString("opensAt")),
        good.copy().put("opensAt", "tomorrow"),
        good.copy().put("opensAt", "2026-12-01T08:00:00"), // no offset
        good.copy().put("colleges", new io.vertx.core.json.JsonArray()),
        good.copy().put("colleges", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "c")
            .put("secretKind", "PASSWORD").put("otpChannels", new io.vertx.core.json.JsonArray().add("sms")))),
        good.copy().put("colleges", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "c")
            .put("secretKind", "SISCOL").put("otpChannels", new io.vertx.core.json.JsonArray().add("post")))),
        good.copy().put("colleges", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "c")
            .put("secretKind", "SISCOL").put("otpChannels", new io.vertx.core.json.JsonArray().add("sms"))
            .put("extra", 1))),
        good.copy().put("unknown", 1),
        good.copy().put("name", 42)};
    for (JsonObject body : bad) {
      Http.Res r = gw.http.put("/v1/admin/elections/" + id, ADMIN, body);
      assertThat(r.status()).as(body.encode()).isEqualTo(400);
    }
    assertThat(gw.http.put("/v1/admin/elections/bad%20id", ADMIN, good).status()).isEqualTo(400);
    assertThat(gw.http.get("/v1/admin/elections/" + id, ADMIN).status()).isEqualTo(404);
    assertThat(gw.http.put("/v1/admin/elections/" + id, ADMIN, good).status()).isEqualTo(201);
    assertThat(gw.http.put("/v1/admin/elections/" + id, ADMIN, good).status()).isEqualTo(200);
  }

  @Test
  void unknownRoutesAndMethodsAnswerProblems() {
    Http.Res missing = gw.http.get("/v1/nothing-here", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.contentType()).isEqualTo("application/problem+json");
    Http.Res method = gw.http.call(HttpMethod.DELETE, "/v1/elections/" + el + "/login", null, null, null);
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.contentType()).isEqualTo("application/problem+json");
    assertThat(gw.http.get("/dev/outbox", null).status()).as("no dev routes outside dev mode").isEqualTo(404);
  }

  @Test
  void badPlatformAndSupportInputs() {
    assertThat(gw.http.post("/v1/introspect", PLATFORM, new JsonObject()).status()).isEqualTo(400);
    assertThat(gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", 1)).status()).isEqualTo(400);
    assertThat(gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", "forged")).status()).isEqualTo(403);
    assertThat(gw.http.get("/v1/support/elections/" + el + "/voters/bad%20id", TestGateway.SUPPORT).status())
        .isEqualTo(404);
    Http.Res longReason = gw.http.post("/v1/support/elections/" + el + "/voters/alice/unlock", TestGateway.SUPPORT,
        new JsonObject().put("reason", "x".repeat(501)));
    assertThat(longReason.status()).isEqualTo(400);
  }

  @Test
  void healthAndMetrics() {
    assertThat(gw.http.get("/health/live", null).json().getString("status")).isEqualTo("UP");
    Http.Res ready = gw.http.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("redis")).isEqualTo("UP");
    gw.login(el, "nobody", "1", "sms");
    String metrics = gw.http.get("/metrics", null).body();
    assertThat(metrics).contains("sesame_logins_total{", "outcome=\"rejected\"", "sesame_http_requests_seconds_bucket{",
        "route=\"login\"");
  }

  private static long auditEvents() {
    return gw.http.get("/v1/admin/elections/" + el + "/audit/verify", ADMIN).json().getLong("events");
  }
}
