package fr.sesame.gateway.http;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
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
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XReadArgs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dead instance's in-flight messages, with the default lease (5 s) and recovery period (1 s): taken over
 * within 10 s, login codes before the campaign, and the dead consumer then leaves the group. The live
 * gateway's dispatcher reads only when woken (idle poll of an hour), so only recovery can find them.
 */
class OutboxTakeoverTest {
  static final OutboxConfig D = OutboxConfig.DEFAULTS;
  static final OutboxConfig RECOVERY_ONLY = new OutboxConfig(256, 0.25, Duration.ofHours(1), D.recoverAfter(),
      D.recoverEvery(), D.contentRetention(), D.recordRetention(), D.purgeEvery());
  static TestGateway gw;
  static Vertx elsewhere;
  static RedisClient client;
  static NotificationService deadInstance;

  @BeforeAll
  static void start() {
    gw = new TestGateway(1, RECOVERY_ONLY, null);
    elsewhere = Vertx.vertx();
    client = RedisClient.create(TestRedis.url());
    deadInstance = new NotificationService(new RedisOutboxStore(new RedisAccess(client.connect().async())),
        new TemplateCatalog(), new FieldCipher(TestGateway.DATA_KEY), new KeyedHasher(TestGateway.HASH_KEY),
        new RandomTokens(), gw.clock, new InProcessOutboxSignals(elsewhere), RECOVERY_ONLY, null, null, null);
  }

  @AfterAll
  static void stop() {
    gw.close();
    elsewhere.close();
    client.shutdown();
  }

  @Test
  void aDeadInstancesMessagesAreTakenOverWithin10sLoginCodesFirstAndItLeavesTheGroup() {
    ClientInfo platform = new ClientInfo("", "key:platform/test");
    List<Future<?>> accepts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      accepts.add(deadInstance.accept(new NotificationService.Request(ChannelKind.EMAIL, "takeover" + i + "@campaign.test",
          "access-codes", "fr", Map.of("electionName", "CA 2026", "identifier", "v" + i, "url", "https://vote.example"),
          UUID.randomUUID().toString()), platform));
    }
    await(Future.all(accepts));
    String to = TestGateway.randomPhone();
    String code = await(deadInstance.accept(new NotificationService.Request(ChannelKind.SMS, to, "login-code", "fr",
        Map.of("code", "135790", "codeSpoken", "1, 3, 5, 7, 9, 0", "minutes", "5"), UUID.randomUUID().toString()),
        platform)).id();
    // the dead instance's dispatcher had read them all (the campaign first), then died
    String dead = "dead-" + UUID.randomUUID();
    var redis = TestRedis.sync();
    redis.xreadgroup(Consumer.from(RedisOutboxStore.GROUP, dead), XReadArgs.Builder.count(1000),
        XReadArgs.StreamOffset.lastConsumed("gw:{nt}:s:lo"));
    redis.xreadgroup(Consumer.from(RedisOutboxStore.GROUP, dead), XReadArgs.Builder.count(1000),
        XReadArgs.StreamOffset.lastConsumed("gw:{nt}:s:hi"));
    long died = System.nanoTime();
    int before = gw.outbox.list(null).size();

    assertThat(gw.awaitNotification(code, "sent", "failed").getString("status")).isEqualTo("sent");
    assertThat(Duration.ofNanos(System.nanoTime() - died)).as("taken over within 10 s")
        .isLessThan(Duration.ofSeconds(10));
    var sent = gw.outbox.list(null);
    assertThat(sent.get(before).message().to()).as("the login code first of what was taken over").isEqualTo(to);
    TestRedis.readUntil("gw:{nt}:s:lo", () -> redis.xpending("gw:{nt}:s:lo", RedisOutboxStore.GROUP).getCount(),
        n -> n == 0, Duration.ofSeconds(10), "the campaign taken over and sent");

    // holding nothing, and idle for two leases: removed from the group
    for (String lane : List.of("gw:{nt}:s:hi", "gw:{nt}:s:lo")) {
      TestRedis.readUntil(lane, () -> redis.xinfoConsumers(lane, RedisOutboxStore.GROUP).stream()
              .map(String::valueOf).filter(c -> c.contains(dead)).count(),
          n -> n == 0, Duration.ofSeconds(15), "the dead consumer removed from " + lane);
    }
  }
}
