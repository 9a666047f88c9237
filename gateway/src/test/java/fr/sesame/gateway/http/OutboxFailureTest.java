package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.NoProviderNotifier;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.support.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A notification no provider takes ends failed, visibly. Its own class: every running dispatcher shares the
 * consumer group, so no other gateway (with a working notifier) may run meanwhile.
 */
class OutboxFailureTest {
  static String phone() {
    return "+3361" + String.format("%07d", Math.floorMod(UUID.randomUUID().hashCode(), 10_000_000));
  }

  @Test
  void aMessageNoProviderTakesEndsFailedAndSaysWhy() throws Exception {
    try (TestGateway failing = new TestGateway(1, OutboxConfig.DEFAULTS, (v, r) -> new NoProviderNotifier())) {
      String election = failing.openElection();
      JsonObject request = new JsonObject().put("channel", "sms")
          .put("to", phone()).put("template", "login-code").put("idempotencyKey", UUID.randomUUID().toString())
          .put("data", new JsonObject().put("code", "1").put("codeSpoken", "1").put("minutes", 5));
      assertThat(failing.http.post("/v1/notifications", PLATFORM, request.copy().put("electionId", "no-such"))
          .status()).isEqualTo(404);
      Http.Res accepted = failing.http.post("/v1/notifications", PLATFORM, request.put("electionId", election));
      String id = accepted.json().getString("id");
      JsonObject status = failing.http.awaitNotification(PLATFORM, id, "failed", "sent");
      assertThat(status.getString("status")).isEqualTo("failed");
      assertThat(status.getString("error")).contains("no provider is configured for sms");
      assertThat(failing.http.get("/metrics", null).body())
          .contains("sesame_notifications_total{status=\"failed\",template=\"login-code\"}");
      // visible in the election's audit trail too, whose chains still hold with the dispatcher as a writer
      long until2 = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      String audit = "";
      while (!audit.contains("notification.failed") && System.nanoTime() < until2) {
        audit = failing.http.get("/v1/admin/elections/" + election + "/audit", TestGateway.ADMIN).body();
      }
      assertThat(audit).contains("\"type\":\"notification.accepted\"", "\"type\":\"notification.failed\"",
          "no provider is configured for sms").doesNotContain(request.getString("to"));
      JsonObject verify = failing.http.get("/v1/admin/elections/" + election + "/audit/verify", TestGateway.ADMIN)
          .json();
      assertThat(verify.getBoolean("valid")).as(verify.encode()).isTrue();
      assertThat(verify.getInteger("writers")).isEqualTo(2);
    }
  }
}
