package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.support.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery reports: OVH accepts an SMS, then reports it undelivered; the notification goes on to Mailjet
 * SMS. A delivered report makes it final. Webhooks answer only to their provider's secret token.
 */
class DeliveryReportTest {
  static final String TOKEN = "ovh-webhook-secret-0123456789";
  static final List<String> ovhTo = new CopyOnWriteArrayList<>();
  static final List<String> mailjetTo = new CopyOnWriteArrayList<>();
  static final List<String> mailjetText = new CopyOnWriteArrayList<>();
  static final List<String> ovhText = new CopyOnWriteArrayList<>();
  static TestGateway test;
  static final AtomicInteger ovhIds = new AtomicInteger(5000);
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer fake = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.path().endsWith("/auth/time")) {
        req.response().end(Long.toString(Instant.now().getEpochSecond()));
      } else if (req.path().endsWith("/jobs")) {
        String to = new JsonObject(body.toString()).getJsonArray("receivers").getString(0);
        // the text first: a test that sees the recipient reads the text at the same index
        ovhText.add(new JsonObject(body.toString()).getString("message"));
        ovhTo.add(to);
        req.response().putHeader("Content-Type", "application/json").end("{\"ids\":[" + ovhIds.incrementAndGet()
            + "],\"validReceivers\":[\"" + to + "\"],\"invalidReceivers\":[]}");
      } else {
        mailjetText.add(new JsonObject(body.toString()).getString("Text"));
        mailjetTo.add(new JsonObject(body.toString()).getString("To"));
        req.response().putHeader("Content-Type", "application/json").end("{\"MessageId\":\"mj-1\"}");
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    String base = "http://127.0.0.1:" + fake.actualPort();
    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of("sms", Map.of("chain", List.of("ovh", "mailjet-sms"),
        "providers", Map.of(
            "ovh", Map.of("type", "ovh-sms", "endpoint", base + "/1.0", "serviceName", "sms-t-1", "sender", "S"),
            "mailjet-sms", Map.of("type", "mailjet-sms", "baseUrl", base, "sender", "SESAME")))),
        Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "a", "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "b",
            "SESAME_PROVIDER_OVH_CONSUMER_KEY", "c", "SESAME_PROVIDER_OVH_WEBHOOK_TOKEN", TOKEN,
            "SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "t"));
    test = TestGateway.withProviders(1, channels);
  }

  @AfterAll
  static void stop() {
    test.close();
    vertx.close();
  }

  static String phone() {
    return "+3361" + String.format("%07d", Math.floorMod(UUID.randomUUID().hashCode(), 10_000_000));
  }

  static String send(String to) {
    return test.http.post("/v1/notifications", PLATFORM, new JsonObject().put("channel", "sms").put("to", to)
        .put("template", "login-code").put("idempotencyKey", UUID.randomUUID().toString())
        .put("data", new JsonObject().put("code", "1").put("codeSpoken", "1").put("minutes", 5))).json().getString("id");
  }

  static String ovhId() {
    return Integer.toString(ovhIds.get());
  }

  @Test
  void anUndeliveredReportMovesTheMessageToTheNextProvider() {
    String to = phone();
    String id = send(to);
    test.http.awaitNotification(PLATFORM, id, "sent");
    assertThat(ovhTo).contains(to);
    String ovhMessage = ovhId();
    Http.Res report = test.http.get("/v1/webhooks/ovh/" + TOKEN + "?id=" + ovhMessage + "&ptt=5&description=2"
        + "&descriptionDlr=Failed", null);
    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(report.json().getInteger("applied")).isEqualTo(1);

    JsonObject status = test.http.awaitNotification(PLATFORM, id, "sent");
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!"mailjet-sms".equals(status.getString("provider")) && System.nanoTime() < until) {
      status = test.http.get("/v1/notifications/" + id, PLATFORM).json();
    }
    assertThat(status.getString("provider")).isEqualTo("mailjet-sms");
    assertThat(mailjetTo).contains(to);
    JsonArray attempts = status.getJsonArray("attempts");
    assertThat(attempts.stream().map(a -> ((JsonObject) a).getString("provider") + ":"
        + ((JsonObject) a).getString("outcome"))).containsExactly("ovh:accepted",
            "ovh:not-delivered: OVH DLR 2 (ptt 5)", "mailjet-sms:accepted");

    // the same report again (providers retry webhooks) changes nothing
    assertThat(test.http.get("/v1/webhooks/ovh/" + TOKEN + "?id=" + ovhMessage + "&ptt=5&description=2", null)
        .json().getInteger("applied")).isZero();
    assertThat(test.http.get("/v1/notifications/" + id, PLATFORM).json().getString("provider")).isEqualTo("mailjet-sms");
  }

  @Test
  void aLoginCodeReportedUndeliveredReachesTheVoterThroughTheNextProviderUnchanged() {
    String el = TestGateway.newElectionId();
    test.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
        test.clock.instant().minus(Duration.ofDays(1)), test.clock.instant().plus(Duration.ofDays(1))));
    String phone = phone();
    test.http.postRaw("/v1/admin/elections/" + el + "/voters", TestGateway.ADMIN, "text/csv", String.join("\n",
        "identifier,college,lastName,firstName,birthDate,email,phone,secret",
        "zoe,personnels,Z,Z,,," + phone + ",1234").getBytes());
    Http.Res login = test.http.post("/v1/elections/" + el + "/login",
        new JsonObject().put("identifier", "zoe").put("secret", "1234").put("channel", "sms"));
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    assertThat(ovhTo).contains(phone); // the local dispatcher sent it before the answer
    String firstText = ovhText.get(ovhTo.lastIndexOf(phone));

    // OVH: not delivered (say the phone was off and the message expired)
    Http.Res report = test.http.get("/v1/webhooks/ovh/" + TOKEN + "?id=" + ovhId() + "&description=16", null);
    assertThat(report.json().getInteger("applied")).isEqualTo(1);
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!mailjetTo.contains(phone) && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(mailjetTo).as("the code went on to Mailjet SMS").contains(phone);
    String secondText = mailjetText.get(mailjetTo.lastIndexOf(phone));
    assertThat(secondText).as("the same code across fallbacks").isEqualTo(firstText);

    String code = secondText.replaceAll(".*est (\\d{6}).*", "$1");
    Http.Res verify = test.http.post("/v1/elections/" + el + "/login/" + login.json().getString("challengeId")
        + "/verify", new JsonObject().put("code", code));
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
  }

  @Test
  void aDeliveredReportMakesItFinal() {
    String id = send(phone());
    test.http.awaitNotification(PLATFORM, id, "sent");
    Http.Res report = test.http.get("/v1/webhooks/ovh/" + TOKEN + "?id=" + ovhId() + "&description=1", null);
    assertThat(report.json().getInteger("applied")).isEqualTo(1);
    JsonObject status = test.http.awaitNotification(PLATFORM, id, "delivered");
    assertThat(status.getString("provider")).isEqualTo("ovh");
  }

  @Test
  void webhooksAnswerOnlyToTheirToken() {
    String id = send(phone());
    test.http.awaitNotification(PLATFORM, id, "sent");
    String mid = ovhId();
    for (String path : List.of("/v1/webhooks/ovh/wrong-token-wrong-token?id=" + mid + "&description=2",
        "/v1/webhooks/nope/" + TOKEN + "?id=" + mid + "&description=2",
        "/v1/webhooks/mailjet-sms/" + TOKEN + "?id=" + mid + "&description=2")) {
      Http.Res r = test.http.get(path, null);
      assertThat(r.status()).as(path).isEqualTo(401);
    }
    assertThat(test.http.get("/v1/webhooks/ovh/" + TOKEN + "?description=2", null).status()).isEqualTo(400);
    assertThat(test.http.get("/v1/notifications/" + id, PLATFORM).json().getString("status")).isEqualTo("sent");
  }
}
