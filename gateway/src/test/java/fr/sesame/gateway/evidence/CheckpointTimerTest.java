package fr.sesame.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.Gateway;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.EvidenceConfig;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.LimitsConfig;
import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.config.OidcConfig;
import fr.sesame.gateway.config.OtpConfig;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.config.SessionConfig;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.LocalRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoints' timer as it runs in production (here every second): two gateways on one Redis, one checkpoint
 * file, each checkpoint following the one before (one instance at a time, by the lease), taken with no call.
 */
class CheckpointTimerTest {
  @TempDir
  Path dir;

  private GatewayConfig config(String redisUrl, EvidenceKey key) {
    return new GatewayConfig(new HttpConfig(0, "127.0.0.1", 65536, 1 << 20, "none", 1),
        new RedisConfig(redisUrl, false, Duration.ofSeconds(5)), TestGateway.HASH_KEY, TestGateway.DATA_KEY,
        ConfigLoader.parseApiKeys("admin:" + TestGateway.ADMIN, new KeyedHasher(TestGateway.HASH_KEY)),
        LockoutConfig.DEFAULTS, OtpConfig.DEFAULTS, SessionConfig.DEFAULTS, false, ChannelsConfig.NONE,
        OutboxConfig.DEFAULTS, LimitsConfig.DEFAULTS, OidcConfig.DEFAULTS,
        new EvidenceConfig(key, dir, Duration.ofSeconds(1)));
  }

  @Test
  void everyPeriodOneInstanceAppendsASignedCheckpointOfWhatWasAudited() throws Exception {
    EvidenceKey key = EvidenceKey.generate();
    try (LocalRedis redis = LocalRedis.start();
         Gateway one = Gateway.start(config(redis.url(), key), Clock.systemUTC(), (v, r) -> new fr.sesame.channels.NoProviderNotifier(), null);
         Gateway two = Gateway.start(config(redis.url(), key), Clock.systemUTC(), (v, r) -> new fr.sesame.channels.NoProviderNotifier(), null);
         Http http = new Http(one.port()); Http other = new Http(two.port())) {
      Instant now = Instant.now();
      String el = TestGateway.newElectionId();
      assertThat(http.put("/v1/admin/elections/" + el, TestGateway.ADMIN,
          TestGateway.electionBody(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)))).status())
          .isEqualTo(201);
      Path file = dir.resolve(el + ".checkpoints.jsonl");
      List<String> lines = await(file, 1);
      assertThat(other.put("/v1/admin/elections/" + el, TestGateway.ADMIN,
          TestGateway.electionBody(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)))).status())
          .isEqualTo(200);
      lines = await(file, 2);
      Checkpoint first = Checkpoint.parse(lines.get(0));
      Checkpoint second = Checkpoint.parse(lines.get(1));
      assertThat(first.verifies(key.publicKey())).isTrue();
      assertThat(second.verifies(key.publicKey())).isTrue();
      assertThat(second.n()).isEqualTo(2);
      assertThat(second.prev()).isEqualTo(Checkpoint.sha256(lines.get(0)));
      assertThat(first.writers().values()).extracting(h -> h.count()).containsExactly(1L);
      assertThat(second.writers()).hasSize(2); // each gateway's event loop writes a chain of its own
      Thread.sleep(2500); // nothing new: no checkpoint
      assertThat(Files.readAllLines(file)).hasSize(2);
    }
  }

  private static List<String> await(Path file, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (lines.size() >= count) {
          assertThat(lines).hasSize(count);
          return lines;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no checkpoint " + count + " in " + file);
  }
}
