package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import fr.sesame.gateway.support.GatewayProcess;
import fr.sesame.gateway.support.RedisProcess;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two gateway processes on one Redis, both taking notifications; one is killed with SIGKILL while requests keep
 * coming to the other: the survivor answers every one of them, and delivers what the dead one had accepted
 * and not sent, its in-flight sends included. Nothing accepted is lost. A chain of one provider (SMTP to
 * GreenMail).
 */
class TwoGatewaysCrashTest {
  static final int BEFORE = 2_000;
  static final int DURING = 1_000;

  static Future<Http.Res> post(Http http, String to) {
    JsonObject body = new JsonObject().put("channel", "email").put("to", to).put("template", "access-codes")
        .put("idempotencyKey", UUID.randomUUID().toString()).put("data", new JsonObject()
            .put("electionName", "CA 2026").put("identifier", to).put("url", "https://vote.example"));
    return http.async(HttpMethod.POST, "/v1/notifications", GatewayProcess.PLATFORM_KEY, "application/json",
        Buffer.buffer(body.encode()));
  }

  @Test
  void theSurvivorServesEveryRequestAndDeliversTheDeadOnesMessages() throws Exception {
    List<GreenMail> smtp = OutboxCrashDrillTest.smtpServers(1);
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (RedisProcess redis = RedisProcess.start(); var connection = TestRedis.connect(redis.url());
         GatewayProcess a = GatewayProcess.start("two-a", redis.url(), OutboxCrashDrillTest.yaml(smtp));
         GatewayProcess b = GatewayProcess.start("two-b", redis.url(), OutboxCrashDrillTest.yaml(smtp))) {
      RedisCommands<String, String> r = connection.sync();
      List<String> recipients = new ArrayList<>();
      List<Future<Http.Res>> calls = new ArrayList<>();
      for (int i = 0; i < BEFORE; i++) {
        String to = "t" + i + "-" + run + "@two.test";
        recipients.add(to);
        calls.add(post(i % 2 == 0 ? a.http : b.http, to));
      }
      List<Http.Res> before = a.http.parallel(calls);
      assertThat(before).allSatisfy(res -> assertThat(res.status()).as(res.body()).isEqualTo(202));

      // load on the survivor while the other dies
      List<Future<Http.Res>> during = new ArrayList<>();
      for (int i = 0; i < DURING; i++) {
        String to = "u" + i + "-" + run + "@two.test";
        recipients.add(to);
        during.add(post(b.http, to));
      }
      a.kill();
      int atKill = OutboxCrashDrillTest.receivedCount(smtp);
      List<Http.Res> answers = b.http.parallel(during);
      assertThat(answers).as("the survivor answers every request").allSatisfy(res ->
          assertThat(res.status()).as(res.body()).isEqualTo(202));
      assertThat(atKill).as("killed while the outbox drained").isLessThan(BEFORE + DURING);
      assertThat(b.http.get("/health/ready", null).status()).isEqualTo(200);

      OutboxCrashDrillTest.awaitDrained(redis.url(), r, Duration.ofSeconds(60));
      Map<String, String> ids = new HashMap<>();
      List<Http.Res> all = new ArrayList<>(before);
      all.addAll(answers);
      for (int i = 0; i < recipients.size(); i++) {
        ids.put(recipients.get(i), all.get(i).json().getString("id"));
      }
      Map<String, Integer> got = OutboxCrashDrillTest.received(smtp);
      List<String> problems = new ArrayList<>();
      for (var e : ids.entrySet()) {
        Map<String, String> rec = r.hgetall("gw:{nt}:n:" + e.getValue());
        if (!"sent".equals(rec.get("st"))) {
          problems.add(e.getValue() + " ended " + rec.get("st") + " " + rec.get("err"));
        }
        if (got.getOrDefault(e.getKey(), 0) == 0) {
          problems.add(e.getValue() + " lost: never received");
        }
      }
      assertThat(problems).as("lost or failed").isEmpty();
      System.out.printf("two gateways: %d accepted, %d received when one was killed, %d answered by the survivor "
          + "meanwhile, %d duplicates%n", ids.size(), atKill, DURING, got.values().stream().filter(n -> n > 1).count());
    } finally {
      smtp.forEach(GreenMail::stop);
    }
  }
}
