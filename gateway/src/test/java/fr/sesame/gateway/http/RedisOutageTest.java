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
import fr.sesame.gateway.support.Http;
import fr.sesame.gateway.support.MutableClock;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When Redis goes away, requests fail fast with 503 problems and readiness says DOWN; nothing hangs. */
class RedisOutageTest {
  @Test
  void answers503FastWhileRedisIsDown() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start();
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    GatewayConfig config = new GatewayConfig(new HttpConfig(0, "127.0.0.1", 65536, 1 << 20, "none", 1),
        new RedisConfig(redis.url(), false, Duration.ofMillis(500)), TestGateway.HASH_KEY, TestGateway.DATA_KEY,
        ConfigLoader.parseApiKeys("admin:" + TestGateway.ADMIN, new KeyedHasher(TestGateway.HASH_KEY)),
        LockoutConfig.DEFAULTS, OtpConfig.DEFAULTS, SessionConfig.DEFAULTS, false, ChannelsConfig.NONE,
          fr.sesame.gateway.config.OutboxConfig.DEFAULTS);
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
}
