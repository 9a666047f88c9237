package fr.sesame.gateway.support;

import fr.sesame.testkit.Ports;
import fr.sesame.testkit.RedisTopology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The machine's {@code redis-server} as a process of the test's own, persisting nothing, that the test kills
 * with SIGKILL and starts again, empty, on the same port: Redis restarted without its data.
 */
public final class RedisProcess implements AutoCloseable {
  private final int port = Ports.unused();
  private Process process;

  private RedisProcess() {
  }

  /** Starts it and returns once it accepts connections (its own "Ready to accept connections" line). */
  public static RedisProcess start() {
    RedisProcess r = new RedisProcess();
    r.launch();
    return r;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** SIGKILL; returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts it again on the same port, without any data. */
  public void restartEmpty() {
    launch();
  }

  private void launch() {
    try {
      process = new ProcessBuilder(RedisTopology.binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process p = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.contains("Ready to accept connections")) {
            ready.complete(null);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      ready.completeExceptionally(new IllegalStateException("redis-server on " + port + " ended before it was ready"));
    }, "redis-" + port);
    reader.setDaemon(true);
    reader.start();
    fr.sesame.testkit.Await.await(ready, java.time.Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    kill();
  }
}
