package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.Ports;
import fr.sesame.testkit.RedisTopology;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 10: {@code rediss://}. The machine's {@code redis-server} (built with TLS) listening on a TLS
 * port only ({@code --port 0}), with a self-signed certificate: a voter logs in through a gateway whose every
 * Redis command went over TLS; with the default peer verification, the untrusted certificate stops start-up.
 */
class RedissLoginTest {
  private static final int TLS_PORT = Ports.unused();
  private static Process redis;

  @BeforeAll
  static void startRedisOverTls() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    redis = new ProcessBuilder(RedisTopology.binary(), "--port", "0", "--tls-port", Integer.toString(TLS_PORT),
        "--bind", "127.0.0.1", "--tls-cert-file", cert.certificatePath(), "--tls-key-file", cert.privateKeyPath(),
        "--tls-auth-clients", "no", "--save", "", "--appendonly", "no").redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(redis.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.contains("Ready to accept connections")) {
            ready.complete(null);
          }
        }
      } catch (Exception ignored) {
        // the process ended
      }
      ready.completeExceptionally(new IllegalStateException("redis-server with TLS ended before it was ready"));
    }, "redis-tls");
    reader.setDaemon(true);
    reader.start();
    Await.await(ready, Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.destroyForcibly();
    redis.waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void aVoterLogsInThroughRedisOverTls() {
    // verifyPeer=NONE: the test's certificate is self-signed; production keeps the default (see the README)
    try (TestGateway gw = new TestGateway(1, OutboxConfig.DEFAULTS, null,
        new RedisConfig("rediss://127.0.0.1:" + TLS_PORT + "?verifyPeer=NONE", false, Duration.ofSeconds(5)))) {
      String el = gw.openElection();
      String token = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
      assertThat(token).hasSize(64);
    }
  }

  @Test
  void anUntrustedRedisCertificateStopsStartUp() {
    assertThatThrownBy(() -> new TestGateway(1, OutboxConfig.DEFAULTS, null,
        new RedisConfig("rediss://127.0.0.1:" + TLS_PORT, false, Duration.ofSeconds(5))).close())
        .hasStackTraceContaining("PKIX");
  }
}
