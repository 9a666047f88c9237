package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A retried login step never counts twice: with the same {@code Idempotency-Key}, a repeat answers the first
 * outcome and counts no failure, charges no limit and uses up no resend. Without the key, steps run as before.
 * (A code step whose answer was lost to a reset, then repeated: ReconnectReplayTest.)
 */
class IdempotencyKeyTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  static Map<String, String> key(String k) {
    return Map.of("Idempotency-Key", "\"" + k + "\"");
  }

  static Http.Res login(String el, String identifier, String secret, String channel, String k) {
    return gw.http.post("/v1/elections/" + el + "/login", key(k),
        new JsonObject().put("identifier", identifier).put("secret", secret).put("channel", channel));
  }

  static long failures(String el, String identifier) {
    String f = TestRedis.sync().hget(RedisKeys.voter(TestGateway.pseudonym(el, identifier)), "f");
    return f == null ? 0 : Long.parseLong(f);
  }

  @Test
  void aRepeatedWrongSecretIsCountedOnceAndAnsweredAlike() {
    String el = gw.openElection();
    String k = UUID.randomUUID().toString();

    Http.Res first = login(el, "bruno", "00000000", "email", k);
    Http.Res again = login(el, "bruno", "00000000", "email", k);

    assertThat(first.status()).isEqualTo(401);
    assertThat(again.status()).isEqualTo(401);
    assertThat(again.json().getInteger("remainingAttempts")).isEqualTo(4);
    assertThat(failures(el, "bruno")).isEqualTo(1);
    Http.Res otherKey = login(el, "bruno", "00000000", "email", UUID.randomUUID().toString());
    assertThat(otherKey.json().getInteger("remainingAttempts")).as("another key is another attempt").isEqualTo(3);
    assertThat(gw.login(el, "bruno", "00000000", "email").json().getInteger("remainingAttempts"))
        .as("no key: counted as before").isEqualTo(2);
  }

  @Test
  void aRepeatedRightSecretAnswersTheFirstChallengeAndSendsNoSecondCode() {
    String el = gw.openElection();
    String k = UUID.randomUUID().toString();

    Http.Res first = login(el, "alice", "20231234", "email", k);
    int sent = gw.outbox.list("alice.martin@univ-test.fr").size();
    Http.Res again = login(el, "alice", "20231234", "email", k);

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().getString("challengeId")).isEqualTo(first.json().getString("challengeId"));
    assertThat(gw.outbox.list("alice.martin@univ-test.fr")).as("no second message").hasSize(sent);
    assertThat(gw.verify(el, first.json().getString("challengeId"), gw.lastCode("alice.martin@univ-test.fr"))
        .status()).isEqualTo(200);
  }

  @Test
  void aRepeatedWrongCodeIsCountedOnceAndARepeatedRightCodeOpensASessionForTheRepeat() {
    String el = gw.openElection();
    String challenge = gw.login(el, "alice", "20231234", "sms").json().getString("challengeId");
    String code = gw.lastCode("+33612345678");
    String wrong = code.equals("000000") ? "111111" : "000000";
    String path = "/v1/elections/" + el + "/login/" + challenge + "/verify";
    String k1 = UUID.randomUUID().toString();

    assertThat(gw.http.post(path, key(k1), new JsonObject().put("code", wrong)).status()).isEqualTo(401);
    Http.Res wrongAgain = gw.http.post(path, key(k1), new JsonObject().put("code", wrong));
    assertThat(wrongAgain.json().getInteger("remainingAttempts")).isEqualTo(4);
    assertThat(failures(el, "alice")).isEqualTo(1);

    String k2 = UUID.randomUUID().toString();
    Http.Res first = gw.http.post(path, key(k2), new JsonObject().put("code", code));
    Http.Res again = gw.http.post(path, key(k2), new JsonObject().put("code", code));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(again.status()).as("not 404 for a used challenge: " + again.body()).isEqualTo(200);
    String firstToken = first.json().getString("sessionToken");
    String token = again.json().getString("sessionToken");
    assertThat(token).isNotEqualTo(firstToken);
    assertThat(active(token)).isTrue();
    assertThat(active(firstToken)).as("the first session is ended").isFalse();
    assertThat(TestRedis.sync().keys(RedisKeys.session(TestGateway.pseudonym(el, "alice"), "*"))).hasSize(1);
  }

  @Test
  void aKeyReusedWithAnotherCodeIsANewAttemptAndGetsNoSession() {
    String el = gw.openElection();
    String challenge = gw.login(el, "alice", "20231234", "sms").json().getString("challengeId");
    String code = gw.lastCode("+33612345678");
    String wrong = code.equals("000000") ? "111111" : "000000";
    String path = "/v1/elections/" + el + "/login/" + challenge + "/verify";
    String k = UUID.randomUUID().toString();

    assertThat(gw.http.post(path, key(k), new JsonObject().put("code", code)).status()).isEqualTo(200);
    Http.Res stranger = gw.http.post(path, key(k), new JsonObject().put("code", wrong));
    assertThat(stranger.status()).as("the first outcome is not handed to other content: " + stranger.body())
        .isNotEqualTo(200);
    assertThat(stranger.body()).doesNotContain("sessionToken");
  }

  @Test
  void aRepeatedResendUsesUpNoResend() {
    String el = gw.openElection();
    String challenge = gw.login(el, "alice", "20231234", "email").json().getString("challengeId");
    String path = "/v1/elections/" + el + "/login/" + challenge + "/resend";
    String k = UUID.randomUUID().toString();
    int before = gw.outbox.list("alice.martin@univ-test.fr").size();

    Http.Res first = gw.http.post(path, key(k), new JsonObject());
    Http.Res again = gw.http.post(path, key(k), new JsonObject());

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().getInteger("resendsLeft")).isEqualTo(first.json().getInteger("resendsLeft")).isEqualTo(2);
    assertThat(gw.outbox.list("alice.martin@univ-test.fr")).as("one resend sent").hasSize(before + 1);
    assertThat(gw.http.post(path, new JsonObject()).json().getInteger("resendsLeft")).isEqualTo(1);
  }

  @Test
  void aMalformedKeyIsRefusedAndChangesNothing() {
    String el = gw.openElection();
    Http.Res r = gw.http.post("/v1/elections/" + el + "/login", Map.of("Idempotency-Key", "a b"),
        new JsonObject().put("identifier", "bruno").put("secret", "00000000").put("channel", "email"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.problemType()).isEqualTo("/problems/validation-failed");
    assertThat(failures(el, "bruno")).isZero();
  }

  private static boolean active(String token) {
    return gw.http.post("/v1/introspect", TestGateway.PLATFORM, new JsonObject().put("token", token)).json()
        .getBoolean("active");
  }
}
