package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.SUPPORT;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Five failures, secret or code, lock the account until support unlocks it. */
class LockoutTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  private static String wrongCode(String right) {
    return right.equals("000000") ? "111111" : "000000";
  }

  @Test
  void locksVoterOnFifthFailureAcrossSecretAndCode() {
    String el = gw.openElection();
    Http.Res f1 = gw.login(el, "alice", "11111111", "sms");
    assertThat(f1.status()).isEqualTo(401);
    assertThat(f1.json().getLong("remainingAttempts")).isEqualTo(4);
    assertThat(gw.login(el, "alice", "22222222", "sms").json().getLong("remainingAttempts")).isEqualTo(3);

    Http.Res ok = gw.login(el, "alice", "20231234", "sms");
    String challenge = ok.json().getString("challengeId");
    String right = gw.lastCode("+33612345678");
    Http.Res c1 = gw.verify(el, challenge, wrongCode(right));
    assertThat(c1.status()).isEqualTo(401);
    assertThat(c1.json().getLong("remainingAttempts")).isEqualTo(2);
    assertThat(gw.verify(el, challenge, wrongCode(right)).json().getLong("remainingAttempts")).isEqualTo(1);

    Http.Res fifth = gw.login(el, "alice", "33333333", "sms");
    assertThat(fifth.status()).isEqualTo(423);
    assertThat(fifth.problemType()).isEqualTo("/problems/account-locked");
    assertThat(fifth.contentType()).isEqualTo("application/problem+json");

    // locked on every step, even with the right secret and the right code
    assertThat(gw.login(el, "alice", "20231234", "sms").status()).isEqualTo(423);
    assertThat(gw.verify(el, challenge, right).status()).isEqualTo(423);
    Http.Res resend = gw.http.post("/v1/elections/" + el + "/login/" + challenge + "/resend", new JsonObject());
    assertThat(resend.status()).isEqualTo(423);

    JsonObject status = gw.status(el, "alice").json();
    assertThat(status.getString("status")).isEqualTo("locked");
    assertThat(status.getLong("failedAttempts")).isEqualTo(5);
    assertThat(status.getString("lockedAt")).isEqualTo(gw.clock.instant().toString());
  }

  @Test
  void twentyParallelWrongAttemptsCountExactlyFiveFailures() {
    String el = gw.openElection();
    List<Future<Http.Res>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(gw.http.async(HttpMethod.POST, "/v1/elections/" + el + "/login", null, "application/json",
          Buffer.buffer(new JsonObject().put("identifier", "chloe").put("secret", String.format("%04d", i))
              .put("channel", "sms").encode())));
    }
    List<Http.Res> answers = gw.http.parallel(calls);
    assertThat(answers).extracting(Http.Res::status).containsOnly(401, 423);
    assertThat(answers.stream().filter(r -> r.status() == 401)).hasSize(4);
    assertThat(answers.stream().filter(r -> r.status() == 423)).hasSize(16);
    assertThat(gw.status(el, "chloe").json().getLong("failedAttempts")).isEqualTo(5);
    // even the right secret does not pass now
    assertThat(gw.login(el, "chloe", "4321", "sms").status()).isEqualTo(423);
  }

  @Test
  void supportUnlockLetsTheVoterLogInAgain() {
    String el = gw.openElection();
    for (int i = 0; i < 5; i++) {
      gw.login(el, "chloe", "0000", "sms");
    }
    assertThat(gw.login(el, "chloe", "4321", "sms").status()).isEqualTo(423);

    String path = "/v1/support/elections/" + el + "/voters/chloe/unlock";
    Http.Res noReason = gw.http.post(path, SUPPORT, new JsonObject());
    assertThat(noReason.status()).isEqualTo(400);
    Http.Res blank = gw.http.post(path, SUPPORT, new JsonObject().put("reason", "   "));
    assertThat(blank.status()).isEqualTo(400);
    assertThat(gw.status(el, "chloe").json().getString("status")).isEqualTo("locked");

    Http.Res unlock = gw.http.post(path, SUPPORT, new JsonObject().put("reason", "identity checked by phone"));
    assertThat(unlock.status()).isEqualTo(200);
    assertThat(unlock.json().getBoolean("wasLocked")).isTrue();
    JsonObject status = gw.status(el, "chloe").json();
    assertThat(status.getString("status")).isEqualTo("active");
    assertThat(status.getLong("failedAttempts")).isZero();
    gw.fullLogin(el, "chloe", "4321", "sms", "+33698765432");

    Http.Res unknown = gw.http.post("/v1/support/elections/" + el + "/voters/nobody/unlock", SUPPORT,
        new JsonObject().put("reason", "x"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.problemType()).isEqualTo("/problems/voter-not-found");
  }

  @Test
  void aCompleteLoginResetsTheCountButARightSecretAloneDoesNot() {
    String el = gw.openElection();
    for (int i = 0; i < 3; i++) {
      gw.login(el, "alice", "00000000", "sms");
    }
    Http.Res ok = gw.login(el, "alice", "20231234", "sms");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(gw.status(el, "alice").json().getLong("failedAttempts")).isEqualTo(3);
    assertThat(gw.verify(el, ok.json().getString("challengeId"), gw.lastCode("+33612345678")).status())
        .isEqualTo(200);
    assertThat(gw.status(el, "alice").json().getLong("failedAttempts")).isZero();
    assertThat(gw.login(el, "alice", "00000000", "sms").json().getLong("remainingAttempts")).isEqualTo(4);
  }

  @Test
  void lockoutSurvivesAGatewayRestart() {
    String el = gw.openElection();
    for (int i = 0; i < 5; i++) {
      gw.login(el, "alice", "00000000", "sms");
    }
    try (TestGateway second = new TestGateway(1)) {
      assertThat(second.login(el, "alice", "20231234", "sms").status()).isEqualTo(423);
    }
  }
}
