package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeHttpServer.Reply;
import fr.sesame.testkit.FakeHttpServer.Request;
import fr.sesame.testkit.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery reports: OVH accepts an SMS, then reports it undelivered; the notification goes on to Mailjet
 * SMS. A delivered report makes it final. Webhooks answer only to their provider's secret token.
 */
class DeliveryReportTest {
  static final String TOKEN = fr.sesame.testkit.LeakGuard.secret("ovh-webhook-secret-0123456789");
  static TestGateway test;
  static final AtomicInteger ovhIds = new AtomicInteger(5000);
  static Vertx vertx;
  /** OVH's SMS API ({@code /1.0/...}) and Mailjet's (every other path) in one fake; it keeps each request. */
  static FakeHttpServer providers;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    providers = new FakeHttpServer(vertx)
        .route(r -> r.path().endsWith("/auth/time"), r -> Reply.of(200, Long.toString(Instant.now().getEpochSecond())))
        .route(DeliveryReportTest::isOvhJob, r -> Reply.of(200, "{\"ids\":[" + ovhIds.incrementAndGet()
            + "],\"validReceivers\":[\"" + ovhTo(r) + "\"],\"invalidReceivers\":[]}"))
        .route(r -> true, r -> Reply.of(200, "{\"MessageId\":\"mj-1\"}"));
    String base = providers.url();
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
    providers.close();
    vertx.close();
  }

  static boolean isOvhJob(Request r) {
    return r.path().endsWith("/jobs");
  }

  static boolean isMailjet(Request r) {
    return !r.path().startsWith("/1.0/");
  }

  static String ovhTo(Request job) {
    return new JsonObject(job.body()).getJsonArray("receivers").getString(0);
  }

  /** The OVH jobs so far, in order. */
  static List<Request> ovhJobs() {
    return providers.requests().stream().filter(DeliveryReportTest::isOvhJob).toList();
  }

  /** The Mailjet SMS to {@code to}, already sent or still to come (bounded wait). */
  static Request awaitMailjetSms(String to) {
    return providers.awaitRequest(r -> isMailjet(r) && to.equals(new JsonObject(r.body()).getString("To")),
        "Mailjet SMS to " + to);
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
    String to = TestGateway.randomPhone();
    String id = send(to);
    test.awaitNotification(id, "sent");
    assertThat(ovhJobs()).extracting(DeliveryReportTest::ovhTo).contains(to);
    String ovhMessage = ovhId();
    Http.Res report = test.http.get("/v1/webhooks/ovh/" + TOKEN + "?id=" + ovhMessage + "&ptt=5&description=2"
        + "&descriptionDlr=Failed", null);
    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(report.json().getInteger("applied")).isEqualTo(1);

    JsonObject status = test.awaitNotification(id, s -> "sent".equals(s.getString("status"))
        && "mailjet-sms".equals(s.getString("provider")), "status sent by mailjet-sms");
    assertThat(status.getString("provider")).isEqualTo("mailjet-sms");
    assertThat(providers.requests()).filteredOn(DeliveryReportTest::isMailjet)
        .extracting(r -> new JsonObject(r.body()).getString("To")).contains(to);
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
    String phone = TestGateway.randomPhone();
    test.http.postRaw("/v1/admin/elections/" + el + "/voters", TestGateway.ADMIN, "text/csv", String.join("\n",
        "identifier,college,lastName,firstName,birthDate,email,phone,secret",
        "zoe,personnels,Z,Z,,," + phone + ",1234").getBytes());
    Http.Res login = test.http.post("/v1/elections/" + el + "/login",
        new JsonObject().put("identifier", "zoe").put("secret", "1234").put("channel", "sms"));
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    // the local dispatcher sent it before the answer
    List<Request> toPhone = ovhJobs().stream().filter(j -> ovhTo(j).equals(phone)).toList();
    assertThat(toPhone).isNotEmpty();
    String firstText = new JsonObject(toPhone.get(toPhone.size() - 1).body()).getString("message");

    // OVH: not delivered (say the phone was off and the message expired)
    Http.Res report = test.http.get("/v1/webhooks/ovh/" + TOKEN + "?id=" + ovhId() + "&description=16", null);
    assertThat(report.json().getInteger("applied")).isEqualTo(1);
    // the code goes on to Mailjet SMS: woken by the fake's receipt of it
    String secondText = new JsonObject(awaitMailjetSms(phone).body()).getString("Text");
    assertThat(secondText).as("the same code across fallbacks").isEqualTo(firstText);

    String code = secondText.replaceAll(".*est (\\d{6}).*", "$1");
    Http.Res verify = test.http.post("/v1/elections/" + el + "/login/" + login.json().getString("challengeId")
        + "/verify", new JsonObject().put("code", code));
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
  }

  @Test
  void aDeliveredReportMakesItFinal() {
    String id = send(TestGateway.randomPhone());
    test.awaitNotification(id, "sent");
    Http.Res report = test.http.get("/v1/webhooks/ovh/" + TOKEN + "?id=" + ovhId() + "&description=1", null);
    assertThat(report.json().getInteger("applied")).isEqualTo(1);
    JsonObject status = test.awaitNotification(id, "delivered");
    assertThat(status.getString("provider")).isEqualTo("ovh");
  }

  @Test
  void webhooksAnswerOnlyToTheirToken() {
    String id = send(TestGateway.randomPhone());
    test.awaitNotification(id, "sent");
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
