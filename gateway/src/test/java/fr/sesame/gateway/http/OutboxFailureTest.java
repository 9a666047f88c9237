package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.NoProviderNotifier;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A notification no provider takes ends failed, visibly. Its own class: every running dispatcher shares the
 * consumer group, so no other gateway (with a working notifier) may run meanwhile.
 */
class OutboxFailureTest {
  @Test
  void aMessageNoProviderTakesEndsFailedAndSaysWhy() {
    try (TestGateway failing = new TestGateway(1, OutboxConfig.DEFAULTS, (v, r) -> new NoProviderNotifier())) {
      String election = failing.openElection();
      JsonObject request = new JsonObject().put("channel", "sms").put("to", TestGateway.randomPhone())
          .put("template", "login-code").put("idempotencyKey", UUID.randomUUID().toString())
          .put("data", new JsonObject().put("code", "1").put("codeSpoken", "1").put("minutes", 5));
      assertThat(failing.http.post("/v1/notifications", PLATFORM, request.copy().put("electionId", "no-such"))
          .status()).isEqualTo(404);
      Http.Res accepted = failing.http.post("/v1/notifications", PLATFORM, request.put("electionId", election));
      String id = accepted.json().getString("id");
      JsonObject status = failing.awaitNotification(id, "failed", "sent");
      assertThat(status.getString("status")).isEqualTo("failed");
      assertThat(status.getString("error")).contains("no provider is configured for sms");
      assertThat(failing.http.get("/metrics", null).body())
          .contains("sesame_notifications_total{status=\"failed\",template=\"login-code\"}");
      // visible in the election's audit trail too, whose chains still hold with the dispatcher as a writer;
      // the dispatcher appends it after the status: read the trail again each time Redis reports it changed
      String audit = TestRedis.readUntil(failing.redisUrl, TestRedis.literal(RedisKeys.audit(election)) + "*",
          () -> failing.http.get("/v1/admin/elections/" + election + "/audit", TestGateway.ADMIN).body(),
          a -> a.contains("notification.failed"), Duration.ofSeconds(10), "the audit trail's notification.failed");
      assertThat(audit).contains("\"type\":\"notification.accepted\"", "\"type\":\"notification.failed\"",
          "no provider is configured for sms").doesNotContain(request.getString("to"));
      JsonObject verify = failing.http.get("/v1/admin/elections/" + election + "/audit/verify", TestGateway.ADMIN)
          .json();
      assertThat(verify.getBoolean("valid")).as(verify.encode()).isTrue();
      assertThat(verify.getInteger("writers")).isEqualTo(2);
    }
  }
}
