package fr.sesame.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The configuration as a seal shows it: every setting, no secret (a keyed fingerprint instead), canonical. */
class ConfigDigestTest {
  private static final fr.sesame.gateway.config.EvidenceConfig EVIDENCE = fr.sesame.gateway.config.EvidenceConfig.ephemeral();

  static GatewayConfig config(String redisUrl) {
    return new GatewayConfig(new fr.sesame.gateway.config.HttpConfig(0, "127.0.0.1", 65536, 1 << 20, "none", 1),
        new fr.sesame.gateway.config.RedisConfig(redisUrl, false, java.time.Duration.ofSeconds(5)),
        TestGateway.HASH_KEY, TestGateway.DATA_KEY,
        fr.sesame.gateway.config.ConfigLoader.parseApiKeys("admin:" + TestGateway.ADMIN,
            new KeyedHasher(TestGateway.HASH_KEY)),
        fr.sesame.gateway.config.LockoutConfig.DEFAULTS, fr.sesame.gateway.config.OtpConfig.DEFAULTS,
        fr.sesame.gateway.config.SessionConfig.DEFAULTS, false, fr.sesame.channels.config.ChannelsConfig.NONE,
        fr.sesame.gateway.config.OutboxConfig.DEFAULTS, fr.sesame.gateway.config.LimitsConfig.DEFAULTS,
        fr.sesame.gateway.config.OidcConfig.DEFAULTS, EVIDENCE);
  }

  @Test
  void secretsAndAUrlsPasswordAreKeyedFingerprintsThatChangeWithThem() {
    KeyedHasher hasher = new KeyedHasher(TestGateway.HASH_KEY);
    GatewayConfig config = config("redis://:s3cr3t-pw@localhost:6379");
    JsonObject shown = ConfigDigest.of(config, hasher);
    String text = shown.encode();
    assertThat(text).doesNotContain("s3cr3t-pw", TestGateway.ADMIN, new String(TestGateway.HASH_KEY),
        new String(TestGateway.DATA_KEY));
    assertThat(text).contains("redis://fp:", "@localhost:6379");
    assertThat(shown.getString("hashKey")).startsWith("fp:");
    assertThat(shown.getString("evidenceKid")).isEqualTo(config.evidence().key().kid());
    assertThat(shown).isEqualTo(Seal.canonical(shown));
    // the same configuration, the same text; another password, another fingerprint
    assertThat(ConfigDigest.of(config, hasher).encode()).isEqualTo(text);
    assertThat(ConfigDigest.of(config("redis://:other-pw@localhost:6379"), hasher).encode())
        .isNotEqualTo(text).doesNotContain("other-pw");
  }
}
