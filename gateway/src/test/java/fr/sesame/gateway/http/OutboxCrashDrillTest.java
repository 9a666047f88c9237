package fr.sesame.gateway.http;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.sesame.gateway.support.GatewayProcess;
import fr.sesame.gateway.support.RedisProcess;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.Ports;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The crash drill: 3,000 notifications, the gateway process killed with SIGKILL mid-drain, a new one started on
 * the same Redis: nothing accepted is lost, with a chain of one provider (what a crash interrupted goes to it
 * again, a possible duplicate) and of two (it goes to the second); every message received more than once shows
 * the interrupted attempt in its history. Email through the real SMTP adapter to real SMTP servers (GreenMail),
 * a Redis process and gateway processes of the test's own.
 */
class OutboxCrashDrillTest {
  static final int COUNT = 3_000;

  @Test
  void nothingIsLostWhenTheGatewayIsKilledMidDrainWithOneProvider() throws Exception {
    drill(1);
  }

  @Test
  void nothingIsLostWhenTheGatewayIsKilledMidDrainWithTwoProviders() throws Exception {
    drill(2);
  }

  static String yaml(List<GreenMail> smtp) {
    StringBuilder chain = new StringBuilder();
    StringBuilder providers = new StringBuilder();
    for (int i = 0; i < smtp.size(); i++) {
      String name = "smtp" + (i + 1);
      chain.append(i == 0 ? "" : ", ").append(name);
      providers.append("      ").append(name).append(": { type: smtp, host: 127.0.0.1, port: ")
          .append(smtp.get(i).getSmtp().getPort()).append(", starttls: disabled, from: \"no-reply@sesame.fr\" }\n");
    }
    return "http: { host: 127.0.0.1, instances: 1, plain: true }\n"
        + "channels:\n  email:\n    chain: [" + chain + "]\n    providers:\n" + providers;
  }

  static List<GreenMail> smtpServers(int n) {
    List<GreenMail> servers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GreenMail g = new GreenMail(new ServerSetup(Ports.unused(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      g.start();
      servers.add(g);
    }
    return servers;
  }

  /** Accepts {@code count} emails through {@code http}; returns each id by recipient (every one answered 202). */
  static Map<String, String> accept(Http http, String run, int count) {
    List<Future<Http.Res>> calls = new ArrayList<>();
    List<String> recipients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String to = "d" + i + "-" + run + "@drill.test";
      recipients.add(to);
      JsonObject body = new JsonObject().put("channel", "email").put("to", to).put("template", "access-codes")
          .put("idempotencyKey", UUID.randomUUID().toString()).put("data", new JsonObject()
              .put("electionName", "CA 2026").put("identifier", "v" + i).put("url", "https://vote.example"));
      calls.add(http.async(HttpMethod.POST, "/v1/notifications", GatewayProcess.PLATFORM_KEY, "application/json",
          Buffer.buffer(body.encode())));
    }
    List<Http.Res> answers = http.parallel(calls);
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < count; i++) {
      assertThat(answers.get(i).status()).as(answers.get(i).body()).isEqualTo(202);
      ids.put(recipients.get(i), answers.get(i).json().getString("id"));
    }
    return ids;
  }

  /** How many messages each recipient received, over every server. */
  static Map<String, Integer> received(List<GreenMail> smtp) throws Exception {
    Map<String, Integer> byRecipient = new HashMap<>();
    for (GreenMail g : smtp) {
      for (MimeMessage m : g.getReceivedMessages()) {
        byRecipient.merge(m.getAllRecipients()[0].toString(), 1, Integer::sum);
      }
    }
    return byRecipient;
  }

  static int receivedCount(List<GreenMail> smtp) {
    return smtp.stream().mapToInt(g -> g.getReceivedMessages().length).sum();
  }

  /** Waits until both streams are empty: every entry finished (finish.lua deletes it). */
  static void awaitDrained(String redisUrl, RedisCommands<String, String> redis, Duration within) {
    TestRedis.readUntil(redisUrl, "gw:{nt}:s:*", () -> redis.xlen("gw:{nt}:s:hi") + redis.xlen("gw:{nt}:s:lo"),
        n -> n == 0, within, "the outbox drained");
  }

  void drill(int providers) throws Exception {
    List<GreenMail> smtp = smtpServers(providers);
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (RedisProcess redis = RedisProcess.start(); var connection = TestRedis.connect(redis.url())) {
      RedisCommands<String, String> r = connection.sync();
      Map<String, String> ids;
      int atKill;
      long inFlightAtKill;
      try (GatewayProcess first = GatewayProcess.start("drill-" + providers + "-first", redis.url(), yaml(smtp))) {
        ids = accept(first.http, run, COUNT);
        first.kill();
        atKill = receivedCount(smtp);
        inFlightAtKill = r.xpending("gw:{nt}:s:lo", "dispatch").getCount();
      }
      assertThat(atKill).as("killed mid-drain").isLessThan(COUNT);
      assertThat(inFlightAtKill).as("sends were in flight when it was killed").isPositive();

      long restarted = System.nanoTime();
      try (GatewayProcess second = GatewayProcess.start("drill-" + providers + "-second", redis.url(), yaml(smtp))) {
        awaitDrained(redis.url(), r, Duration.ofSeconds(60));
      }
      Map<String, Integer> got = received(smtp);
      int interrupted = 0;
      List<String> problems = new ArrayList<>();
      for (var e : ids.entrySet()) {
        String id = e.getValue();
        Map<String, String> rec = r.hgetall("gw:{nt}:n:" + id);
        List<JsonObject> attempts = r.lrange("gw:{nt}:a:" + id, 0, -1).stream().map(JsonObject::new).toList();
        long shown = attempts.stream().filter(a -> a.getString("outcome").equals("accepted")
            || a.getString("outcome").startsWith("interrupted")).count();
        boolean wasInterrupted = attempts.stream().anyMatch(a -> a.getString("outcome").startsWith("interrupted"));
        interrupted += wasInterrupted ? 1 : 0;
        int times = got.getOrDefault(e.getKey(), 0);
        if (!"sent".equals(rec.get("st"))) {
          problems.add(id + " ended " + rec.get("st") + " " + rec.get("err"));
        }
        if (times == 0) {
          problems.add(id + " lost: never received");
        }
        if (times > shown) {
          problems.add(id + " received " + times + " times, its history shows " + attempts);
        }
        if (wasInterrupted && providers == 1 && rec.get("dup") == null) {
          problems.add(id + " sent again after a crash without being flagged a possible duplicate");
        }
        if (wasInterrupted && providers == 2 && !"smtp2".equals(rec.get("pr"))) {
          problems.add(id + " interrupted at smtp1 but not sent through smtp2: " + rec);
        }
      }
      assertThat(problems).as("lost, failed or hidden sends").isEmpty();
      assertThat(interrupted).as("the kill interrupted sends").isPositive();
      System.out.printf("crash drill, %d provider(s): %d accepted, %d received before the kill, %d in flight, "
              + "%d interrupted, %d duplicates, drained %d ms after the restart%n", providers, COUNT, atKill,
          inFlightAtKill, interrupted, got.values().stream().filter(n -> n > 1).count(),
          Duration.ofNanos(System.nanoTime() - restarted).toMillis());
    } finally {
      smtp.forEach(GreenMail::stop);
    }
  }
}
