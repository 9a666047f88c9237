package fr.sesame.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("SESAME_HASH_KEY", Base64.getEncoder().encodeToString(new byte[32]));
    env.put("SESAME_DATA_KEY", Base64.getEncoder().encodeToString(new byte[32]));
    env.put("SESAME_API_KEYS", "admin:admin-key-1,platform:platform-key-1");
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    return env;
  }

  @Test
  void readsYamlThenLetsTheEnvironmentWin() throws Exception {
    Path yaml = dir.resolve("sesame.yaml");
    Files.writeString(yaml, "http:\n  port: 9000\n  instances: 3\nlockout:\n  maxFailures: 3\nsession:\n  idleTimeout: PT15M\n");
    Map<String, String> env = env();
    env.put("SESAME_HTTP_PORT", "9100");
    GatewayConfig c = ConfigLoader.load(yaml, env, false);
    assertThat(c.http().port()).isEqualTo(9100);
    assertThat(c.http().instances()).isEqualTo(3);
    assertThat(c.lockout().maxFailures()).isEqualTo(3);
    assertThat(c.session().idleTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.otp()).isEqualTo(OtpConfig.DEFAULTS);
    assertThat(c.apiKeys()).extracting(ApiKey::role).containsExactly(ApiKey.Role.ADMIN, ApiKey.Role.PLATFORM);
    assertThat(c.toString()).doesNotContain("admin-key-1");
  }

  @Test
  void badValuesStopStartUp() throws Exception {
    Map<String, String> noHash = env();
    noHash.remove("SESAME_HASH_KEY");
    assertThatThrownBy(() -> ConfigLoader.load(null, noHash, false)).hasMessageContaining("SESAME_HASH_KEY");
    Map<String, String> shortData = env();
    shortData.put("SESAME_DATA_KEY", Base64.getEncoder().encodeToString(new byte[16]));
    assertThatThrownBy(() -> ConfigLoader.load(null, shortData, false)).hasMessageContaining("SESAME_DATA_KEY");
    Map<String, String> badRole = env();
    badRole.put("SESAME_API_KEYS", "root:abcdefghij");
    assertThatThrownBy(() -> ConfigLoader.load(null, badRole, false)).hasMessageContaining("role");
    Map<String, String> noRedis = env();
    noRedis.remove("REDIS_URL");
    assertThatThrownBy(() -> ConfigLoader.load(null, noRedis, false)).hasMessageContaining("REDIS_URL");

    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "otp:\n  digits: 4\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, env(), false)).hasMessageContaining("otp.digits");
    Files.writeString(yaml, "otp:\n  validity: five minutes\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, env(), false)).hasMessageContaining("otp.validity");
    Files.writeString(yaml, "hashKey: abc\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, env(), false)).hasMessageContaining("environment");
    Files.writeString(yaml, "htp:\n  port: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, env(), false)).hasMessageContaining("unknown section");
  }
}
