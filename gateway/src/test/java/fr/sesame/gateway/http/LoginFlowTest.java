package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole voter journey through real HTTP on a real Redis. */
class LoginFlowTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  @Test
  void logsInWithSecretAndSmsCodeThenPlatformIntrospectsAndRecordsTheVote() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    JsonObject l = login.json();
    assertThat(l.getString("channel")).isEqualTo("sms");
    assertThat(l.getString("destination")).isEqualTo("+33 6** ** ** 78");
    assertThat(l.getLong("expiresInSeconds")).isEqualTo(300);
    assertThat(gw.outbox.last("+33612345678").message().text()).doesNotContain("20231234");

    Http.Res verify = gw.verify(el, l.getString("challengeId"), gw.lastCode("+33612345678"));
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
    String token = verify.json().getString("sessionToken");
    assertThat(token).hasSize(64); // 16 bytes of pseudonym + 32 random bytes, base64url
    assertThat(verify.json().getLong("expiresInSeconds")).isEqualTo(1800);

    JsonObject intro = gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", token)).json();
    assertThat(intro.getBoolean("active")).isTrue();
    assertThat(intro.getString("electionId")).isEqualTo(el);
    assertThat(intro.getString("college")).isEqualTo("etudiants");
    assertThat(intro.getString("voterId")).isNotEqualTo("alice").hasSize(22);
    assertThat(intro.getLong("exp")).isEqualTo(gw.clock.instant().plus(Duration.ofMinutes(30)).getEpochSecond());

    Http.Res vote = gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token));
    assertThat(vote.status()).as(vote.body()).isEqualTo(201);
    String votedAt = vote.json().getString("votedAt");
    gw.clock.advance(Duration.ofSeconds(5));
    Http.Res retried = gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token));
    assertThat(retried.status()).as("the same session again: a retry").isEqualTo(201);
    assertThat(retried.json().getString("votedAt")).as("the first record").isEqualTo(votedAt);
    String other = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    Http.Res again = gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", other));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.problemType()).isEqualTo("/problems/already-voted");

    Http.Res list = gw.http.get("/v1/elections/" + el + "/emargements", TestGateway.ADMIN);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.contentType()).startsWith("text/csv");
    assertThat(list.body()).startsWith("identifier,lastName,firstName,college,votedAt,ip,sessionId\r\n")
        .contains("alice,Martin,Alice,etudiants,2026-12-01T09:00:00Z,127.0.0.1,");
    assertThat(list.body().split("\r\n")).hasSize(2);

    JsonObject status = gw.status(el, "alice").json();
    assertThat(status.getBoolean("hasVoted")).isTrue();
    assertThat(status.getString("lastLoginAt")).as("the second login, 5 s later").isEqualTo("2026-12-01T09:00:05Z");
  }

  @Test
  void codeIsSingleUse() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    String challenge = login.json().getString("challengeId");
    String code = gw.lastCode("+33612345678");
    assertThat(gw.verify(el, challenge, code).status()).isEqualTo(200);
    Http.Res reuse = gw.verify(el, challenge, code);
    assertThat(reuse.status()).isEqualTo(404);
    assertThat(reuse.problemType()).isEqualTo("/problems/challenge-not-found");
  }

  @Test
  void sendsCodesByEmailAndByVoiceCallDigitByDigit() {
    String el = gw.openElection();
    Http.Res mail = gw.login(el, "alice", "20231234", "email");
    assertThat(mail.json().getString("destination")).isEqualTo("a***@u***.fr");
    var sent = gw.outbox.last("alice.martin@univ-test.fr").message();
    assertThat(sent.subject()).doesNotContainPattern("\\d{6}");
    assertThat(gw.verify(el, mail.json().getString("challengeId"), gw.lastCode("alice.martin@univ-test.fr")).status())
        .isEqualTo(200);

    Http.Res voice = gw.login(el, "chloe", "4321", "voice");
    assertThat(voice.status()).as(voice.body()).isEqualTo(200);
    assertThat(voice.json().getString("destination")).isEqualTo("+33 6** ** ** 32");
    String text = gw.outbox.last("+33698765432").message().text();
    String code = gw.lastCode("+33698765432");
    String spelled = String.join(", ", code.split(""));
    assertThat(text).isEqualTo("Bonjour. Votre code de connexion Sesame est : " + spelled + ". Je répète : "
        + spelled + ".");
  }

  @Test
  void theLanguageChosenAtLoginIsTheCodesMessagesAndItsResends() {
    String el = gw.openElection();
    String phone = TestGateway.randomPhone(); // a voter of this test's own: no other test's messages in its lists
    String mail = "zoe." + phone.substring(1) + "@univ-test.fr";
    Http.Res imported = gw.importRoll(el, "identifier,college,lastName,firstName,birthDate,email,phone,secret\n"
        + "zoe,personnels,Petit,Zoé,1980-02-03," + mail + "," + phone + ",5678\n");
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    JsonObject zoe = new JsonObject().put("identifier", "zoe").put("secret", "5678");
    String login = "/v1/elections/" + el + "/login";

    assertThat(gw.http.post(login, zoe.copy().put("channel", "sms")).status()).isEqualTo(200);
    assertThat(gw.outbox.last(phone).message().text()).as("no lang: French").isEqualTo(
        "Sesame : votre code de connexion est " + gw.lastCode(phone) + ". Il expire dans 5 min. "
            + "Ne le communiquez à personne.");
    assertThat(gw.outbox.last(phone).message().lang()).isEqualTo("fr");

    Http.Res en = gw.http.post(login, zoe.copy().put("channel", "voice").put("lang", "en"));
    assertThat(en.status()).as(en.body()).isEqualTo(200);
    String code = gw.lastCode(phone);
    String spelled = String.join(", ", code.split(""));
    var call = gw.outbox.last(phone).message();
    assertThat(call.text()).isEqualTo("Hello. Your Sesame login code is: " + spelled + ". I repeat: " + spelled + ".");
    assertThat(call.lang()).as("an English voice reads it").isEqualTo("en");

    String resend = login + "/" + en.json().getString("challengeId") + "/resend";
    assertThat(gw.http.post(resend, new JsonObject().put("channel", "sms")).status()).isEqualTo(200);
    assertThat(gw.outbox.last(phone).message().text()).as("the same code, still in English").isEqualTo(
        "Sesame: your login code is " + code + ". It expires in 5 min. Do not share it.");

    gw.clock.advance(Duration.ofMinutes(6));
    try {
      assertThat(gw.http.post(resend, new JsonObject().put("channel", "email")).status()).isEqualTo(200);
      var email = gw.outbox.last(mail).message();
      String fresh = gw.lastCode(mail);
      assertThat(email.lang()).as("a new code after the validity, still in English").isEqualTo("en");
      assertThat(email.subject()).isEqualTo("Your login code");
      assertThat(email.text()).isEqualTo("Hello,\n\nYour login code is: " + fresh
          + "\nIt expires in 5 minutes.\n\nIf you did not ask for this code, ignore this message.");
      assertThat(gw.verify(el, en.json().getString("challengeId"), fresh).status()).isEqualTo(200);
    } finally {
      gw.clock.advance(Duration.ofMinutes(-6));
    }
  }

  @Test
  void aLanguageOtherThanFrenchOrEnglishIsRefusedBeforeAnythingHappens() {
    String el = gw.openElection();
    int sent = gw.outbox.list("+33612345678").size();
    for (Object bad : new Object[] {"de", "FR", "", "fr-FR", 1, new JsonObject()}) {
      Http.Res r = gw.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "alice")
          .put("secret", "20231234").put("channel", "sms").put("lang", bad));
      assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(400);
      assertThat(r.problemType()).isEqualTo("/problems/validation-failed");
      assertThat(r.json().getString("detail")).isEqualTo("'lang' must be fr or en");
    }
    assertThat(gw.outbox.list("+33612345678")).hasSize(sent);
    assertThat(gw.status(el, "alice").json().getLong("failedAttempts")).as("nothing counted").isZero();
  }

  @Test
  void birthDateSecretAcceptsFrenchDateForm() {
    String el = gw.openElection();
    assertThat(gw.login(el, "emma", "15/06/1990", "email").status()).isEqualTo(200);
    assertThat(gw.login(el, "emma", "1990-06-15", "email").status()).isEqualTo(200);
  }

  /** Issue 15, point 4: a phone typed as people type it, in the election's national format, is taken. */
  @Test
  void aPhoneInNationalFormatIsTakenAsTheRollTakesIt() {
    String el = gw.openElection();
    for (String typed : new String[] {"06 55 44 33 22", "0655443322", "06.55.44.33.22", "+33 6 55 44 33 22"}) {
      gw.clock.advance(java.time.Duration.ofMinutes(7)); // the voter's own login limit
      Http.Res r = gw.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "bruno")
          .put("secret", "20235678").put("channel", "sms").put("phone", typed));
      assertThat(r.status()).as(typed + ": " + r.body()).isEqualTo(200);
      assertThat(r.json().getString("destination")).isEqualTo("+33 6** ** ** 22");
    }
    assertThat(gw.outbox.list("+33655443322")).isNotEmpty();
    Http.Res bad = gw.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "bruno")
        .put("secret", "20235678").put("channel", "sms").put("phone", "06 55 44"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("detail")).contains("national format");
  }

  @Test
  void phoneGivenAtLoginIsUsedOnlyWithoutRollPhoneAndThenRemembered() {
    String el = gw.openElection();
    Http.Res none = gw.login(el, "bruno", "20235678", "sms");
    assertThat(none.status()).isEqualTo(422);
    assertThat(none.problemType()).isEqualTo("/problems/no-destination");

    JsonObject withPhone = new JsonObject().put("identifier", "bruno").put("secret", "20235678")
        .put("channel", "sms").put("phone", "+33655443322");
    Http.Res first = gw.http.post("/v1/elections/" + el + "/login", withPhone);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().getString("destination")).isEqualTo("+33 6** ** ** 22");

    // a later login cannot redirect codes to another number
    Http.Res other = gw.http.post("/v1/elections/" + el + "/login", withPhone.copy().put("phone", "+33600000001"));
    assertThat(other.json().getString("destination")).isEqualTo("+33 6** ** ** 22");
    assertThat(gw.outbox.list("+33600000001")).isEmpty();

    // a premium number, or a fixed line for an SMS, is refused before anything happens
    for (String refused : new String[] {"+33899123456", "+33144556677", "+447911123456"}) {
      Http.Res r = gw.http.post("/v1/elections/" + el + "/login", withPhone.copy().put("identifier", "bruno")
          .put("phone", refused));
      assertThat(r.status()).as(refused).isEqualTo(400);
      assertThat(r.json().getString("detail")).startsWith("'phone' refused");
    }

    // alice has a phone on the roll: a given one is ignored
    Http.Res alice = gw.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "alice")
        .put("secret", "20231234").put("channel", "sms").put("phone", "+33600000002"));
    assertThat(alice.json().getString("destination")).isEqualTo("+33 6** ** ** 78");
    assertThat(gw.outbox.list("+33600000002")).isEmpty();
  }

  @Test
  void resendRepeatsTheValidCodeEvenOnAnotherChannelAndStopsAfterThree() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "chloe", "4321", "sms");
    String challenge = login.json().getString("challengeId");
    String first = gw.lastCode("+33698765432");
    String path = "/v1/elections/" + el + "/login/" + challenge + "/resend";

    Http.Res r1 = gw.http.call(io.vertx.core.http.HttpMethod.POST, path, null, null, null);
    assertThat(r1.status()).as(r1.body()).isEqualTo(200);
    assertThat(r1.json().getLong("resendsLeft")).isEqualTo(2);
    assertThat(gw.outbox.list("+33698765432")).hasSize(2);
    assertThat(gw.lastCode("+33698765432")).as("same code while valid").isEqualTo(first);
    Http.Res r2 = gw.http.post(path, new JsonObject().put("channel", "voice"));
    assertThat(r2.json().getString("channel")).isEqualTo("voice");
    assertThat(gw.outbox.last("+33698765432").message().kind()).isEqualTo(fr.sesame.channels.ChannelKind.VOICE);
    assertThat(gw.lastCode("+33698765432")).isEqualTo(first);
    Http.Res r3 = gw.http.post(path, new JsonObject());
    assertThat(r3.json().getLong("resendsLeft")).isZero();
    Http.Res r4 = gw.http.post(path, new JsonObject());
    assertThat(r4.status()).isEqualTo(409);
    assertThat(r4.problemType()).isEqualTo("/problems/resend-limit-reached");
    assertThat(gw.verify(el, challenge, first).status()).isEqualTo(200);
  }

  @Test
  void aResendWhoseCodeContentIsGoneFailsVisibly() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    var redis = fr.sesame.testkit.TestRedis.sync();
    String nid = redis.hget(fr.sesame.gateway.store.redis.RedisKeys.challenge(
        TestGateway.pseudonym(el, "alice")), "nid");
    redis.del("gw:{nt}:c:" + nid);
    int sent = gw.outbox.list("+33612345678").size();
    Http.Res resend = gw.http.post("/v1/elections/" + el + "/login/" + login.json().getString("challengeId")
        + "/resend", new JsonObject());
    assertThat(resend.status()).isEqualTo(503);
    assertThat(gw.outbox.list("+33612345678")).hasSize(sent);
  }

  @Test
  void afterItsValidityAResendSendsANewCodeAndTheOldOneNoLongerWorks() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    String challenge = login.json().getString("challengeId");
    String first = gw.lastCode("+33612345678");
    gw.clock.advance(Duration.ofMinutes(6));
    try {
      Http.Res again = gw.http.post("/v1/elections/" + el + "/login/" + challenge + "/resend", new JsonObject());
      assertThat(again.status()).as(again.body()).isEqualTo(200);
      String second = gw.lastCode("+33612345678");
      if (!second.equals(first)) { // 1 chance in a million they are equal by chance
        assertThat(gw.verify(el, challenge, first).status()).isEqualTo(401);
      }
      assertThat(gw.verify(el, challenge, second).status()).isEqualTo(200);
    } finally {
      gw.clock.advance(Duration.ofMinutes(-6));
    }
  }

  @Test
  void resendOnAChannelTheCollegeForbidsIsRefused() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    Http.Res r = gw.http.post("/v1/elections/" + el + "/login/" + login.json().getString("challengeId") + "/resend",
        new JsonObject().put("channel", "voice"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.problemType()).isEqualTo("/problems/channel-not-allowed");
  }

  @Test
  void codeExpiresAfterFiveMinutes() {
    String el = gw.openElection();
    Http.Res login = gw.login(el, "alice", "20231234", "sms");
    String code = gw.lastCode("+33612345678");
    gw.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    try {
      Http.Res r = gw.verify(el, login.json().getString("challengeId"), code);
      assertThat(r.status()).isEqualTo(410);
      assertThat(r.problemType()).isEqualTo("/problems/code-expired");
    } finally {
      gw.clock.advance(Duration.ofMinutes(-5).minusSeconds(1));
    }
  }

  @Test
  void channelNotAllowedForTheCollegeIsToldOnlyAfterTheRightSecret() {
    String el = gw.openElection();
    Http.Res wrong = gw.login(el, "alice", "99999999", "voice");
    assertThat(wrong.status()).isEqualTo(401);
    Http.Res right = gw.login(el, "alice", "20231234", "voice");
    assertThat(right.status()).isEqualTo(400);
    assertThat(right.problemType()).isEqualTo("/problems/channel-not-allowed");
  }

  @Test
  void logoutEndsTheSession() {
    String el = gw.openElection();
    String token = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    Http.Res out = gw.http.post("/v1/sessions/logout", new JsonObject().put("sessionToken", token));
    assertThat(out.status()).isEqualTo(204);
    assertThat(gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", token)).json()
        .getBoolean("active")).isFalse();
    assertThat(gw.http.post("/v1/sessions/logout", new JsonObject().put("sessionToken", token)).status())
        .isEqualTo(403);
  }

  @Test
  void loginOutsideTheVotingWindowIsRefused() {
    String el = TestGateway.newElectionId();
    gw.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofHours(1)), gw.clock.instant().plus(Duration.ofDays(1))));
    gw.importRoll(el, TestGateway.ROLL);
    Http.Res r = gw.login(el, "alice", "20231234", "sms");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.problemType()).isEqualTo("/problems/election-closed");
    assertThat(gw.outbox.list("+33612345678").stream().filter(e -> e.sentAt().equals(gw.clock.instant()))).isEmpty();
  }
}
