package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /v1/notifications through the durable outbox to a provider (the dev outbox), and back as a status. */
class NotificationOutboxTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  static JsonObject loginCode(String to, String key) {
    return new JsonObject().put("channel", "sms").put("to", to).put("template", "login-code")
        .put("data", new JsonObject().put("code", "482913").put("codeSpoken", "4, 8, 2, 9, 1, 3").put("minutes", 5))
        .put("idempotencyKey", key);
  }

  @Test
  void acceptedNotificationIsSentAndItsAttemptsAreShown() {
    String to = TestGateway.randomPhone();
    Http.Res accepted = gw.http.post("/v1/notifications", PLATFORM, loginCode(to, UUID.randomUUID().toString()));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String id = accepted.json().getString("id");
    JsonObject status = gw.awaitNotification(id, "sent", "failed");
    assertThat(status.getString("status")).isEqualTo("sent");
    assertThat(status.getString("provider")).isEqualTo("dev-outbox");
    assertThat(status.getString("template")).isEqualTo("login-code");
    assertThat(status.getJsonArray("attempts")).hasSize(1);
    assertThat(status.getJsonArray("attempts").getJsonObject(0).getString("outcome")).isEqualTo("accepted");
    assertThat(status.encode()).doesNotContain(to.substring(3), "482913");
    assertThat(gw.outbox.last(to).message().text()).contains("482913");
  }

  @Test
  void theSameIdempotencyKeyGivesTheSameIdAndOneMessageEvenInParallel() {
    String to = TestGateway.randomPhone();
    String key = UUID.randomUUID().toString();
    Buffer body = Buffer.buffer(loginCode(to, key).encode());
    List<Future<Http.Res>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(gw.http.async(HttpMethod.POST, "/v1/notifications", PLATFORM, "application/json", body));
    }
    List<Http.Res> answers = gw.http.parallel(calls);
    assertThat(answers).extracting(Http.Res::status).containsOnly(202);
    assertThat(answers.stream().map(r -> r.json().getString("id")).distinct()).hasSize(1);
    gw.awaitNotification(answers.get(0).json().getString("id"), "sent", "failed");
    Http.Res later = gw.http.post("/v1/notifications", PLATFORM, loginCode(to, key));
    assertThat(later.json().getString("id")).isEqualTo(answers.get(0).json().getString("id"));
    assertThat(gw.outbox.list(to)).hasSize(1);
  }

  @Test
  void badRequestsAreRefusedAndQueueNothing() {
    String to = TestGateway.randomPhone();
    JsonObject good = loginCode(to, UUID.randomUUID().toString());
    JsonObject[] bad = {
        good.copy().put("channel", "fax"),
        good.copy().put("channel", "post"),
        good.copy().put("template", "nope"),
        good.copy().put("template", "access-codes"), // email only
        good.copy().put("to", "0612345678"),
        good.copy().put("lang", "de"),
        good.copy().put("data", new JsonObject().put("code", "1")),
        good.copy().put("data", good.getJsonObject("data").copy().put("extra", "x")),
        good.copy().put("data", good.getJsonObject("data").copy().put("code", new JsonObject())),
        good.copy().put("idempotencyKey", ""),
        good.copy().put("priority", "high"),
        good.copy().put("to", "+33899123456"), // premium rate
        good.copy().put("to", "+32470123456"), // a country the gateway does not serve
        good.copy().put("to", "+33144556677")}; // a fixed line cannot receive an SMS
    for (JsonObject b : bad) {
      Http.Res r = gw.http.post("/v1/notifications", PLATFORM, b);
      assertThat(r.status()).as(b.encode()).isEqualTo(400);
    }
    JsonObject noKey = good.copy();
    noKey.remove("idempotencyKey");
    assertThat(gw.http.post("/v1/notifications", PLATFORM, noKey).status()).isEqualTo(400);
    assertThat(gw.http.post("/v1/notifications", TestGateway.ADMIN, good).status()).isEqualTo(403);
    assertThat(gw.http.get("/v1/notifications/AAAAAAAAAAAAAAAAAAAAAA", PLATFORM).status()).isEqualTo(404);
    assertThat(gw.http.get("/v1/notifications/x", PLATFORM).status()).isEqualTo(404);
    assertThat(gw.outbox.list(to)).isEmpty();
  }

  @Test
  void aLetterNeedsAFrenchPostalAddressAndCarriesTheSecretCode() {
    String address = "Mme Chloé Bernard\n12 rue de la Paix\n75002 Paris " + UUID.randomUUID().toString().substring(0, 8);
    JsonObject letter = new JsonObject().put("channel", "post").put("template", "access-letter")
        .put("idempotencyKey", UUID.randomUUID().toString()).put("data", new JsonObject()
            .put("electionName", "CA 2026").put("identifier", "chloe").put("password", "7H3K-92QX")
            .put("url", "https://vote.example"));
    for (String bad : new String[] {"75002 Paris", "Mme X\nParis", "Mme X\n" + "x".repeat(39) + "\n75002 Paris",
        "a\nb\nc\nd\ne\nf\n75002 Paris"}) {
      assertThat(gw.http.post("/v1/notifications", PLATFORM, letter.copy().put("to", bad)).status()).as(bad)
          .isEqualTo(400);
    }
    Http.Res accepted = gw.http.post("/v1/notifications", PLATFORM, letter.copy().put("to", address));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(gw.awaitNotification(accepted.json().getString("id"), "sent", "failed").getString("status")).isEqualTo("sent");
    var sent = gw.outbox.last(address).message();
    assertThat(sent.subject()).isEqualTo("Vos codes d'accès au vote : CA 2026");
    assertThat(sent.text()).contains("Votre code secret : 7H3K-92QX");
  }

  @Test
  void contentIsPurgedAfter48HoursAndTheRecordAfter90Days() {
    String to = TestGateway.randomPhone();
    String id = gw.http.post("/v1/notifications", PLATFORM, loginCode(to, UUID.randomUUID().toString())).json()
        .getString("id");
    gw.awaitNotification(id, "sent", "failed");
    var redis = TestRedis.sync();
    assertThat(redis.exists("gw:{nt}:c:" + id)).isEqualTo(1);
    assertThat(redis.hgetall("gw:{nt}:c:" + id).values()).allSatisfy(v -> assertThat(v).doesNotContain(to));
    var start = gw.clock.instant();
    try {
      gw.clock.advance(Duration.ofHours(47));
      await(gw.gateway.outbox().retention().purge());
      assertThat(redis.exists("gw:{nt}:c:" + id)).isEqualTo(1);
      gw.clock.advance(Duration.ofHours(2));
      await(gw.gateway.outbox().retention().purge());
      assertThat(redis.exists("gw:{nt}:c:" + id)).isZero();
      assertThat(gw.http.get("/v1/notifications/" + id, PLATFORM).json().getString("status")).isEqualTo("sent");
      gw.clock.advance(Duration.ofDays(90));
      await(gw.gateway.outbox().retention().purge());
      assertThat(gw.http.get("/v1/notifications/" + id, PLATFORM).status()).isEqualTo(404);
      assertThat(redis.exists("gw:{nt}:n:" + id, "gw:{nt}:a:" + id)).isZero();
    } finally {
      gw.clock.set(start);
    }
  }
}
