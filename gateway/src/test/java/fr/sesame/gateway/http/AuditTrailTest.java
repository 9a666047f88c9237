package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static fr.sesame.gateway.support.TestGateway.SUPPORT;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.AuditStreams;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail: every action, no secret, and any change to it shows. */
class AuditTrailTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  private static List<JsonObject> events(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/x-ndjson");
    return Arrays.stream(r.body().split("\n")).filter(s -> !s.isBlank()).map(JsonObject::new).toList();
  }

  private static JsonObject verify(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit/verify", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  /** A whole journey plus failures, a lock and an unlock. @return the session token and the code, to look for */
  private static String[] journey(String el) {
    gw.login(el, "alice", "00000000", "sms");
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    String code = gw.lastCode("+33612345678");
    String token = gw.verify(el, login.json().getString("challengeId"), code).json().getString("sessionToken");
    gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", token));
    gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM, new JsonObject().put("sessionToken", token));
    gw.http.post("/v1/sessions/logout", new JsonObject().put("sessionToken", token));
    for (int i = 0; i < 5; i++) {
      gw.login(el, "chloe", "0000", "sms");
    }
    gw.http.post("/v1/support/elections/" + el + "/voters/chloe/unlock", SUPPORT,
        new JsonObject().put("reason", "checked"));
    return new String[] {token, code};
  }

  @Test
  void recordsEveryActionWithoutSecretsCodesTokensOrContacts() {
    String el = gw.openElection();
    String[] secrets = journey(el);
    List<JsonObject> events = events(el);
    List<String> types = events.stream().map(e -> e.getJsonObject("event").getString("type")).toList();
    assertThat(types).contains("election.put", "roll.import", "login.secret", "otp.sent", "login.code",
        "session.start", "emargement", "session.end", "account.lock", "voter.unlock");
    JsonObject failure = events.stream().map(e -> e.getJsonObject("event"))
        .filter(e -> e.getString("type").equals("login.secret") && e.getString("outcome").equals("rejected"))
        .findFirst().orElseThrow();
    assertThat(failure.getString("actor")).startsWith("voter:");
    assertThat(failure.getString("ip")).isEqualTo("127.0.0.1");
    assertThat(failure.getString("t")).isEqualTo(gw.clock.instant().toString());
    JsonObject unlock = events.stream().map(e -> e.getJsonObject("event"))
        .filter(e -> e.getString("type").equals("voter.unlock")).findFirst().orElseThrow();
    assertThat(unlock.getString("actor")).startsWith("key:support/");
    assertThat(unlock.getJsonObject("d").getString("reason")).isEqualTo("checked");

    String all = gw.http.get("/v1/admin/elections/" + el + "/audit", ADMIN).body();
    assertThat(all).doesNotContain(secrets[0], "20231234", "+33612345678", "alice.martin", "alice\"");
    // short values (a 4-digit secret, a 6-digit code) may appear by chance inside hashes: look without them
    for (JsonObject e : events) {
      JsonObject event = e.getJsonObject("event").copy();
      event.remove("prev");
      event.remove("w");
      if (event.getJsonObject("d") != null) {
        event.getJsonObject("d").remove("session"); // random hex
      }
      assertThat(event.encode()).doesNotContain("4321", secrets[1]);
    }
    assertThat(verify(el).getBoolean("valid")).isTrue();
  }

  @Test
  void verificationFindsAnAlteredEvent() {
    String el = gw.openElection();
    journey(el);
    String victim = AuditStreams.rewrite(TestRedis.sync(), el, json -> json.contains("\"type\":\"account.lock\"")
        ? json.replace("\"outcome\":\"locked\"", "\"outcome\":\"rejected\"") : json, false);
    JsonObject v = verify(el);
    assertThat(v.getBoolean("valid")).isFalse();
    assertThat(v.getJsonObject("brokenAt").getString("id")).isEqualTo(victim);
    assertThat(v.getJsonObject("brokenAt").getString("reason")).contains("altered");
  }

  @Test
  void verificationFindsAnAlteredEventWhoseHashWasRecomputed() {
    String el = gw.openElection();
    journey(el);
    AuditStreams.rewrite(TestRedis.sync(), el, e -> e.contains("\"type\":\"emargement\"")
        ? e.replace("\"outcome\":\"recorded\"", "\"outcome\":\"already-voted\"") : e, true);
    JsonObject v = verify(el);
    assertThat(v.getBoolean("valid")).isFalse();
    assertThat(v.getJsonObject("brokenAt").getString("reason")).contains("link to the previous event");
  }

  @Test
  void verificationNamesAnEventRewrittenAsSomethingElseThanJsonWithItsHash() {
    String el = gw.openElection();
    journey(el);
    String third = TestRedis.sync().xrange(RedisKeys.audit(el), Range.create("-", "+")).get(2).getBody().get("e");
    String victim = AuditStreams.rewrite(TestRedis.sync(), el, e -> e.equals(third) ? "not JSON: " + e : e, true);
    JsonObject v = verify(el);
    assertThat(v.getBoolean("valid")).isFalse();
    assertThat(v.getJsonObject("brokenAt").getString("id")).isEqualTo(victim);
    assertThat(v.getJsonObject("brokenAt").getString("reason")).isEqualTo("the event is not JSON");
  }

  @Test
  void verificationFindsARemovedEventAndACutTail() {
    String el = gw.openElection();
    journey(el);
    var redis = TestRedis.sync();
    List<StreamMessage<String, String>> all = redis.xrange(RedisKeys.audit(el), Range.create("-", "+"));
    // remove one in the middle of the voter-side writer's chain
    StreamMessage<String, String> middle = all.get(all.size() / 2);
    redis.xdel(RedisKeys.audit(el), middle.getId());
    JsonObject v = verify(el);
    assertThat(v.getBoolean("valid")).isFalse();
    assertThat(v.getJsonObject("brokenAt").getString("reason")).containsAnyOf("missing", "link");

    String el2 = gw.openElection();
    journey(el2);
    List<StreamMessage<String, String>> all2 = redis.xrange(RedisKeys.audit(el2), Range.create("-", "+"));
    redis.xdel(RedisKeys.audit(el2), all2.get(all2.size() - 1).getId());
    JsonObject v2 = verify(el2);
    assertThat(v2.getBoolean("valid")).isFalse();
    assertThat(v2.getJsonObject("brokenAt").getString("reason")).contains("end of this writer's chain");
  }

  @Test
  void chainsHoldWhenTwoGatewayInstancesWriteAtOnce() {
    String el = gw.openElection();
    try (TestGateway other = new TestGateway(2)) {
      List<Future<Http.Res>> calls = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        Http http = i % 2 == 0 ? gw.http : other.http;
        calls.add(http.async(HttpMethod.POST, "/v1/elections/" + el + "/login", null, "application/json",
            Buffer.buffer(new JsonObject().put("identifier", "u" + i).put("secret", "x").put("channel", "sms")
                .encode())));
      }
      gw.http.parallel(calls);
    }
    JsonObject v = verify(el);
    assertThat(v.getBoolean("valid")).as(v.encode()).isTrue();
    assertThat(v.getLong("events")).isEqualTo(62); // election.put, roll.import, 60 failed logins
    assertThat(v.getInteger("writers")).isGreaterThanOrEqualTo(2);
  }
}
