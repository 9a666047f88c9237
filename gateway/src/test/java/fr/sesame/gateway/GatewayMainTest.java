package fr.sesame.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.GatewayProcess;
import fr.sesame.gateway.support.GatewayProcess.Outcome;
import fr.sesame.testkit.TestRedis;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Base64;
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
}
