package fr.sesame.gateway.http;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.notify.InProcessOutboxSignals;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeMaileva;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.XClaimArgs;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, point 4: a letter costs money. A dispatcher dies after Maileva's sending was built and its id recorded
 * (as {@code begin.lua} and the provider's checkpoint leave the record: {@code sending}, {@code inf} maileva,
 * {@code rf} maileva:id), with the post chain's only provider; another dispatcher takes it over (recovery, lease
 * of 300 ms) and asks Maileva before posting anything. The real Maileva adapter talks to a fake Maileva that keeps
 * its sendings; real Redis.
 */
class MailevaCrashRecoveryTest {
  static final OutboxConfig QUICK_RECOVERY = new OutboxConfig(256, 0.75, Duration.ofHours(1), Duration.ofMillis(300),
      Duration.ofMillis(100), Duration.ofHours(48), Duration.ofDays(90), Duration.ofHours(1));
  static Vertx vertx;
  static FakeMaileva maileva;
  static TestGateway gw;
  static Vertx elsewhere;
  static RedisClient client;
  static NotificationService anotherInstance;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    maileva = new FakeMaileva(vertx);
    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of("post", Map.of("chain", List.of("maileva"),
            "providers", Map.of("maileva", Map.of("type", "maileva", "authUrl", maileva.authUrl(),
                "apiUrl", maileva.apiUrl(), "clientId", "sesame-client", "backoff", "PT0.01S",
                // as the provider asks: a first PDF in a busy JVM can take seconds
                "timeout", "PT20S")))),
        Map.of("SESAME_PROVIDER_MAILEVA_CLIENT_SECRET", "s3cret"));
    gw = new TestGateway(1, QUICK_RECOVERY, (v, registry) -> channels.build(v, Clock.systemUTC(), registry));
    elsewhere = Vertx.vertx();
    client = RedisClient.create(TestRedis.url());
    // accepting through a service whose wake-up reaches no dispatcher: the letter waits in Redis
    anotherInstance = new NotificationService(new RedisOutboxStore(new RedisAccess(client.connect().async())),
        new TemplateCatalog(), new FieldCipher(TestGateway.DATA_KEY), new KeyedHasher(TestGateway.HASH_KEY),
        new RandomTokens(), gw.clock, new InProcessOutboxSignals(elsewhere), QUICK_RECOVERY, null, null, null);
  }

  @AfterAll
  static void stop() {
    gw.close();
    elsewhere.close();
    client.shutdown();
    maileva.close();
    vertx.close();
  }

  /**
   * A letter accepted, then taken by a dispatcher that got as far as Maileva's sending {@code sendingId} and
   * recorded it, and died.
   * @return the notification's id
   */
  static String interruptedAfterMailevaBuilt(String sendingId) {
    NotificationService.Request letter = new NotificationService.Request(ChannelKind.POST,
        "Mme Chloé Bernard\n12 rue de la Paix\n75002 Paris", "access-letter", "fr",
        Map.of("electionName", "CA 2026", "identifier", "chloe", "password", "7H3K-92QX", "url", "https://vote.example"),
        UUID.randomUUID().toString());
    String id = await(anotherInstance.accept(letter, new ClientInfo("", "key:platform/test"))).id();
    TestRedis.sync().hset("gw:{nt}:n:" + id, Map.of("st", "sending", "inf", "maileva", "tk", "t-dead",
        "rf", "maileva:" + sendingId));
    // its entry, pending for a dispatcher that is gone (earlier test classes may have left others in the lane:
    // this one alone is taken, newest first)
    String entry = TestRedis.sync().xrevrange("gw:{nt}:s:lo", Range.create("-", "+"), Limit.from(100)).stream()
        .filter(m -> id.equals(m.getBody().get("id"))).findFirst().orElseThrow().getId();
    TestRedis.sync().xclaim("gw:{nt}:s:lo", Consumer.from(RedisOutboxStore.GROUP, "dead-dispatcher-" + id),
        XClaimArgs.Builder.minIdleTime(0).force(), entry);
    return id;
  }

  static List<String> outcomes(JsonObject status) {
    return status.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getString("outcome")).toList();
  }

  static long asked(String sendingId) {
    return maileva.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().equals("/mail/v2/sendings/" + sendingId)).count();
  }

  @Test
  void aLetterMailevaHadSubmittedIsFoundSentAndNotPostedAgain() {
    String sending = "s-" + UUID.randomUUID();
    maileva.holds(sending, FakeMaileva.SUBMITTED);
    long created = maileva.created();
    String id = interruptedAfterMailevaBuilt(sending);

    JsonObject status = gw.awaitNotification(id, "sent", "failed");
    assertThat(status.getString("status")).isEqualTo("sent");
    assertThat(status.getString("provider")).isEqualTo("maileva");
    assertThat(status.containsKey("possibleDuplicate")).as("it went out once").isFalse();
    assertThat(outcomes(status)).as("the interrupted attempt, then the finding")
        .containsExactly("interrupted", "found sent after a crash");
    assertThat(TestRedis.sync().hget("gw:{nt}:n:" + id, "mid")).isEqualTo(sending);
    assertThat(maileva.created()).as("no second sending, so no second letter").isEqualTo(created);
    assertThat(asked(sending)).isEqualTo(1);
    assertThat(maileva.status(sending)).isEqualTo(FakeMaileva.SUBMITTED);
  }

  @Test
  void aLetterLeftAsADraftIsPostedOnceAndTheDraftDeleted() {
    String draft = "s-" + UUID.randomUUID();
    maileva.holds(draft, FakeMaileva.DRAFT);
    long created = maileva.created();
    String id = interruptedAfterMailevaBuilt(draft);

    JsonObject status = gw.awaitNotification(id, "sent", "failed");
    assertThat(status.getString("status")).isEqualTo("sent");
    assertThat(status.containsKey("possibleDuplicate")).as("Maileva said the first never went out").isFalse();
    assertThat(outcomes(status)).containsExactly("interrupted", "not sent before the crash", "accepted");
    String mid = TestRedis.sync().hget("gw:{nt}:n:" + id, "mid");
    assertThat(mid).isNotEqualTo(draft);
    assertThat(maileva.status(mid)).isEqualTo(FakeMaileva.SUBMITTED);
    assertThat(maileva.status(draft)).as("the draft deleted").isNull();
    assertThat(maileva.created()).as("one new sending").isEqualTo(created + 1);
    assertThat(TestRedis.sync().hmget("gw:{nt}:n:" + id, "rf", "rs", "inf")).allMatch(kv -> !kv.hasValue());
  }

  @Test
  void whileMailevaCannotTellNothingIsPostedAndItIsAskedAgainLater() {
    String sending = "s-" + UUID.randomUUID();
    maileva.holds(sending, FakeMaileva.SUBMITTED).answerStatusAsks(FakeHttpServer.Reply.of(503, "{}"));
    long created = maileva.created();
    try {
      String id = interruptedAfterMailevaBuilt(sending);
      // taken over, asked, no answer; its lease runs out (300 ms) and another take-over asks again
      maileva.awaitRequest(r -> r.path().endsWith(sending) && asked(sending) >= 3, "three asks about " + sending);
      assertThat(TestRedis.sync().hget("gw:{nt}:n:" + id, "st")).isEqualTo("sending");
      assertThat(TestRedis.sync().llen("gw:{nt}:a:" + id)).as("one interrupted attempt, however many asks")
          .isEqualTo(1);
      assertThat(maileva.created()).as("nothing posted meanwhile").isEqualTo(created);

      maileva.answerStatusAsks(null);
      JsonObject status = gw.awaitNotification(id, "sent", "failed");
      assertThat(outcomes(status)).containsExactly("interrupted", "found sent after a crash");
      assertThat(TestRedis.sync().hget("gw:{nt}:n:" + id, "mid")).isEqualTo(sending);
      assertThat(maileva.created()).isEqualTo(created);
    } finally {
      maileva.answerStatusAsks(null);
    }
  }
}
