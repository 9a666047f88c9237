package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A login step costs the gateway at most 2 Redis commands, so at most 2 round trips: one Lua script that
 * decides, one that appends the audit events. Counted on the gateway's own connection (Lettuce's command
 * listener, exported as sesame_redis_commands_total); a script counts once whatever it runs inside Redis.
 * The outbox dispatcher is quiet here: its idle polls would be counted too.
 */
class RedisRoundTripBudgetTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway(1, TestGateway.QUIET_OUTBOX, null);

  private static long commands() {
    return gw.gateway.redisCommandsSent();
  }

  @Test
  void eachLoginStepCostsAtMostTwoRedisCommands() {
    String el = gw.openElection();
    // warms Redis's script cache (a first use costs NOSCRIPT + EVAL) and the gateway's election cache
    String warm = gw.fullLogin(el, "chloe", "4321", "sms", "+33698765432");
    gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", warm));

    long before = commands();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    long afterLogin = commands();
    Http.Res wrong = gw.login(el, "bruno", "0", "sms");
    long afterWrong = commands();
    Http.Res verify = gw.verify(el, login.json().getString("challengeId"), gw.lastCode("+33612345678"));
    long afterVerify = commands();
    gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", verify.json().getString("sessionToken")));
    long afterIntrospect = commands();

    assertThat(wrong.status()).isEqualTo(401);
    assertThat(afterLogin - before).as("secret step").isLessThanOrEqualTo(2);
    assertThat(afterWrong - afterLogin).as("failed secret step").isLessThanOrEqualTo(2);
    assertThat(afterVerify - afterWrong).as("code step").isLessThanOrEqualTo(2);
    assertThat(afterIntrospect - afterVerify).as("introspection").isEqualTo(1);
    assertThat(gw.http.get("/metrics", null).body()).contains("sesame_redis_commands_total");
  }
}
