package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.LatencyProxy;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A login step costs the gateway at most 2 Redis round trips: the Lua script that decides, then (for the
 * secret step) the outbox accept of the code and the audit append, sent together. Counted on the API's own
 * connection by Lettuce's command listener (sesame_redis_round_trips_total: a command sent while none
 * awaits its answer starts a round trip); a script counts once whatever it runs inside Redis. Redis is
 * reached through a proxy adding 5 ms each way: on loopback a reply can come back before the next command
 * of the same step is sent, which would look like a round trip although nothing waited for it. The outbox
 * dispatcher has its own connection, and is quiet here.
 */
class RedisRoundTripBudgetTest {
  /** 5 ms each way, as between two machines: commands sent together overlap, each wait is a round trip. */
  static final LatencyProxy network = new LatencyProxy(fr.sesame.testkit.TestRedis.url(), 5);
  @RegisterExtension
  static final TestGateway gw = new TestGateway(1, TestGateway.QUIET_OUTBOX, null, network.url());

  @org.junit.jupiter.api.AfterAll
  static void closeNetwork() {
    network.close();
  }

  private static long commands() {
    return gw.gateway.redisCommandsSent();
  }

  private static long roundTrips() {
    return gw.gateway.redisRoundTrips();
  }

  @Test
  void eachLoginStepCostsAtMostTwoRedisCommands() {
    String el = gw.openElection();
    // warms Redis's script cache (a first use costs NOSCRIPT + EVAL) and the gateway's election cache
    String warmChallenge = gw.login(el, "chloe", "4321", "sms").json().getString("challengeId");
    gw.http.post("/v1/elections/" + el + "/login/" + warmChallenge + "/resend", new JsonObject());
    String warm = gw.verify(el, warmChallenge, gw.lastCode("+33698765432")).json().getString("sessionToken");
    gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", warm));

    long[] before = {commands(), roundTrips()};
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    long[] afterLogin = {commands(), roundTrips()};
    Http.Res wrong = gw.login(el, "bruno", "0", "sms");
    long[] afterWrong = {commands(), roundTrips()};
    Http.Res resend = gw.http.post("/v1/elections/" + el + "/login/" + login.json().getString("challengeId")
        + "/resend", new JsonObject());
    long[] afterResend = {commands(), roundTrips()};
    Http.Res verify = gw.verify(el, login.json().getString("challengeId"), gw.lastCode("+33612345678"));
    long[] afterVerify = {commands(), roundTrips()};
    gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", verify.json().getString("sessionToken")));
    long[] afterIntrospect = {commands(), roundTrips()};

    assertThat(login.status()).isEqualTo(200);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(resend.status()).as(resend.body()).isEqualTo(200);
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
    assertThat(afterLogin[1] - before[1]).as("secret step: round trips").isLessThanOrEqualTo(2);
    // the outbox accept and the audit append are made in one turn: one command (LuaScript.gatheredPerTurn)
    assertThat(afterLogin[0] - before[0]).as("secret step: script, then outbox accept and audit together")
        .isEqualTo(2);
    assertThat(afterWrong[1] - afterLogin[1]).as("failed secret step: round trips").isLessThanOrEqualTo(2);
    assertThat(afterWrong[0] - afterLogin[0]).as("failed secret step: script, audit").isEqualTo(2);
    assertThat(afterResend[1] - afterWrong[1]).as("resend of the valid code: round trips").isLessThanOrEqualTo(2);
    assertThat(afterResend[0] - afterWrong[0])
        .as("resend: script, then outbox accept (copying the code) and audit together").isEqualTo(2);
    assertThat(afterVerify[1] - afterResend[1]).as("code step: round trips").isLessThanOrEqualTo(2);
    assertThat(afterVerify[0] - afterResend[0]).as("code step: script, audit").isEqualTo(2);
    assertThat(afterIntrospect[1] - afterVerify[1]).as("introspection").isEqualTo(1);
    assertThat(gw.http.get("/metrics", null).body()).contains("sesame_redis_commands_total",
        "sesame_redis_round_trips_total");
  }
}
