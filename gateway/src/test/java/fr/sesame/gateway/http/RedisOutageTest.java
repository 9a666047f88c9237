package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.channels.ChannelsConfig;
import fr.sesame.gateway.Gateway;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.config.OtpConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.config.SessionConfig;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.dev.EmbeddedRedis;
import fr.sesame.gateway.store.redis.RedisConnector;
import fr.sesame.gateway.support.Http;
import fr.sesame.gateway.support.MutableClock;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.gateway.support.TestRedis;
import io.lettuce.core.KillArgs;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** When Redis goes away, requests fail fast with 503 problems and readiness says DOWN; nothing hangs. */
class RedisOutageTest {
  @Test
  void answers503FastWhileRedisIsDown() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start();
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    GatewayConfig config = config(redis.url(), 1);
    DevOutbox outbox = new DevOutbox(clock, 10);
    try (Gateway gateway = Gateway.start(config, clock, (v, r) -> outbox, null); Http http = new Http(gateway.port())) {
      String el = TestGateway.newElectionId();
      assertThat(http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
          clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(1)))).status()).isEqualTo(201);
      redis.close();

      long start = System.nanoTime();
      Http.Res login = http.post("/v1/elections/" + el + "/login",
          new JsonObject().put("identifier", "alice").put("secret", "1").put("channel", "sms"));
      assertThat(login.status()).as(login.body()).isEqualTo(503);
      assertThat(login.problemType()).isEqualTo("/problems/dependency-unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(http.get("/health/ready", null).status()).isEqualTo(503);
      assertThat(http.get("/health/live", null).status()).isEqualTo(200);
      assertThat(outbox.list(null)).isEmpty();
    } finally {
      redis.close();
    }
  }

  /** Every event loop's connection comes back by itself after Redis dropped it (a restart, a network cut). */
  @Test
  void everyEventLoopsConnectionComesBackByItselfAfterRedisDroppedIt() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    GatewayConfig config = config(TestRedis.url(), 2);
    DevOutbox outbox = new DevOutbox(clock, 10);
    try (Gateway gateway = Gateway.start(config, clock, (v, r) -> outbox, null); Http http = new Http(gateway.port())) {
      String el = TestGateway.newElectionId();
      JsonObject election = TestGateway.electionBody(clock.instant().minus(Duration.ofDays(1)),
          clock.instant().plus(Duration.ofDays(1)));
      assertThat(http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, election).status()).isEqualTo(201);

      int expected = 2 * (RedisConnector.loopsOf(gateway.vertx()).size() + 1); // API and outbox, per loop + shared
      Map<String, String> before = connections(gateway);
      assertThat(before).hasSize(expected);
      before.values().forEach(id -> TestRedis.sync().clientKill(KillArgs.Builder.id(Long.parseLong(id))));

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int ready = 0;
      while (ready != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        ready = http.get("/health/ready", null).status();
      }
      assertThat(ready).as("readiness after the drop").isEqualTo(200);
      // new HTTP connections, spread over both HTTP event loops: each loop's own Redis connection answers
      for (int i = 0; i < 10; i++) {
        try (Http fresh = new Http(gateway.port())) {
          assertThat(fresh.get("/health/ready", null).status()).isEqualTo(200);
        }
      }
      // and every connection comes back by itself, as a new Redis client
      Map<String, String> after = connections(gateway);
      while (!reconnected(before, after) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        after = connections(gateway);
      }
      assertThat(after.keySet()).as("every connection back").isEqualTo(before.keySet());
      for (String name : before.keySet()) {
        assertThat(after.get(name)).as(name + " reconnected").isNotEqualTo(before.get(name));
      }
      Http.Res login = http.post("/v1/elections/" + el + "/login",
          new JsonObject().put("identifier", "nobody").put("secret", "1").put("channel", "sms"));
      assertThat(login.status()).as(login.body()).isEqualTo(401);
    }
  }

  /** Production settings but a 500 ms Redis command timeout, {@code instances} HTTP event loops. */
  private static GatewayConfig config(String redisUrl, int instances) {
    return new GatewayConfig(new HttpConfig(0, "127.0.0.1", 65536, 1 << 20, "none", instances),
        new RedisConfig(redisUrl, false, Duration.ofMillis(500)), TestGateway.HASH_KEY, TestGateway.DATA_KEY,
        ConfigLoader.parseApiKeys("admin:" + TestGateway.ADMIN, new KeyedHasher(TestGateway.HASH_KEY)),
        LockoutConfig.DEFAULTS, OtpConfig.DEFAULTS, SessionConfig.DEFAULTS, false, ChannelsConfig.NONE,
        fr.sesame.gateway.config.OutboxConfig.DEFAULTS);
  }

  private static boolean reconnected(Map<String, String> before, Map<String, String> after) {
    return after.keySet().equals(before.keySet())
        && before.keySet().stream().noneMatch(name -> before.get(name).equals(after.get(name)));
  }

  /** This gateway's Redis connections: name to client id. */
  private static Map<String, String> connections(Gateway gateway) {
    return TestRedis.sync().clientList().lines().filter(l -> l.contains(" name=sesame-" + gateway.instance() + "-"))
        .collect(Collectors.toMap(l -> l.replaceAll(".*\\bname=(\\S+).*", "$1"), l -> l.replaceAll("^id=(\\d+).*", "$1")));
  }
}
