package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fr.sesame.gateway.support.TestGateway;
import io.lettuce.core.resource.EpollProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On Linux x86-64 (and ARM64, whose library the jar also ships; not run here), the gateway's HTTP server and its Redis client run on Netty's native epoll transport: at
 * 800 journeys/s on 2 cores it took the p99 from 148 ms (Java NIO) to 25 ms (docs/benchmarks.md).
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
}
