package fr.sesame.testkit;

import java.io.IOException;
import java.util.List;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis server process of the test's own, on a free loopback port, persisting nothing: from the
 * {@code com.github.codemonstur:embedded-redis} artifact's binary (Redis 6.2) or the machine's
 * {@code redis-server}. {@link TestRedis} starts one for a test run when {@code REDIS_URL} is not set; a test
 * that stops its Redis on purpose (an outage) starts its own. Stopped by {@link #close()}, and at the latest
 * when the JVM exits.
 */
public final class LocalRedis implements AutoCloseable {
  /**
   * {@code hash-max-ziplist-value}, as the gateway's README advises (the gateway's
   * {@code RedisMemory.HASH_VALUE_BYTES}; a gateway test checks the two agree): a voter's hash of encrypted
   * fields stays compact.
   */
  public static final int HASH_MAX_ZIPLIST_VALUE = 256;

  private final RedisServer server;
  private final int port;

  private LocalRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** The binary the embedded-redis artifact ships (6.2), else a {@code redis-server} on the PATH. */
  public static LocalRedis start() {
    return start(List.of(ExecutableProvider::newJarResourceProvider, LocalRedis::installed));
  }

  /**
   * A {@code redis-server} on the PATH (the machine's own, often newer: the load tests want Redis 7), else
   * the binary the artifact ships.
   */
  public static LocalRedis startInstalledFirst() {
    return start(List.of(LocalRedis::installed, ExecutableProvider::newJarResourceProvider));
  }

  /** One binary to try; looked up only when tried, so a missing {@code redis-server} is just a failed try. */
  private interface Binary {
    ExecutableProvider find() throws IOException;
  }

  private static ExecutableProvider installed() throws IOException {
    return ExecutableProvider.newExecutableInPath("redis-server");
  }

  private static LocalRedis start(List<Binary> binaries) {
    IllegalStateException failed = new IllegalStateException("no Redis could start (tried " + binaries.size()
        + " binaries; see the suppressed exceptions)");
    for (Binary binary : binaries) {
      try {
        return start(binary.find());
      } catch (IOException | RuntimeException e) {
        failed.addSuppressed(e);
      }
    }
    throw failed;
  }

  private static LocalRedis start(ExecutableProvider provider) throws IOException {
    int port = Ports.unused();
    RedisServer server = RedisServer.newRedisServer().executableProvider(provider).bind("127.0.0.1").port(port)
        .setting("save \"\"").setting("appendonly no").setting("repl-diskless-sync yes")
        .setting("hash-max-ziplist-value " + HASH_MAX_ZIPLIST_VALUE)
        .onShutdownForceStop(true).build();
    server.start();
    return new LocalRedis(server, port);
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the server (a test's outage, or the end of its use). */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException ignored) {
      // the process is gone either way
    }
  }
}
