package fr.sesame.gateway.support;

import fr.sesame.gateway.GatewayMain;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gateway as a separate process ({@code GatewayMain serve} on the tests' class path, in its own JVM), so a
 * test can kill it with SIGKILL as a crash would. Its output goes to {@code target/<name>.log}; it counts as
 * started when it logs the line the product logs once it listens.
 */
public final class GatewayProcess implements AutoCloseable {
  public static final String PLATFORM_KEY = "process-platform-key";
  public static final byte[] HASH_KEY = TestGateway.HASH_KEY;
  public static final byte[] DATA_KEY = TestGateway.DATA_KEY;
  public final int port;
  public final Http http;
  private final Process process;

  private GatewayProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    this.http = new Http(port);
  }

  /**
   * Starts {@code GatewayMain serve} with {@code yaml} as its configuration (HTTP port and keys are set here) and
   * returns once it listens.
   * @param name names its log file
   */
  public static GatewayProcess start(String name, String redisUrl, String yaml) {
    try {
      Path dir = Path.of("target", "gateway-processes");
      Files.createDirectories(dir);
      Path config = dir.resolve(name + ".yaml");
      Files.writeString(config, yaml);
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dlogback.configurationFile=" + mainLogback(), "-cp", classPath(), GatewayMain.class.getName(),
          "serve", "--config", config.toAbsolutePath().toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("REDIS_URL", redisUrl);
      env.put("SESAME_HASH_KEY", Base64.getEncoder().encodeToString(HASH_KEY));
      env.put("SESAME_DATA_KEY", Base64.getEncoder().encodeToString(DATA_KEY));
      env.put("SESAME_EVIDENCE_KEY", fr.sesame.gateway.crypto.EvidenceKey.generate().pkcs8());
      env.put("SESAME_EVIDENCE_DIR", java.nio.file.Files.createTempDirectory("sesame-evidence").toString());
      env.put("SESAME_API_KEYS", "platform:" + PLATFORM_KEY);
      int port = Ports.unused();
      env.put("SESAME_HTTP_PORT", Integer.toString(port));
      GatewayProcess started = new GatewayProcess(pb.start(), port);
      started.relay(dir.resolve(name + ".log"));
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a {@link #run} of {@code GatewayMain} ended with. */
  public record Outcome(int exitCode, String output) {}

  /**
   * Runs {@code GatewayMain} with {@code args} in a JVM of its own, with exactly {@code env} as its environment
   * (nothing inherited), and waits for it to end (60 s at most).
   */
  public static Outcome run(Map<String, String> env, String... args) {
    try {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dlogback.configurationFile=" + mainLogback(), "-cp", classPath(), GatewayMain.class.getName()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("GatewayMain " + String.join(" ", args) + " did not end within 60 s");
      }
      return new Outcome(p.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies its output to {@code log} and returns once it logged that it listens (60 s at most). */
  private void relay(Path log) throws IOException {
    CompletableFuture<Void> listening = new CompletableFuture<>();
    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true);
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          out.println(line);
          if (line.contains("Sesame gateway listening on port")) {
            listening.complete(null);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      } finally {
        out.close();
        listening.completeExceptionally(new IllegalStateException("the gateway process ended before it listened; see "
            + log));
      }
    }, "gateway-process-output");
    t.setDaemon(true);
    t.start();
    Await.await(listening, Duration.ofSeconds(60));
  }

  /** SIGKILL, as a crash: returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    http.close();
    if (process.isAlive()) {
      kill();
    }
  }

  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  /** The product's logback.xml (the tests' own logback-test.xml would hide the line it waits for). */
  private static String mainLogback() {
    try {
      return Path.of(GatewayMain.class.getClassLoader().getResource("logback.xml").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
