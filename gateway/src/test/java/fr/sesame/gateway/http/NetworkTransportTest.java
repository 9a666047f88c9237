package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fr.sesame.gateway.store.redis.RedisConnector;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.resource.EpollProvider;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On Linux x86-64 (and ARM64, whose library the jar also ships; not run here), the gateway's HTTP server and
 * its Redis client run on Netty's native epoll transport: at 800 journeys/s on 2 cores it took the p99 from
 * 148 ms (Java NIO) to 25 ms (docs/benchmarks.md).
 */
class NetworkTransportTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  @Test
  void linuxRunsOnNativeEpoll() {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
        && System.getProperty("os.arch").matches("amd64|x86_64|aarch64"), "native epoll ships for Linux x86-64 and ARM64");
    assertThat(gw.gateway.vertx().isNativeTransportEnabled()).as("Vert.x on native epoll").isTrue();
    assertThat(EpollProvider.isAvailable()).as("Lettuce finds native epoll").isTrue();
    assertThat(gw.http.get("/health/ready", null).status()).isEqualTo(200);
  }

  /** Requests' Redis commands go over their event loop's own connection (see RedisConnectorTest). */
  @Test
  void requestsUseTheConnectionOfTheirEventLoop() {
    assumeTrue(gw.gateway.vertx().isNativeTransportEnabled() == EpollProvider.isAvailable());
    String election = gw.openElection();
    gw.fullLogin(election, "alice", "20231234", "sms", "+33612345678");
    String api = "sesame-" + gw.gateway.instance() + "-api";
    Map<String, String> lastCommand = new TreeMap<>();
    TestRedis.clients(api).forEach((name, fields) -> lastCommand.put(name, fields.get("cmd")));
    int loops = RedisConnector.loopsOf(gw.gateway.vertx()).size();
    assertThat(lastCommand).as("one shared connection and one per event loop").hasSize(loops + 1);
    // the login's last command (the code step's script) went over a loop's connection, not the shared one
    assertThat(lastCommand.entrySet()).anySatisfy(e -> {
      assertThat(e.getKey()).contains("-loop");
      assertThat(e.getValue()).startsWith("evalsha");
    });
    assertThat(lastCommand.get(api)).doesNotStartWith("evalsha");
  }
}
