package fr.sesame.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.GatewayProcess;
import fr.sesame.gateway.support.GatewayProcess.Outcome;
import fr.sesame.testkit.TestRedis;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Base64;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 6, as an operator meets it: {@code GatewayMain} in a process of its own, its exit status and
 * its output.
 */
class GatewayMainTest {
  private static final Map<String, String> KEYS = Map.of(
      "SESAME_HASH_KEY", Base64.getEncoder().encodeToString(new byte[32]),
      "SESAME_DATA_KEY", Base64.getEncoder().encodeToString(new byte[32]),
      "SESAME_API_KEYS", "admin:admin-key-1",
      "SESAME_EVIDENCE_KEY", fr.sesame.gateway.crypto.EvidenceKey.generate().pkcs8(),
      "SESAME_EVIDENCE_DIR", System.getProperty("java.io.tmpdir") + "/sesame-evidence-main-test");

  @Test
  void helpPrintsTheUsageAndExitsZero() {
    Outcome o = GatewayProcess.run(Map.of(), "--help");
    assertThat(o.exitCode()).as(o.output()).isZero();
    assertThat(o.output()).contains("serve", "dev", "--config FILE", "--version", "SESAME_HASH_KEY", "REDIS_URL",
        "SESAME_HTTP_PORT").doesNotContain("ERROR");
    assertThat(GatewayProcess.run(Map.of(), "serve", "--help").exitCode()).isZero();
  }

  @Test
  void versionPrintsTheVersionAndExitsZero() {
    Outcome o = GatewayProcess.run(Map.of(), "--version");
    assertThat(o.exitCode()).as(o.output()).isZero();
    assertThat(o.output().strip()).matches("sesame-gateway \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }

  @Test
  void everyMissingEnvironmentVariableIsNamedInOneStart() {
    Outcome o = GatewayProcess.run(Map.of(), "serve");
    assertThat(o.exitCode()).as(o.output()).isEqualTo(2);
    assertThat(o.output()).contains("REDIS_URL", "SESAME_HASH_KEY", "SESAME_DATA_KEY", "SESAME_API_KEYS",
            "SESAME_EVIDENCE_KEY")
        .doesNotContain("\tat ");
    assertThat(o.output().lines().filter(l -> l.contains(" ERROR "))).hasSize(1);
  }

  @Test
  void aRedisUrlOfAnotherSchemeIsNamed() {
    Map<String, String> env = new java.util.HashMap<>(KEYS);
    env.put("REDIS_URL", "http://127.0.0.1:6379");
    Outcome o = GatewayProcess.run(env, "serve");
    assertThat(o.exitCode()).as(o.output()).isEqualTo(2);
    assertThat(o.output()).contains("REDIS_URL: 'http://127.0.0.1:6379' is not a Redis URI").doesNotContain("\tat ");
  }

  @Test
  void aPortInUseIsNamedWithSesameHttpPortWithoutAStackTrace() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      // REDIS_URL: the gateway's class path, like the production jar, has no embedded Redis for dev mode
      Outcome o = GatewayProcess.run(Map.of("SESAME_HTTP_PORT", Integer.toString(taken.getLocalPort()),
          "REDIS_URL", TestRedis.url()), "dev");
      assertThat(o.exitCode()).as(o.output()).isEqualTo(1);
      assertThat(o.output().lines().filter(l -> l.contains(" ERROR ")).toList()).as(o.output()).singleElement()
          .asString().contains(":" + taken.getLocalPort() + " (the port is in use)").contains("SESAME_HTTP_PORT");
      assertThat(o.output()).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  /** Issue 13, point 9: the production jar ships no Redis, so {@code dev} needs REDIS_URL or the dev launcher. */
  @Test
  void devWithoutRedisUrlInTheProductionJarNamesRedisUrlAndTheDevLauncher() {
    Outcome o = GatewayProcess.run(Map.of(), "dev");
    assertThat(o.exitCode()).as(o.output()).isEqualTo(2);
    assertThat(o.output().lines().filter(l -> l.contains(" ERROR ")).toList()).as(o.output()).singleElement()
        .asString().contains("REDIS_URL", "java -jar gateway-dev/target/sesame-gateway-dev.jar dev");
    assertThat(o.output()).doesNotContain("\tat ");
  }

  /**
   * Issue 16, point 5: {@code verify-bundle} as the expert runs it, without Redis: its exit status says valid (0),
   * invalid (1) or unusable input (2).
   */
  @Test
  void verifyBundleExitsZeroWhenValidOneWhenInvalidTwoWhenUnusable(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    fr.sesame.gateway.crypto.EvidenceKey key = fr.sesame.gateway.crypto.EvidenceKey.generate();
    String header = new io.vertx.core.json.JsonObject().put("kind", "bundle")
        .put("format", fr.sesame.gateway.evidence.EvidenceBundle.FORMAT).put("version", 1).put("el", "quiet")
        .put("created", "2026-12-01T09:00:00Z")
        .put("key", fr.sesame.gateway.evidence.EvidenceBundle.publicKey(key)).encode();
    String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest((header + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    String manifest = new fr.sesame.gateway.evidence.Manifest("quiet", 1, digest, 0, 0, 0, 0, key.kid(), "")
        .signedBy(key).line();
    Path good = Files.writeString(dir.resolve("good.jsonl"), header + "\n" + manifest + "\n");
    Outcome valid = GatewayProcess.run(Map.of(), "verify-bundle", good.toString(), "--key", key.kid());
    assertThat(valid.exitCode()).as(valid.output()).isZero();
    assertThat(valid.output()).contains("bundle of election quiet").endsWith("valid\n");
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), header + "\n" + manifest.replace("quiet", "loud") + "\n");
    Outcome invalid = GatewayProcess.run(Map.of(), "verify-bundle", bad.toString(), "--key", key.kid());
    assertThat(invalid.exitCode()).as(invalid.output()).isEqualTo(1);
    assertThat(invalid.output()).contains("problem: the manifest is of election loud, not quiet");
    Outcome unusable = GatewayProcess.run(Map.of(), "verify-bundle", dir.resolve("none.jsonl").toString());
    assertThat(unusable.exitCode()).as(unusable.output()).isEqualTo(2);
    assertThat(unusable.output()).contains("unusable: cannot read");
  }
}
