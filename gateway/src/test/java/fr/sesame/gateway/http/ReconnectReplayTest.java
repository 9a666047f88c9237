package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.ResetProxy;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * At most once per request: the gateway's connection to Redis drops after Redis ran a login step's script but
 * before its answer came back (a proxy throws the reply away and closes the connection). Lettuce would send
 * the unanswered script again after reconnecting, and it would run twice; the gateway's client refuses to
 * (RedisConnector: REJECT_COMMANDS), so the step answers 503 and ran once.
 */
class ReconnectReplayTest {
  static final ResetProxy proxy = new ResetProxy(TestRedis.url());
  @RegisterExtension
  static final TestGateway gw = new TestGateway(1, TestGateway.QUIET_OUTBOX, null, proxy.url());

  /**
   * Runs each script once first, so that Redis knows them: a lost NOSCRIPT error (before EVAL) would lose
   * an answer to a script that never ran.
   */
  @BeforeAll
  static void warmScripts() {
    String el = gw.openElection();
    assertThat(gw.login(el, "bruno", "00000000", "email").status()).isEqualTo(401);
    gw.fullLogin(el, "chloe", "4321", "sms", "+33698765432");
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  static long failures(String el, String identifier) {
    String f = TestRedis.sync().hget(RedisKeys.voter(TestGateway.pseudonym(el, identifier)), "f");
    return f == null ? 0 : Long.parseLong(f);
  }

  static long sessions(String el, String identifier) {
    return TestRedis.sync().keys(RedisKeys.session(TestGateway.pseudonym(el, identifier), "*")).size();
  }

  /** Loses the answer to {@code request}'s first Redis reply, and waits until the connection is back. */
  private static Http.Res withLostAnswer(java.util.function.Supplier<Http.Res> request) {
    CompletableFuture<Void> back = gw.gateway.nextApiRedisReconnections(1);
    int before = proxy.resets();
    proxy.resetOnNextReply();
    Http.Res res = request.get();
    proxy.resetLog.await(n -> n > before, Duration.ofSeconds(10), "the connection reset");
    Await.await(back, Duration.ofSeconds(10));
    return res;
  }

  @Test
  void aWrongSecretWhoseAnswerIsLostIsCountedOnce() {
    String el = gw.openElection();

    Http.Res lost = withLostAnswer(() -> gw.login(el, "bruno", "00000000", "email"));

    assertThat(lost.status()).as(lost.body()).isEqualTo(503);
    assertThat(lost.contentType()).isEqualTo("application/problem+json");
    assertThat(failures(el, "bruno")).as("the failure, counted once").isEqualTo(1);
    Http.Res next = gw.login(el, "bruno", "00000000", "email");
    assertThat(next.status()).isEqualTo(401);
    assertThat(next.json().getInteger("remainingAttempts")).isEqualTo(3);
  }

  @Test
  void aRightCodeWhoseAnswerIsLostOpensOneSessionAndIsNotConsumedByAReplay() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    String challenge = login.json().getString("challengeId");
    String code = gw.lastCode("+33612345678");

    String path = "/v1/elections/" + el + "/login/" + challenge + "/verify";
    var key = java.util.Map.of("Idempotency-Key", "\"" + java.util.UUID.randomUUID() + "\"");
    var body = new io.vertx.core.json.JsonObject().put("code", code);

    Http.Res lost = withLostAnswer(() -> gw.http.post(path, key, body));

    assertThat(lost.status()).as("not the 404 of a replayed script: " + lost.body()).isEqualTo(503);
    assertThat(lost.contentType()).isEqualTo("application/problem+json");
    assertThat(sessions(el, "alice")).as("one session opened").isEqualTo(1);
    assertThat(failures(el, "alice")).isZero();

    Http.Res retried = gw.http.post(path, key, body);
    assertThat(retried.status()).as("the retry with the same key gets the session: " + retried.body()).isEqualTo(200);
    assertThat(gw.http.post("/v1/introspect", TestGateway.PLATFORM, new io.vertx.core.json.JsonObject()
        .put("token", retried.json().getString("sessionToken"))).json().getBoolean("active")).isTrue();
    assertThat(sessions(el, "alice")).as("the undelivered session ended, the retry's opened").isEqualTo(1);
  }
}
