package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.support.Http;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
  static final List<String> mailjetAsked = new CopyOnWriteArrayList<>();
  static final List<String> ovhText = new CopyOnWriteArrayList<>();
  static final List<String> mailjetText = new CopyOnWriteArrayList<>();
  static final AtomicInteger ids = new AtomicInteger();
  static Vertx vertx;
  static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer fake = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String path = req.path();
      if (path.endsWith("/auth/time")) {
        req.response().end(Long.toString(Instant.now().getEpochSecond()));
      } else if (path.endsWith("/jobs")) {
        ovhText.add(new JsonObject(body.toString()).getString("message"));
        String to = new JsonObject(body.toString()).getJsonArray("receivers").getString(0);
        req.response().putHeader("Content-Type", "application/json").end("{\"ids\":[" + ids.incrementAndGet()
            + "],\"validReceivers\":[\"" + to + "\"],\"invalidReceivers\":[]}");
      } else if (path.equals("/v4/sms-send")) {
        mailjetText.add(new JsonObject(body.toString()).getString("Text"));
        String id = "mj-" + ids.incrementAndGet();
        mailjetStatus.put(id, 2);
        req.response().putHeader("Content-Type", "application/json")
            .end("{\"MessageId\":\"" + id + "\",\"Status\":{\"Code\":2,\"Name\":\"sent\"}}");
      } else if (req.method().name().equals("GET") && path.startsWith("/v4/sms/")) {
        String id = path.substring("/v4/sms/".length());
        mailjetAsked.add(id);
        int code = mailjetStatus.getOrDefault(id, 0);
        req.response().putHeader("Content-Type", "application/json").end("{\"Data\":[{\"MessageId\":\"" + id
            + "\",\"Status\":{\"Code\":" + code + ",\"Name\":\"" + (code == 3 ? "delivered"
            : code == 5 ? "rejected_undelivered" : "sent") + "\",\"Description\":\"d\"}}]}");
      } else {
        req.response().setStatusCode(404).end();
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    String base = "http://127.0.0.1:" + fake.actualPort();
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
    vertx.close();
  }

  static String send() {
    Http.Res r = gw.http.post("/v1/notifications", PLATFORM, new JsonObject().put("channel", "sms")
        .put("to", Http.randomPhone()).put("template", "login-code").put("idempotencyKey", UUID.randomUUID().toString())
        .put("data", new JsonObject().put("code", "731902").put("codeSpoken", "7 3 1 9 0 2").put("minutes", 5)));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = r.json().getString("id");
    assertThat(gw.http.awaitNotification(PLATFORM, id, "sent").getString("provider")).isEqualTo("mailjet-sms");
    return id;
  }

  static String lastMailjetId() {
    return "mj-" + ids.get();
  }

  /** Moves the test clock past the next ask and lets the dispatcher ask. */
  static void ask(Duration later) {
    gw.clock.advance(later);
    Http.await(gw.gateway.outbox().askProviders());
  }

  @Test
  void anUndeliveredStatusMovesTheCodeToTheNextProviderUnchanged() {
    String id = send();
    String mj = lastMailjetId();
    ask(Duration.ofSeconds(1));
    assertThat(mailjetAsked).as("not before reportPollEvery").doesNotContain(mj);

    mailjetStatus.put(mj, 5);
    ask(Duration.ofSeconds(10));
    assertThat(mailjetAsked).contains(mj);
    JsonObject status = gw.http.awaitNotification(PLATFORM, id, "sent");
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!"ovh".equals(status.getString("provider")) && System.nanoTime() < until) {
      status = gw.http.get("/v1/notifications/" + id, PLATFORM).json();
    }
    assertThat(status.getString("provider")).isEqualTo("ovh");
    assertThat(status.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getString("provider") + ":"
        + ((JsonObject) a).getString("outcome"))).containsExactly("mailjet-sms:accepted",
            "mailjet-sms:not-delivered: rejected_undelivered", "ovh:accepted");
    assertThat(ovhText.get(ovhText.size() - 1)).contains("731902").isEqualTo(mailjetText.get(mailjetText.size() - 1));
  }

  @Test
  void aDeliveredStatusIsFinalAndNotAskedAgain() {
    String id = send();
    String mj = lastMailjetId();
    mailjetStatus.put(mj, 3);
    ask(Duration.ofSeconds(11));
    assertThat(gw.http.awaitNotification(PLATFORM, id, "delivered").getString("provider")).isEqualTo("mailjet-sms");
    long asked = mailjetAsked.stream().filter(mj::equals).count();
    ask(Duration.ofMinutes(1));
    assertThat(mailjetAsked.stream().filter(mj::equals).count()).isEqualTo(asked);
  }

  @Test
  void aStatusThatNeverBecomesFinalIsAskedAboutForThirtyMinutesThenLeft() {
    String id = send();
    String mj = lastMailjetId();
    ask(Duration.ofSeconds(11));
    ask(Duration.ofSeconds(11));
    assertThat(mailjetAsked.stream().filter(mj::equals).count()).as("asked again while not final").isEqualTo(2);
    assertThat(gw.http.get("/v1/notifications/" + id, PLATFORM).json().getString("status")).isEqualTo("sent");
    ask(Duration.ofMinutes(31));
    assertThat(TestRedis.sync().zrange("gw:{nt}:poll", 0, -1)).noneMatch(m -> m.contains("|" + mj + "|"));
    assertThat(gw.http.get("/v1/notifications/" + id, PLATFORM).json().getString("status")).isEqualTo("sent");
  }
}
