package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.support.LatencyProxy;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.RedisTopology;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code WAIT} adds where a replica is asked for ({@code redis.minReplicas} 1, a real replica): one command
 * behind each confirmed write, pipelined on the same connection, so a login step still costs at most 2 round
 * trips (RedisRoundTripBudgetTest has the same steps without a replica). Redis is reached through a proxy adding
 * 5 ms each way, so that every wait for a reply shows as a round trip.
 */
class ReplicatedRoundTripBudgetTest {
  static RedisTopology redis;
  static LatencyProxy network;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    redis = RedisTopology.start(1, 0, Duration.ofSeconds(5));
    network = new LatencyProxy(redis.initialPrimary().url(), 5);
    gw = new TestGateway(1, TestGateway.QUIET_OUTBOX, null,
        new RedisConfig(network.url(), false, Duration.ofSeconds(5), 1, Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() {
    gw.close();
    network.close();
    redis.close();
  }

  private static long[] counters() {
    return new long[] {gw.gateway.redisCommandsSent(), gw.gateway.redisRoundTrips()};
  }

  @Test
  void eachConfirmedLoginStepStillCostsAtMostTwoRoundTrips() {
    String el = gw.openElection();
    String warmChallenge = gw.login(el, "chloe", "4321", "sms").json().getString("challengeId");
    // warms Redis's script cache (a first use costs NOSCRIPT + EVAL)
    String warm = gw.verify(el, warmChallenge, gw.lastCode("+33698765432")).json().getString("sessionToken");
    gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", warm));
    gw.login(el, "bruno", "0", "sms");

    long[] before = counters();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    long[] afterLogin = counters();
    Http.Res wrong = gw.login(el, "bruno", "0", "sms");
    long[] afterWrong = counters();
    Http.Res verify = gw.verify(el, login.json().getString("challengeId"), gw.lastCode("+33612345678"));
    long[] afterVerify = counters();
    gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", verify.json().getString("sessionToken")));
    long[] afterIntrospect = counters();

    assertThat(login.status()).as(login.body()).isEqualTo(200);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
    assertThat(afterLogin[1] - before[1]).as("secret step: round trips").isLessThanOrEqualTo(2);
    assertThat(afterLogin[0] - before[0]).as("secret step: script + WAIT, then accept and audit in one command + WAIT")
        .isEqualTo(4);
    assertThat(afterWrong[1] - afterLogin[1]).as("failed secret step: round trips").isLessThanOrEqualTo(2);
    assertThat(afterWrong[0] - afterLogin[0]).as("failed secret step: script + WAIT, audit + WAIT").isEqualTo(4);
    assertThat(afterVerify[1] - afterWrong[1]).as("code step: round trips").isLessThanOrEqualTo(2);
    assertThat(afterVerify[0] - afterWrong[0]).as("code step: script + WAIT, audit + WAIT").isEqualTo(4);
    assertThat(afterIntrospect[0] - afterVerify[0]).as("introspection: no WAIT").isEqualTo(1);
    assertThat(afterIntrospect[1] - afterVerify[1]).isEqualTo(1);
  }
}
