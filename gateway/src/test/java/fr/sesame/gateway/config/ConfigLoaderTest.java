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
    env.put("SESAME_EVIDENCE_KEY", fr.sesame.gateway.crypto.EvidenceKey.generate().pkcs8());
    env.put("SESAME_API_KEYS", "admin:admin-key-1,platform:platform-key-1");
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put("SESAME_HTTP_PLAIN", "true"); // serve refuses plain HTTP unless told (HttpsTest)
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

  /** Issue 17: admission control's thresholds from the file, its switch from the environment too. */
  @Test
  void admissionControlIsOnByDefaultAndConfigurable() throws Exception {
    assertThat(ConfigLoader.load(null, env(), false).admission()).isEqualTo(AdmissionConfig.DEFAULTS);
    Path yaml = dir.resolve("admission.yaml");
    Files.writeString(yaml, "admission:\n  maxRate: 3000\n  minRate: 50\n  maxLoopDelay: PT0.05S\n"
        + "  ticketTtl: PT5M\n");
    AdmissionConfig a = ConfigLoader.load(yaml, env(), false).admission();
    assertThat(a.enabled()).isTrue();
    assertThat(a.maxRate()).isEqualTo(3000);
    assertThat(a.minRate()).isEqualTo(50);
    assertThat(a.maxLoopDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(a.ticketTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(a.burst()).isEqualTo(AdmissionConfig.DEFAULTS.burst());
    Map<String, String> off = env();
    off.put("SESAME_ADMISSION_ENABLED", "false");
    assertThat(ConfigLoader.load(yaml, off, false).admission().enabled()).isFalse();
    off.put("SESAME_ADMISSION_ENABLED", "nope");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, off, false)).hasMessageContaining("SESAME_ADMISSION_ENABLED");
    Files.writeString(yaml, "admission:\n  minRate: 500\n  maxRate: 100\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, env(), false)).hasMessageContaining("admission.minRate");
  }

  /** Issue 16: the evidence key, from the environment, and where the checkpoints go. */
  @Test
  void theEvidenceKeyIsAnEd25519Pkcs8KeyFromTheEnvironment() throws Exception {
    fr.sesame.gateway.crypto.EvidenceKey key = fr.sesame.gateway.crypto.EvidenceKey.generate();
    Map<String, String> env = env();
    env.put("SESAME_EVIDENCE_KEY", key.pkcs8());
    env.put("SESAME_EVIDENCE_DIR", dir.toString());
    GatewayConfig c = ConfigLoader.load(null, env, false);
    assertThat(c.evidence().key().kid()).isEqualTo(key.kid()).hasSize(64);
    assertThat(c.evidence().key().publicKeyBase64()).isEqualTo(key.publicKeyBase64());
    assertThat(c.evidence().dir()).isEqualTo(dir);
    assertThat(c.evidence().checkpointEvery()).isEqualTo(Duration.ofMinutes(1));
    env.remove("SESAME_EVIDENCE_DIR");
    assertThat(ConfigLoader.load(null, env, false).evidence().dir()).isEqualTo(Path.of("evidence"));
    Map<String, String> none = env();
    none.remove("SESAME_EVIDENCE_KEY");
    assertThatThrownBy(() -> ConfigLoader.load(null, none, false)).hasMessageContaining("SESAME_EVIDENCE_KEY");
    Map<String, String> notEd = env();
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    notEd.put("SESAME_EVIDENCE_KEY", Base64.getEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded()));
    assertThatThrownBy(() -> ConfigLoader.load(null, notEd, false))
        .hasMessageContaining("SESAME_EVIDENCE_KEY: must be an Ed25519 private key, PKCS#8, base64");
    Map<String, String> notBase64 = env();
    notBase64.put("SESAME_EVIDENCE_KEY", "not base64!");
    assertThatThrownBy(() -> ConfigLoader.load(null, notBase64, false)).hasMessageContaining("SESAME_EVIDENCE_KEY")
        .hasMessageNotContaining("not base64!");
    Map<String, String> file = env();
    file.put("SESAME_EVIDENCE_DIR", Files.writeString(dir.resolve("a-file"), "x").toString());
    assertThatThrownBy(() -> ConfigLoader.load(null, file, false)).hasMessageContaining("SESAME_EVIDENCE_DIR: is not a directory");
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

  @Test
  void limitsAreConfigurableAndBadOnesStopStartUp() throws Exception {
    Path yaml = dir.resolve("limits.yaml");
    Files.writeString(yaml, "limits:\n  loginIp: {rate: 200, burst: 2000}\n  phoneCountries:\n    BE: {rate: 5, period: PT1M, burst: 5}\n"
        + "  prefixDigits: 4\n  breakerCooldown: PT30M\n");
    LimitsConfig l = ConfigLoader.load(yaml, env(), false).limits();
    assertThat(l.loginIp().rate()).isEqualTo(200);
    assertThat(l.loginIp().burst()).isEqualTo(2000);
    assertThat(l.loginIp().period()).as("kept from the default").isEqualTo(Duration.ofSeconds(1));
    assertThat(l.country("BE").burst()).isEqualTo(5);
    assertThat(l.country("FR")).as("the default for France stays").isEqualTo(LimitsConfig.DEFAULTS.country("FR"));
    assertThat(l.country("DE")).isEqualTo(LimitsConfig.DEFAULTS.phoneCountry());
    assertThat(l.prefixDigits()).isEqualTo(4);
    assertThat(l.breakerCooldown()).isEqualTo(Duration.ofMinutes(30));

    for (String[] bad : new String[][] {
        {"limits:\n  loginIp: {rate: 0}\n", "limits.loginIp"},
        {"limits:\n  loginIp: fast\n", "limits.loginIp"},
        {"limits:\n  loginIpp: {rate: 1}\n", "unknown setting 'loginIpp'"},
        {"limits:\n  phoneCountries: {XX: {rate: 1}}\n", "unknown region code XX"},
        {"limits:\n  prefixDigits: 12\n", "limits.prefixDigits"}}) {
      Files.writeString(yaml, bad[0]);
      assertThatThrownBy(() -> ConfigLoader.load(yaml, env(), false)).as(bad[0]).hasMessageContaining(bad[1]);
    }
    Files.writeString(yaml, "redis:\n  cluster: true\n");
    assertThat(ConfigLoader.load(yaml, env(), false).redis().cluster()).as("Redis Cluster is supported (issue 17)")
        .isTrue();
  }
}
