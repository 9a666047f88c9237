package fr.sesame.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.EventLog;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.Ports;
import fr.sesame.testkit.TestRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, point 7: SIGTERM stops the gateway in order. The gateway runs as a process of its own
 * ({@code GatewayMain dev}, on the test Redis), and a roll import is in flight when SIGTERM arrives: the test
 * holds the rest of its body. New connections are not served, the import still gets its answer with every line
 * imported, the process exits 0 within {@link Gateway#SHUTDOWN_GRACE}, and its output has no ERROR line.
 */
class GracefulShutdownTest {
  private static final int LINES = 1_200;

  @Test
  void sigtermAnswersTheRequestsInFlightThenExitsZeroWithoutError() throws Exception {
    int port = Ports.unused();
    EventLog<String> output = new EventLog<>();
    Process gateway = start(port, output);
    try {
      output.await(l -> l.contains("Sesame is running in DEV mode"), Duration.ofSeconds(60), "the dev start-up line");
      String el = TestGateway.newElectionId();
      try (Http http = new Http(port)) {
        Instant now = Instant.now();
        Http.Res put = http.put("/v1/admin/elections/" + el, "dev-admin",
            TestGateway.electionBody(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1))));
        assertThat(put.status()).as(put.body()).isEqualTo(201);
      }

      try (Socket upload = new Socket("127.0.0.1", port)) {
        OutputStream out = upload.getOutputStream();
        out.write(("POST /v1/admin/elections/" + el + "/voters HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer dev-admin\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        chunk(out, "identifier,college,lastName,firstName,birthDate,email,phone,secret\n" + lines(0, LINES / 2));
        // the gateway is working on it: the first batch of voters is in Redis
        String first = RedisKeys.voter(new VoterKeys(new KeyedHasher(Base64.getDecoder()
            .decode(GatewayMain.DEV_HASH_KEY)), new RandomTokens()).of(el, "s0").pseudonym());
        TestRedis.readUntil(TestRedis.literal(first), () -> TestRedis.sync().exists(first), n -> n == 1,
            Duration.ofSeconds(20), "the import's first voters in Redis");

        long signalled = System.nanoTime();
        gateway.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of its output)
        output.await(l -> l.contains("Stopping: no new connections"), Duration.ofSeconds(10), "the stop line");
        int stopLine = output.all().indexOf(output.await(l -> l.contains("no longer accepts connections"),
            Duration.ofSeconds(10), "an HTTP event loop closed to new connections"));
        output.awaitFrom(stopLine + 1, l -> l.contains("no longer accepts connections"), Duration.ofSeconds(10),
            "the other HTTP event loop closed to new connections"); // the socket closes when both have
        assertThat(answers(port)).as("a request on a new connection after SIGTERM is answered").isFalse();

        // the rest of the body: the import in flight is answered, whole
        chunk(out, lines(LINES / 2, LINES));
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = new String(upload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).startsWith("HTTP/1.1 200").contains("\"imported\":" + LINES);

        assertThat(gateway.waitFor(Gateway.SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS))
            .as("the gateway exited within the grace period").isTrue();
        System.out.printf("SIGTERM to exit: %d ms%n", (System.nanoTime() - signalled) / 1_000_000);
      }
      assertThat(gateway.exitValue()).as(String.join("\n", output.all())).isZero();
      output.await(l -> l.contains("Sesame gateway stopped"), Duration.ofSeconds(5), "the last line");
      // (a connection that reaches the acceptor while the socket closes may leave Netty's WARN "Failed to register
      // an accepted channel": the probe above can cause it; it is not an error of ours)
      assertThat(output.all()).as("the gateway's output").noneMatch(l -> l.contains(" ERROR "));
    } finally {
      gateway.destroyForcibly();
    }
  }

  /** {@code GatewayMain dev} in a JVM of its own, on the test Redis, its output line by line into {@code output}. */
  private static Process start(int port, EventLog<String> output) throws IOException {
    // the test's classpath without the test classes (their logback-test.xml would replace the gateway's logging)
    String classpath = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(p -> !p.endsWith("test-classes")).collect(Collectors.joining(java.io.File.pathSeparator));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", classpath, GatewayMain.class.getName(), "dev"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("REDIS_URL", TestRedis.url());
    pb.environment().put("SESAME_HTTP_PORT", Integer.toString(port));
    Process p = pb.start();
    Thread relay = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.add(line);
        }
      } catch (IOException e) {
        output.add("relay stopped: " + e);
      }
    }, "gateway-output");
    relay.setDaemon(true);
    relay.start();
    return p;
  }

  /**
   * Whether a request on a new connection gets any answer. The listening socket closes on the acceptor's thread
   * shortly after the servers' shutdown began, so the connection may still be taken by the kernel's backlog: it
   * must then be reset or closed without an answer, never served.
   */
  private static boolean answers(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(15_000); // bounded: a connection left in the backlog is reset when the socket closes
      s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      return s.getInputStream().read() != -1;
    } catch (java.net.SocketException e) { // refused (ConnectException), or reset
      return false;
    }
  }

  private static void chunk(OutputStream out, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Voters s{from} to s{to - 1} of the etudiants college. */
  private static String lines(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append("s").append(i).append(",etudiants,Nom,Prenom,2001-01-01,s").append(i).append("@univ-test.fr,,S")
          .append(String.format("%07d", i)).append('\n');
    }
    return b.toString();
  }
}
