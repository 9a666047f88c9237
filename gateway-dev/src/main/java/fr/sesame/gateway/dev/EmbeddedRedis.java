package fr.sesame.gateway.dev;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A throw-away Redis for dev mode and the benchmarks when {@code REDIS_URL} is not set: the binary shipped in
 * the embedded-redis artifact (or, failing that, {@code redis-server} on the PATH), on a free loopback port,
 * persisting nothing. It lives in the dev launcher ({@code gateway-dev}), never in the production jar; dev mode
 * finds it through {@link Starter}. (Tests start theirs from the test kit: {@code fr.sesame.testkit.LocalRedis}.)
 */
public final class EmbeddedRedis implements DevRedis {
  /** What {@code GatewayMain dev} loads through {@link java.util.ServiceLoader} (META-INF/services). */
  public static final class Starter implements DevRedis.Starter {
    @Override
    public DevRedis start() throws IOException {
      return EmbeddedRedis.start();
    }
  }

  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** The Redis binary embedded-redis ships (6.2), else a {@code redis-server} on the PATH. */
  public static EmbeddedRedis start() throws IOException {
    // each looked up only when tried: newExecutableInPath throws at once where no redis-server is installed
    return start(List.of(ExecutableProvider::newJarResourceProvider,
        () -> ExecutableProvider.newExecutableInPath("redis-server")));
  }

  /** Finds a Redis binary; may throw when there is none of its kind. */
  @FunctionalInterface
  private interface Binary {
    ExecutableProvider find() throws IOException;
  }

  private static EmbeddedRedis start(List<Binary> binaries) throws IOException {
    IOException first = null;
    for (Binary binary : binaries) {
      try {
        return start(binary.find());
      } catch (IOException | RuntimeException e) {
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    throw first;
  }

  private static EmbeddedRedis start(ExecutableProvider provider) throws IOException {
    int port = freePort();
    RedisServer server = RedisServer.newRedisServer().executableProvider(provider).bind("127.0.0.1").port(port)
        .setting("save \"\"").setting("appendonly no").setting("repl-diskless-sync yes")
        // as the README advises: a voter's hash (encrypted fields up to ~150 characters) stays compact
        .setting("hash-max-ziplist-value " + fr.sesame.gateway.store.redis.RedisMemory.HASH_VALUE_BYTES)
        .onShutdownForceStop(true).build();
    server.start();
    return new EmbeddedRedis(server, port);
  }

  @Override
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException ignored) {
      // the process is gone either way
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
