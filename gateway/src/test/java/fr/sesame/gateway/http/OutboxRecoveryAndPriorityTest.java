package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.notify.InProcessOutboxSignals;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.redis.RedisAccess;
import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XReadArgs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox under failure: a dispatcher that dies holding a message, a campaign in the way of a login
 * code, and a channel whose providers all fail. The gateway's dispatcher here never polls on its own
 * (idle poll of an hour): it only wakes when told, so the test decides what it sees first.
 */
class OutboxRecoveryAndPriorityTest {
  static final OutboxConfig MANUAL = new OutboxConfig(256, 0.75, Duration.ofHours(1), Duration.ofMillis(300),
      Duration.ofMillis(100), Duration.ofHours(48), Duration.ofDays(90), Duration.ofHours(1));
  static TestGateway gw;
  static Vertx elsewhere;
  static RedisClient client;
  static NotificationService anotherInstance;

  @BeforeAll
  static void start() {
    gw = new TestGateway(1, MANUAL, null);
    elsewhere = Vertx.vertx();
    client = RedisClient.create(TestRedis.url());
    // Accepting through a service whose wake-up reaches no dispatcher: the message waits in Redis.
    anotherInstance = new NotificationService(new RedisOutboxStore(new RedisAccess(client.connect().async())),
        new TemplateCatalog(), new FieldCipher(TestGateway.DATA_KEY), new KeyedHasher(TestGateway.HASH_KEY),
        new RandomTokens(), gw.clock, new InProcessOutboxSignals(elsewhere), MANUAL, null, null, null);
  }

  @AfterAll
  static void stop() {
    gw.close();
    elsewhere.close();
    client.shutdown();
  }

  static NotificationService.Request code(String to) {
    return new NotificationService.Request(ChannelKind.SMS, to, "login-code", "fr",
        Map.of("code", "135790", "codeSpoken", "1, 3, 5, 7, 9, 0", "minutes", "5"), UUID.randomUUID().toString());
  }

  static NotificationService.Request campaign(int i) {
    return new NotificationService.Request(ChannelKind.EMAIL, "voter" + i + "@campaign.test", "access-codes", "fr",
        Map.of("electionName", "CA 2026", "identifier", "v" + i, "url", "https://vote.example"),
        UUID.randomUUID().toString());
  }

  @Test
  void aMessageHeldByADeadDispatcherIsDeliveredOnceByAnother() {
    String to = TestGateway.randomPhone();
    String id = await(anotherInstance.accept(code(to), new ClientInfo("", "key:platform/test"))).id();
    // a dispatcher takes it, then dies without finishing
    var taken = TestRedis.sync().xreadgroup(Consumer.from(RedisOutboxStore.GROUP, "dead-dispatcher"),
        XReadArgs.Builder.count(100), XReadArgs.StreamOffset.lastConsumed("gw:{nt}:s:hi"));
    assertThat(taken).extracting(m -> m.getBody().get("id")).contains(id);
    String entry = taken.stream().filter(m -> id.equals(m.getBody().get("id"))).findFirst().orElseThrow().getId();

    JsonObject status = gw.awaitNotification(id, "sent", "failed");
    assertThat(status.getString("status")).isEqualTo("sent");
    assertThat(gw.outbox.list(to)).hasSize(1);
    // acknowledged with its outcome: no dispatcher holds it any more, so no recovery can take it again
    assertThat(TestRedis.sync().xpending("gw:{nt}:s:hi", RedisOutboxStore.GROUP, Range.create(entry, entry),
        Limit.from(10))).isEmpty();
    // and it is not sent again later: a window for what must not happen (no event announces a non-event),
    // more than twice the recovery age (300 ms), with a pass every 100 ms
    await(Future.future(p -> gw.gateway.vertx().setTimer(700, t -> p.complete())));
    assertThat(gw.outbox.list(to)).hasSize(1);
  }

  @Test
  void aMessageADeadDispatcherWasSendingToItsOnlyProviderGoesThereAgainMarkedAsAPossibleDuplicate() {
    String to = TestGateway.randomPhone();
    String id = await(anotherInstance.accept(code(to), new ClientInfo("", "key:platform/test"))).id();
    TestRedis.sync().xreadgroup(Consumer.from(RedisOutboxStore.GROUP, "dead-dispatcher-2"),
        XReadArgs.Builder.count(100), XReadArgs.StreamOffset.lastConsumed("gw:{nt}:s:hi"));
    // as a dispatcher does just before calling the provider, then it dies: the provider may have it, or not
    TestRedis.sync().hset("gw:{nt}:n:" + id, Map.of("st", "sending", "inf", "dev-outbox"));

    JsonObject status = gw.awaitNotification(id, "sent", "failed");
    assertThat(status.getString("status")).as("not failed: no other provider is left").isEqualTo("sent");
    assertThat(status.getBoolean("possibleDuplicate")).isTrue();
    assertThat(status.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getString("outcome")).toList())
        .as("the interrupted attempt shows, then the one that delivered it")
        .containsExactly("interrupted, sent again", "accepted");
    assertThat(gw.outbox.list(to)).as("sent again through the only provider").hasSize(1);
  }

  @Test
  void aLoginCodeGoesBeforeACampaignOfTenThousand() {
    List<Future<?>> accepts = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      accepts.add(anotherInstance.accept(campaign(i), new ClientInfo("", "key:platform/test")));
    }
    await(Future.all(accepts));
    String to = TestGateway.randomPhone();
    String id = await(anotherInstance.accept(code(to), new ClientInfo("", "key:platform/test"))).id();
    int before = gw.outbox.list(null).size();

    gw.gateway.outboxSignals().wake();
    gw.awaitNotification(id, "sent", "failed");
    var sent = gw.outbox.list(null);
    int position = -1;
    for (int i = before; i < sent.size(); i++) {
      if (sent.get(i).message().to().equals(to)) {
        position = i - before;
      }
    }
    // both dispatchers wake at once: the bulk one's first read (64) may be sent before the code's read returns (a
    // full run of the suite saw position 64); then the code goes, ahead of the other 9,936
    assertThat(position).as("the login code is among the first sends, ahead of the campaign").isBetween(0, 127);
  }
}
