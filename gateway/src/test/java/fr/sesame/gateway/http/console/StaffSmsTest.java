package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 1, the second factor by SMS: an invitation may carry a mobile phone (typed in national format,
 * normalised with libphonenumber, stored encrypted); at enrolment the person chooses the app or SMS (confirmed by a
 * code sent by SMS); at login a 6-digit code goes by SMS through the outbox, valid 5 minutes, used once; wrong codes
 * count among the 5 failed steps that lock; "send a new code" waits 30 seconds between sends, 3 times at most. The
 * codes are read from the dev outbox's messages, as the person reads them on their phone.
 */
class StaffSmsTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  private static final String PASSWORD = ConsoleFixtures.PASSWORD;
  static String el;

  @BeforeAll
  static void election() {
    el = gw.openElection();
  }

  private static Http.Res invite(String email, Object phone) {
    return gw.http.post("/v1/admin/staff", TestGateway.ADMIN, new JsonObject().put("email", email)
        .put("name", "Agent SMS").put("phone", phone).put("roles", new JsonArray().add(new JsonObject()
            .put("election", el).put("role", "support"))));
  }

  /** Sets the password from the invitation; @return the enrolment page */
  private static FormClient.Page password(FormClient b, String token) {
    FormClient.Page form = b.get("/console/invitation/" + token);
    FormClient.Page set = b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password", PASSWORD,
        "confirm", PASSWORD));
    assertThat(set.status()).as(set.body()).isEqualTo(303);
    return b.get("/console/invitation/" + token);
  }

  /** The code of the next SMS to {@code phone} (the {@code before}-th and later were not there yet). */
  private static String nextCode(String phone, int before) {
    ConsoleFixtures.awaitMessages(gw, phone, before + 1);
    return gw.lastCode(phone);
  }

  /** Invites {@code email} with {@code typedPhone} and enrols SMS as the second factor. */
  private static void enrolBySms(FormClient b, String email, String typedPhone, String phone) {
    Http.Res invited = invite(email, typedPhone);
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    String token = ConsoleFixtures.invitationToken(gw, email);
    FormClient.Page choice = password(b, token);
    assertThat(choice.body()).contains("Choisir votre second facteur", "application d’authentification",
        "Recevoir un code par SMS", masked(phone)).doesNotContain(phone);
    int before = gw.outbox.list(phone).size();
    FormClient.Page sent = b.post("/console/invitation/" + token + "/sms", Map.of("csrf", choice.csrf()));
    assertThat(sent.status()).as(sent.body()).isEqualTo(303);
    String code = nextCode(phone, before);
    FormClient.Page form = b.get(sent.location());
    assertThat(form.body()).contains("Code reçu par SMS", "Envoyer un nouveau code");
    FormClient.Page wrong = b.post("/console/invitation/" + token + "/code", Map.of("csrf", form.csrf(),
        "method", "sms", "code", other(code)));
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.body()).contains("n’est pas celui envoyé par SMS", "aria-invalid=\"true\"");
    FormClient.Page done = b.post("/console/invitation/" + token + "/code", Map.of("csrf", form.csrf(),
        "method", "sms", "code", code));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(done.location()).isEqualTo("/console/connexion?active=1");
  }

  /** The password step of a login; @return the code page */
  private static FormClient.Page passwordStep(FormClient b, String email) {
    FormClient.Page form = b.get("/console/connexion");
    FormClient.Page first = b.post("/console/connexion", Map.of("csrf", form.csrf(), "email", email,
        "password", PASSWORD));
    assertThat(first.status()).as(first.body()).isEqualTo(303);
    assertThat(first.location()).startsWith("/console/connexion/code");
    return b.get(first.location());
  }

  private static String masked(String phone) {
    return fr.sesame.gateway.domain.Contacts.maskPhone(phone);
  }

  private static String other(String code) {
    return code.equals("000000") ? "111111" : "000000";
  }

  @Test
  void anInvitationTakesAMobileInNationalFormatStoredEncryptedAndRefusesOthers() {
    Http.Res ok = invite("national@univ-test.fr", "06 55 44 33 01");
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    String fields;
    try (var redis = TestRedis.connect(gw.redisUrl)) {
      fields = redis.sync().hgetall("gw:{sf:" + ok.json().getString("staffId") + "}").toString();
    }
    assertThat(fields).contains("pe=").doesNotContain("655443301", "06 55");
    for (Object bad : new Object[] {"01 23 45 67 89", "12345", "+1 202 555 0143", "06 55 44 33 0x", 655443301}) {
      Http.Res refused = invite("bad." + Math.abs(bad.hashCode()) + "@univ-test.fr", bad);
      assertThat(refused.status()).as(bad + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("phone");
    }
  }

  @Test
  void aPersonEnrolledWithSmsLogsInWithTheCodeSentThroughTheOutboxAndItWorksOnce() {
    String email = "sms.a@univ-test.fr";
    String phone = "+33655443302";
    FormClient b = new FormClient(gw.gateway.port());
    enrolBySms(b, email, "06 55 44 33 02", phone);

    int before = gw.outbox.list(phone).size();
    FormClient.Page page = passwordStep(b, email);
    assertThat(page.body()).contains(masked(phone), "Code reçu par SMS", "Envoyer un nouveau code")
        .doesNotContain(phone);
    String code = nextCode(phone, before);
    assertThat(gw.outbox.last(phone).message().text()).contains(code, "5 min");
    // a second browser passes the password step within 30 seconds: no new SMS, the same code is the live one
    FormClient c = new FormClient(gw.gateway.port());
    FormClient.Page other = passwordStep(c, email);
    assertThat(other.body()).contains(masked(phone));
    FormClient.Page in = b.post("/console/connexion/code", Map.of("csrf", page.csrf(), "code", code));
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    assertThat(in.location()).isEqualTo("/console");
    assertThat(b.get("/console").body()).contains("Agent SMS");
    assertThat(gw.outbox.list(phone)).as("one SMS for both password steps").hasSize(before + 1);
    String staffId = invite(email, "06 55 44 33 02").json().getString("staffId");
    String trail = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body();
    assertThat(trail.lines().filter(l -> l.contains("\"staff.code\"") && l.contains("staff:" + staffId)))
        .as("the code's sending, audited under the person's id, the phone masked").isNotEmpty()
        .allMatch(l -> l.contains(masked(phone)));
    assertThat(trail).doesNotContain(phone, code);

    // the same code in the other browser: refused (a code works once)
    FormClient.Page replay = c.post("/console/connexion/code", Map.of("csrf", other.csrf(), "code", code));
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.body()).contains("a déjà servi", "Il reste 4 essai");
    // a new code for it; after 5 minutes, it has expired
    FormClient.Page resent = c.post("/console/connexion/code/renvoyer", Map.of("csrf", other.csrf()));
    assertThat(resent.location()).isEqualTo("/console/connexion/code?envoi=nouveau");
    String newCode = nextCode(phone, before + 1);
    gw.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    FormClient.Page late = c.post("/console/connexion/code", Map.of("csrf", other.csrf(), "code", newCode));
    assertThat(late.status()).isEqualTo(401);
  }

  @Test
  void fiveWrongSmsCodesLockTheAccount() {
    String email = "sms.b@univ-test.fr";
    String phone = "+33655443303";
    FormClient b = new FormClient(gw.gateway.port());
    enrolBySms(b, email, "0655443303", phone);
    int before = gw.outbox.list(phone).size();
    FormClient.Page page = passwordStep(b, email);
    String code = nextCode(phone, before);
    for (int left = 4; left >= 1; left--) {
      FormClient.Page wrong = b.post("/console/connexion/code", Map.of("csrf", page.csrf(), "code", other(code)));
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.body()).contains("Il reste " + left + " essai");
    }
    FormClient.Page locked = b.post("/console/connexion/code", Map.of("csrf", page.csrf(), "code", other(code)));
    assertThat(locked.status()).isEqualTo(423);
    assertThat(locked.body()).contains("Compte verrouillé");
    FormClient c = new FormClient(gw.gateway.port());
    FormClient.Page form = c.get("/console/connexion");
    assertThat(c.post("/console/connexion", Map.of("csrf", form.csrf(), "email", email, "password", PASSWORD))
        .status()).as("the right password, locked").isEqualTo(423);
    assertThat(gw.outbox.list(phone)).as("no code to a locked account").hasSize(before + 1);
  }

  @Test
  void aNewCodeWaits30SecondsAfterTheLastAndComesThreeTimesAtMost() {
    String email = "sms.c@univ-test.fr";
    String phone = "+33655443304";
    FormClient b = new FormClient(gw.gateway.port());
    enrolBySms(b, email, "+33 6 55 44 33 04", phone);
    gw.clock.advance(Duration.ofMinutes(16)); // the enrolment's sends are out of the window
    int before = gw.outbox.list(phone).size();
    FormClient.Page page = passwordStep(b, email);
    String first = nextCode(phone, before);

    FormClient.Page tooSoon = b.post("/console/connexion/code/renvoyer", Map.of("csrf", page.csrf()));
    assertThat(tooSoon.location()).isEqualTo("/console/connexion/code?envoi=attente");
    assertThat(b.get(tooSoon.location()).body()).contains("moins de 30 secondes");
    String last = first;
    for (int resend = 1; resend <= 3; resend++) {
      gw.clock.advance(Duration.ofSeconds(30));
      FormClient.Page sent = b.post("/console/connexion/code/renvoyer", Map.of("csrf", page.csrf()));
      assertThat(sent.location()).as("resend " + resend).isEqualTo("/console/connexion/code?envoi=nouveau");
      last = nextCode(phone, before + resend);
    }
    gw.clock.advance(Duration.ofSeconds(30));
    FormClient.Page tooMany = b.post("/console/connexion/code/renvoyer", Map.of("csrf", page.csrf()));
    assertThat(tooMany.location()).isEqualTo("/console/connexion/code?envoi=limite");
    assertThat(b.get(tooMany.location()).body()).contains("Trop de codes");
    assertThat(gw.outbox.list(phone)).as("the first code and 3 new ones").hasSize(before + 4);

    if (!first.equals(last)) {
      FormClient.Page replaced = b.post("/console/connexion/code", Map.of("csrf", page.csrf(), "code", first));
      assertThat(replaced.status()).as("a new code replaces the one before").isEqualTo(401);
    }
    FormClient.Page in = b.post("/console/connexion/code", Map.of("csrf", page.csrf(), "code", last));
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    assertThat(in.location()).isEqualTo("/console");
  }

  @Test
  void aPersonWithAPhoneMayStillChooseTheAppAndThenNoSmsIsSent() {
    String email = "app.d@univ-test.fr";
    String phone = "+33655443305";
    assertThat(invite(email, "06 55 44 33 05").status()).isEqualTo(201);
    FormClient b = new FormClient(gw.gateway.port());
    String token = ConsoleFixtures.invitationToken(gw, email);
    FormClient.Page enrol = password(b, token);
    java.util.regex.Matcher k = java.util.regex.Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<").matcher(enrol.body());
    assertThat(k.find()).isTrue();
    byte[] secret = ConsoleFixtures.base32(k.group(1).replace(" ", ""));
    FormClient.Page done = b.post("/console/invitation/" + token + "/code", Map.of("csrf", enrol.csrf(),
        "method", "totp", "code", new Totp().code(secret, gw.clock.instant())));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    FormClient.Page in = ConsoleFixtures.login(gw, new FormClient(gw.gateway.port()), email, PASSWORD, secret);
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    assertThat(gw.outbox.list(phone)).as("the app, not SMS").isEmpty();
  }
}
