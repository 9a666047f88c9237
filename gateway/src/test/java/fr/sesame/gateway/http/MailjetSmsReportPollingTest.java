package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeHttpServer.Reply;
import fr.sesame.testkit.FakeHttpServer.Request;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mailjet SMS has no delivery webhook: the dispatcher asks {@code GET /v4/sms/{MessageId}} (the real SDK
 * against a fake Mailjet) until the status is final. Undelivered moves the message on to OVH, with the same
 * text; delivered makes it final; a status that never becomes final is asked about for 30 minutes only.
 */
class MailjetSmsReportPollingTest {
  static final Map<String, Integer> mailjetStatus = new ConcurrentHashMap<>();
  static final AtomicInteger ids = new AtomicInteger();
  static Vertx vertx;
  /** OVH's SMS API and Mailjet's in one fake; it keeps each request. */
  static FakeHttpServer providers;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    providers = new FakeHttpServer(vertx)
        .route(r -> r.path().endsWith("/auth/time"), r -> Reply.of(200, Long.toString(Instant.now().getEpochSecond())))
        .route(r -> r.path().endsWith("/jobs"), r -> Reply.of(200, "{\"ids\":[" + ids.incrementAndGet()
            + "],\"validReceivers\":[\"" + new JsonObject(r.body()).getJsonArray("receivers").getString(0)
            + "\"],\"invalidReceivers\":[]}"))
        .route(r -> r.path().equals("/v4/sms-send"), r -> {
          String id = "mj-" + ids.incrementAndGet();
          mailjetStatus.put(id, 2);
          return Reply.of(200, "{\"MessageId\":\"" + id + "\",\"Status\":{\"Code\":2,\"Name\":\"sent\"}}");
        })
        .route(MailjetSmsReportPollingTest::isStatusAsk, r -> {
          String id = asked(r);
          int code = mailjetStatus.getOrDefault(id, 0);
          return Reply.of(200, "{\"Data\":[{\"MessageId\":\"" + id + "\",\"Status\":{\"Code\":" + code
              + ",\"Name\":\"" + (code == 3 ? "delivered" : code == 5 ? "rejected_undelivered" : "sent")
              + "\",\"Description\":\"d\"}}]}");
        })
        .route(r -> true, r -> Reply.of(404, ""));
    String base = providers.url();
    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of("sms", Map.of("chain", List.of("mailjet-sms", "ovh"),
        "providers", Map.of(
            "mailjet-sms", Map.of("type", "mailjet-sms", "baseUrl", base, "sender", "SESAME"),
            "ovh", Map.of("type", "ovh-sms", "endpoint", base + "/1.0", "serviceName", "sms-t-1", "sender", "S")))),
        Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "a", "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "b",
            "SESAME_PROVIDER_OVH_CONSUMER_KEY", "c", "SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "t"));
    gw = TestGateway.withProviders(1, channels);
  }

  @AfterAll
  static void stop() {
    gw.close();
    providers.close();
    vertx.close();
  }

  static boolean isStatusAsk(Request r) {
    return r.method().equals("GET") && r.path().startsWith("/v4/sms/");
  }

  /** The Mailjet message id a status ask is about. */
  static String asked(Request r) {
    return r.path().substring("/v4/sms/".length());
  }

  /** The ids of the Mailjet messages asked about so far, in order. */
  static List<String> mailjetAsked() {
    return providers.requests().stream().filter(MailjetSmsReportPollingTest::isStatusAsk)
        .map(MailjetSmsReportPollingTest::asked).toList();
  }

  /** The texts of the requests to {@code path} (an OVH job's message, a Mailjet SMS's Text), in order. */
  static List<String> texts(String pathSuffix, String field) {
    return providers.requests().stream().filter(r -> r.path().endsWith(pathSuffix))
        .map(r -> new JsonObject(r.body()).getString(field)).toList();
  }

  static String send() {
    Http.Res r = gw.http.post("/v1/notifications", PLATFORM, new JsonObject().put("channel", "sms")
        .put("to", TestGateway.randomPhone()).put("template", "login-code")
        .put("idempotencyKey", UUID.randomUUID().toString())
        .put("data", new JsonObject().put("code", "731902").put("codeSpoken", "7 3 1 9 0 2").put("minutes", 5)));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = r.json().getString("id");
    assertThat(gw.awaitNotification(id, "sent").getString("provider")).isEqualTo("mailjet-sms");
    return id;
  }

  static String lastMailjetId() {
    return "mj-" + ids.get();
  }

  /** Moves the test clock past the next ask and lets the dispatcher ask. */
  static void ask(Duration later) {
    gw.clock.advance(later);
    await(gw.gateway.outbox().statusPoller().askProviders());
  }

  @Test
  void anUndeliveredStatusMovesTheCodeToTheNextProviderUnchanged() {
    String id = send();
    String mj = lastMailjetId();
    ask(Duration.ofSeconds(1));
    assertThat(mailjetAsked()).as("not before reportPollEvery").doesNotContain(mj);

    mailjetStatus.put(mj, 5);
    ask(Duration.ofSeconds(10));
    assertThat(mailjetAsked()).contains(mj);
    JsonObject status = gw.awaitNotification(id, s -> "sent".equals(s.getString("status"))
        && "ovh".equals(s.getString("provider")), "status sent by ovh");
    assertThat(status.getString("provider")).isEqualTo("ovh");
    assertThat(status.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getString("provider") + ":"
        + ((JsonObject) a).getString("outcome"))).containsExactly("mailjet-sms:accepted",
            "mailjet-sms:not-delivered: rejected_undelivered", "ovh:accepted");
    List<String> ovhText = texts("/jobs", "message");
    List<String> mailjetText = texts("/v4/sms-send", "Text");
    assertThat(ovhText.get(ovhText.size() - 1)).contains("731902").isEqualTo(mailjetText.get(mailjetText.size() - 1));
  }

  @Test
  void aDeliveredStatusIsFinalAndNotAskedAgain() {
    String id = send();
    String mj = lastMailjetId();
    mailjetStatus.put(mj, 3);
    ask(Duration.ofSeconds(11));
    assertThat(gw.awaitNotification(id, "delivered").getString("provider")).isEqualTo("mailjet-sms");
    long asked = mailjetAsked().stream().filter(mj::equals).count();
    ask(Duration.ofMinutes(1));
    assertThat(mailjetAsked().stream().filter(mj::equals).count()).isEqualTo(asked);
  }

  @Test
  void aStatusThatNeverBecomesFinalIsAskedAboutForThirtyMinutesThenLeft() {
    String id = send();
    String mj = lastMailjetId();
    ask(Duration.ofSeconds(11));
    ask(Duration.ofSeconds(11));
    assertThat(mailjetAsked().stream().filter(mj::equals).count()).as("asked again while not final").isEqualTo(2);
    assertThat(gw.http.get("/v1/notifications/" + id, PLATFORM).json().getString("status")).isEqualTo("sent");
    ask(Duration.ofMinutes(31));
    assertThat(TestRedis.sync().zrange("gw:{nt}:poll", 0, -1)).noneMatch(m -> m.contains("|" + mj + "|"));
    assertThat(gw.http.get("/v1/notifications/" + id, PLATFORM).json().getString("status")).isEqualTo("sent");
  }
}
