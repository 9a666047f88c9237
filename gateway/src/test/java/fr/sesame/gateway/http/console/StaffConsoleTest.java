package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 1 and the support console's first tools (point 2): staff invited by email, a password
 * (Argon2id, the public-service rule, no common password) and an authenticator app (TOTP) set from the
 * invitation, login with both, 5 failed steps lock, a code works once; a support agent finds a voter and
 * unlocks with a reason, audited under their own id; a staff member sees nothing of another election. Over
 * real HTTP, as a browser without JavaScript.
 */
class StaffConsoleTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  private static final String PASSWORD = ConsoleFixtures.PASSWORD;
  static String el;
  static String other;

  @BeforeAll
  static void elections() {
    el = gw.openElection();
    other = gw.openElection();
  }

  static Http.Res invite(String email, String election, String role) {
    return ConsoleFixtures.invite(gw, email, election, role);
  }

  static String invitationToken(String email) {
    return ConsoleFixtures.invitationToken(gw, email);
  }

  /** Sets the password and the app from the invitation; @return the app's secret */
  static byte[] enrol(FormClient b, String token) {
    return ConsoleFixtures.enrol(gw, b, token);
  }

  /** Both factors; the clock moves a step on first, so the code is one not used yet. */
  static FormClient.Page login(FormClient b, String email, String password, byte[] secret) {
    return ConsoleFixtures.login(gw, b, email, password, secret);
  }

  static byte[] agent(FormClient b, String email, String election, String role) {
    return ConsoleFixtures.agent(gw, b, email, election, role);
  }

  /**
   * Invitations of one person to several elections sent at once (organisers of each inviting the same agent) all
   * count: each role is in the account, and the person is on each election's team. The roles were read, merged and
   * written back whole, so one invitation could overwrite another's role.
   */
  @Test
  void invitationsOfOnePersonToSeveralElectionsAtOnceAllCount() {
    List<String> elections = java.util.stream.IntStream.range(0, 6).mapToObj(i -> gw.openElection()).toList();
    String email = "concurrent-" + System.nanoTime() + "@univ.example";
    List<io.vertx.core.Future<Http.Res>> sent = elections.stream().map(e -> gw.http.async(
        io.vertx.core.http.HttpMethod.POST, "/v1/admin/staff", TestGateway.ADMIN, "application/json",
        new JsonObject().put("email", email).put("name", "Agent").put("roles", new JsonArray().add(
            new JsonObject().put("election", e).put("role", "support"))).toBuffer())).toList();
    List<Http.Res> answers = sent.stream().map(f -> fr.sesame.testkit.Await.await(f)).toList();
    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(200, 201));
    String staffId = answers.get(0).json().getString("staffId");
    try (var c = fr.sesame.testkit.TestRedis.connect(gw.redisUrl)) {
      JsonObject roles = new JsonObject(c.sync().hget("gw:{sf:" + staffId + "}", "r"));
      assertThat(roles.fieldNames()).containsExactlyInAnyOrderElementsOf(elections);
      for (String e : elections) {
        assertThat(c.sync().sismember("gw:{el:" + e + "}:staff", staffId)).as(e).isTrue();
      }
    }
  }

  @Test
  void anInvitedAgentChoosesAPasswordByTheRuleAndAnAppThenLogsInWithBoth() {
    String email = "agent.a@univ-test.fr";
    Http.Res invited = invite(email, el, "support");
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    String staffId = invited.json().getString("staffId");
    String token = invitationToken(email);
    assertThat(gw.outbox.last(email).message().subject()).contains("console Sesame");

    FormClient b = new FormClient(gw.gateway.port());
    FormClient.Page form = b.get("/console/invitation/" + token);
    assertThat(form.body()).contains("Agent support", email);
    for (String[] bad : new String[][] {{"Court1", "au moins 8"}, {"Password1", "trop courant"},
        {"azertyuiop9", "majuscule"}, {"AZERTYUIOP9", "minuscule"}, {"Azertyuiop", "chiffre"},
        {"Agent.A.2026x", "adresse"}}) {
      FormClient.Page refused = b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password",
          bad[0], "confirm", bad[0]));
      assertThat(refused.status()).as(bad[0]).isEqualTo(400);
      assertThat(refused.body()).as(bad[0]).contains(bad[1]).contains("aria-invalid=\"true\"");
    }
    FormClient.Page mismatch = b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password",
        PASSWORD, "confirm", PASSWORD + "x"));
    assertThat(mismatch.body()).contains("diffèrent");
    byte[] secret = enrol(b, token);
    assertThat(b.get("/console/invitation/" + token).status()).as("an invitation works once").isEqualTo(404);
    assertThat(invite(email, el, "organiser").json().getString("status")).as("an active account is left as it is")
        .isEqualTo("exists");

    FormClient.Page in = login(b, email, PASSWORD, secret);
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    String cookie = in.header("Set-Cookie");
    assertThat(b.cookies).containsKey("__Host-sesame-staff");
    FormClient.Page home = b.get("/console");
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.body()).contains("Agent support", "Assistance", "href=\"/console/e/" + el + "\"")
        .doesNotContain(other);
    assertThat(home.header("Content-Security-Policy")).contains("frame-ancestors 'none'").doesNotContain("script-src");
    assertThat(audit(el)).extracting(e -> e.getString("type") + " " + e.getString("actor"))
        .contains("staff.activate staff:" + staffId, "staff.login staff:" + staffId)
        .anyMatch(l -> l.startsWith("staff.invite key:admin"));
  }

  @Test
  void supportFindsAVoterAndUnlocksWithAReasonAuditedUnderTheirOwnId() {
    FormClient b = new FormClient(gw.gateway.port());
    agent(b, "agent.b@univ-test.fr", el, "support");
    String staffId = invite("agent.b@univ-test.fr", el, "support").json().getString("staffId");
    for (int i = 0; i < 5; i++) {
      gw.login(el, "bruno", "0000000" + i, "email");
    }
    assertThat(gw.status(el, "bruno").json().getString("status")).isEqualTo("locked");

    FormClient.Page page = b.get("/console/e/" + el + "/electeurs?identifiant=bruno");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Verrouillé", "etudiants").doesNotContain("bruno.durand@");
    FormClient.Page noReason = b.post("/console/e/" + el + "/electeurs/deverrouiller", Map.of("csrf", page.csrf(),
        "identifiant", "bruno", "reason", ""));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.body()).contains("motif");
    assertThat(gw.status(el, "bruno").json().getString("status")).isEqualTo("locked");
    FormClient.Page unlocked = b.post("/console/e/" + el + "/electeurs/deverrouiller", Map.of("csrf", page.csrf(),
        "identifiant", "bruno", "reason", "Identité vérifiée par téléphone"));
    assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(303);
    assertThat(b.get(unlocked.location()).body()).contains("déverrouillé", "Actif");
    assertThat(gw.status(el, "bruno").json().getString("status")).isEqualTo("active");
    JsonObject event = audit(el).stream().filter(e -> "voter.unlock".equals(e.getString("type"))).reduce((x, y) -> y)
        .orElseThrow();
    assertThat(event.getString("actor")).isEqualTo("staff:" + staffId);
    assertThat(event.encode()).contains("Identité vérifiée par téléphone");

    assertThat(b.get("/console/e/" + el + "/electeurs?identifiant=nobody").status()).isEqualTo(404);
    assertThat(b.get("/console/e/" + el + "/electeurs?identifiant=%3Cscript%3E").status()).isEqualTo(400);
  }

  @Test
  void supportSeesTheLastLoginsAndTheCurrentCodeAndSendsItAgain() {
    FormClient b = new FormClient(gw.gateway.port());
    agent(b, "agent.e@univ-test.fr", el, "support");
    String staffId = invite("agent.e@univ-test.fr", el, "support").json().getString("staffId");
    gw.clock.advance(Duration.ofMinutes(7));
    int before = gw.outbox.list("+33612345678").size();
    Http.Res started = gw.login(el, "alice", "20231234", "sms");
    assertThat(started.status()).isEqualTo(200);
    ConsoleFixtures.awaitMessages(gw, "+33612345678", before + 1);
    assertThat(gw.verify(el, started.json().getString("challengeId"), gw.lastCode("+33612345678")).status())
        .isEqualTo(200);
    gw.clock.advance(Duration.ofMinutes(7));
    assertThat(gw.login(el, "alice", "20231234", "sms").status()).isEqualTo(200);
    ConsoleFixtures.awaitMessages(gw, "+33612345678", before + 2);
    FormClient.Page page = b.get("/console/e/" + el + "/electeurs?identifiant=alice");
    assertThat(page.body()).contains("Dernières connexions", "depuis 127.0.0.1", "Dernier code de connexion", "SMS");
    int sent = gw.outbox.list("+33612345678").size();
    FormClient.Page resent = b.post("/console/e/" + el + "/electeurs/renvoyer", Map.of("csrf", page.csrf(),
        "identifiant", "alice"));
    assertThat(resent.status()).as(resent.body()).isEqualTo(303);
    assertThat(b.get(resent.location()).body()).contains("renvoyé");
    ConsoleFixtures.awaitMessages(gw, "+33612345678", sent + 1);
    assertThat(audit(el)).extracting(e -> e.getString("type") + " " + e.getString("actor"))
        .contains("support.resend staff:" + staffId);
    Http.Res api = gw.http.get("/v1/support/elections/" + el + "/voters/alice", TestGateway.SUPPORT);
    assertThat(api.json().getJsonArray("recentLogins")).isNotEmpty();
    assertThat(api.json().getJsonObject("lastCode").getString("channel")).isEqualTo("sms");
    assertThat(api.json().getJsonObject("lastCode").getLong("resends")).isEqualTo(1);
    // a voter with no login under way: nothing to send
    FormClient.Page none = b.post("/console/e/" + el + "/electeurs/renvoyer", Map.of("csrf", page.csrf(),
        "identifiant", "emma"));
    assertThat(none.status()).isEqualTo(409);
    assertThat(none.body()).contains("recommencer sa connexion");
    assertThat(gw.http.post("/v1/support/elections/" + el + "/voters/emma/resend", TestGateway.SUPPORT,
        new JsonObject()).status()).isEqualTo(404);
  }

  @Test
  void theElectionPageShowsTheLiveTurnoutTheAuditVerificationAndTheListForTheBureau() {
    String election = gw.openElection();
    FormClient bureau = new FormClient(gw.gateway.port());
    agent(bureau, "bureau.f@univ-test.fr", election, "bureau");
    FormClient support = new FormClient(gw.gateway.port());
    agent(support, "agent.f@univ-test.fr", election, "support");
    gw.clock.advance(Duration.ofMinutes(7));
    String token = gw.fullLogin(election, "emma", "15/06/1990", "email", "emma.robert@univ-test.fr");
    assertThat(gw.http.post("/v1/elections/" + election + "/emargements", TestGateway.PLATFORM,
        new JsonObject().put("sessionToken", token)).status()).isEqualTo(201);

    FormClient.Page page = bureau.get("/console/e/" + election);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Participation", "<strong>1</strong>", "externes", "Bureau de vote")
        .contains("emargements.csv").doesNotContain("data-seconds=");
    assertThat(bureau.get("/console/e/" + election + "?auto=1").body()).contains("data-seconds=\"30\"");
    assertThat(bureau.get("/console/e/" + election + "/audit").body()).contains("intègre").doesNotContain("NOT");
    // issue 16, point 4: once a checkpoint is taken, the page says the chains lead to its heads
    gw.gateway.checkpointer().checkpoint(election).toCompletionStage().toCompletableFuture().join();
    assertThat(bureau.get("/console/e/" + election + "/audit").body()).contains("intègre")
        .contains("point de contrôle signé (checkpoint 1 of ");
    FormClient.Page csv = bureau.get("/console/e/" + election + "/emargements.csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Disposition")).contains("attachment");
    assertThat(csv.body()).startsWith("identifier,lastName,firstName,college,votedAt,ip,sessionId").contains("emma,Robert");
    assertThat(support.get("/console/e/" + election + "/emargements.csv").status()).isEqualTo(403);
    // issue 16, point 5: the evidence bundle, through the API's service, audited under the person
    FormClient.Page bundle = bureau.get("/console/e/" + election + "/preuves.jsonl");
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.header("Content-Disposition")).contains("attachment");
    assertThat(bundle.body()).startsWith("{\"kind\":\"bundle\"").contains("\"kind\":\"manifest\"");
    try {
      assertThat(fr.sesame.gateway.evidence.BundleVerifier.verify(new java.io.ByteArrayInputStream(
          bundle.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          new fr.sesame.gateway.evidence.BundleVerifier.Options(null, null, election)).status())
          .isEqualTo(fr.sesame.gateway.evidence.BundleVerifier.Status.VALID);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(support.get("/console/e/" + election + "/preuves.jsonl").status()).isEqualTo(403);
    assertThat(bureau.get("/console/e/" + other + "/preuves.jsonl").status()).isEqualTo(404);
    assertThat(audit(election)).filteredOn(e -> "evidence.export".equals(e.getString("type")))
        .singleElement().satisfies(e -> assertThat(e.getString("actor")).startsWith("staff:"));
    assertThat(support.get("/console/e/" + election).body()).doesNotContain("emargements.csv");
    assertThat(audit(election)).extracting(e -> e.getString("type")).contains("emargement.export");
    assertThat(bureau.get("/console/e/" + other).status()).isEqualTo(404);
    assertThat(bureau.get("/console/e/" + other + "/emargements.csv").status()).isEqualTo(404);
    // issue 16, point 1: a seal is emailed to the bureau (its digest, where its report is), whose report they download
    var sealed = gw.http.postRaw("/v1/admin/elections/" + election + "/seal", TestGateway.ADMIN, "application/json",
        new byte[0]);
    assertThat(sealed.status()).isEqualTo(201);
    String digest = sealed.json().getString("digest");
    FormClient.Page pdf = bureau.get("/console/e/" + election + "/scellements/1.pdf");
    assertThat(pdf.status()).isEqualTo(200);
    assertThat(pdf.header("Content-Type")).isEqualTo("application/pdf");
    assertThat(pdf.body()).startsWith("%PDF");
    assertThat(support.get("/console/e/" + election + "/scellements/1.pdf").status()).isEqualTo(403);
    assertThat(bureau.get("/console/e/" + election + "/scellements/2.pdf").status()).isEqualTo(404);
    assertThat(bureau.get("/console/e/" + election + "/scellements/x.pdf").status()).isEqualTo(404);
    assertThat(bureau.get("/console/e/" + other + "/scellements/1.pdf").status()).isEqualTo(404);
    long until = System.currentTimeMillis() + 15_000;
    while (gw.outbox.last("bureau.f@univ-test.fr") == null
        || !gw.outbox.last("bureau.f@univ-test.fr").message().text().contains(digest)) {
      assertThat(System.currentTimeMillis()).as("the seal emailed to the bureau").isLessThan(until);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    assertThat(gw.outbox.last("bureau.f@univ-test.fr").message().text())
        .contains("/console/e/" + election + "/scellements/1.pdf");
  }

  /** Issue 15, point 2: the réassort, from the console and the API, audited, at most once in 10 minutes. */
  @Test
  void reassortSendsTheAccessInformationAgainOnceInTenMinutes() {
    String election = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + election, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))
        .put("platformUrl", "https://vote.univ-test.fr/")).status()).isEqualTo(201);
    assertThat(gw.importRoll(election, TestGateway.ROLL).status()).isEqualTo(200);
    FormClient b = new FormClient(gw.gateway.port());
    agent(b, "agent.g@univ-test.fr", election, "support");
    String staffId = invite("agent.g@univ-test.fr", election, "support").json().getString("staffId");

    FormClient.Page page = b.get("/console/e/" + election + "/electeurs?identifiant=alice");
    assertThat(page.body()).contains("Réassort").doesNotContain("reassort-post");
    int before = gw.outbox.list("alice.martin@univ-test.fr").size();
    FormClient.Page sent = b.post("/console/e/" + election + "/electeurs/reassort", Map.of("csrf", page.csrf(),
        "identifiant", "alice", "channel", "email"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(303);
    assertThat(b.get(sent.location()).body()).contains("ont été renvoyées");
    ConsoleFixtures.awaitMessages(gw, "alice.martin@univ-test.fr", before + 1);
    assertThat(gw.outbox.last("alice.martin@univ-test.fr").message().text()).contains("alice",
        "https://vote.univ-test.fr/").doesNotContain("20231234");
    FormClient.Page again = b.post("/console/e/" + election + "/electeurs/reassort", Map.of("csrf", page.csrf(),
        "identifiant", "alice", "channel", "email"));
    assertThat(b.get(again.location()).body()).contains("moins de 10 minutes");
    assertThat(audit(election)).extracting(e -> e.getString("type") + " " + e.getString("actor"))
        .contains("support.reassort staff:" + staffId);

    Http.Res sms = gw.http.post("/v1/support/elections/" + election + "/voters/bruno/reassort", TestGateway.SUPPORT,
        new JsonObject().put("channel", "sms"));
    assertThat(sms.status()).as("bruno has no phone").isEqualTo(422);
    Http.Res chloe = gw.http.post("/v1/support/elections/" + election + "/voters/chloe/reassort", TestGateway.SUPPORT,
        new JsonObject().put("channel", "sms"));
    assertThat(chloe.status()).isEqualTo(202);
    assertThat(gw.http.post("/v1/support/elections/" + election + "/voters/chloe/reassort", TestGateway.SUPPORT,
        new JsonObject().put("channel", "post")).status()).as("chloe has no postal address on the roll").isEqualTo(422);
    assertThat(gw.http.post("/v1/support/elections/" + election + "/voters/chloe/reassort", TestGateway.SUPPORT,
        new JsonObject().put("channel", "voice")).status()).isEqualTo(400);
    // a voter whose roll line gives a postal address: the town shown, the réassort by post offered, a letter sent
    assertThat(gw.importRoll(election, "identifier,college,lastName,firstName,birthDate,email,phone,secret,"
        + "postalAddress\ngael,etudiants,Morel,Gaël,,,,20239999,M. Gaël Morel | 3 place Carnot | 69002 Lyon")
        .status()).isEqualTo(200);
    FormClient.Page gael = b.get("/console/e/" + election + "/electeurs?identifiant=gael");
    assertThat(gael.body()).contains("id=\"postal-town\">Lyon<", "id=\"reassort-post\"")
        .doesNotContain("place Carnot", "69002");
    FormClient.Page letter = b.post("/console/e/" + election + "/electeurs/reassort", Map.of("csrf", gael.csrf(),
        "identifiant", "gael", "channel", "post"));
    assertThat(letter.status()).as(letter.body()).isEqualTo(303);
    ConsoleFixtures.awaitMessages(gw, "M. Gaël Morel\n3 place Carnot\n69002 Lyon", 1);
    assertThat(gw.outbox.last("M. Gaël Morel\n3 place Carnot\n69002 Lyon").message().text()).contains("gael",
        "https://vote.univ-test.fr/").doesNotContain("20239999");
    assertThat(gw.http.post("/v1/support/elections/" + el + "/voters/alice/reassort", TestGateway.SUPPORT,
        new JsonObject().put("channel", "email")).json().getString("type")).isEqualTo("/problems/no-platform-url");
  }

  /** Issue 15, point 3: a French Excel roll (; and Windows-1252) uploaded, imported as a job, followed to its end. */
  @Test
  void anOrganiserImportsASemicolonWindows1252RollAndFollowsItToTheEnd() throws Exception {
    String election = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + election, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))).status())
        .isEqualTo(201);
    FormClient org = new FormClient(gw.gateway.port());
    agent(org, "organiser.h@univ-test.fr", election, "organiser");
    FormClient sup = new FormClient(gw.gateway.port());
    agent(sup, "agent.h@univ-test.fr", election, "support");
    assertThat(sup.get("/console/e/" + election + "/import").status()).isEqualTo(403);

    FormClient.Page form = org.get("/console/e/" + election + "/import");
    assertThat(form.status()).isEqualTo(200);
    java.util.regex.Matcher action = java.util.regex.Pattern.compile("action=\"([^\"]+)\"").matcher(form.body());
    assertThat(action.find()).isTrue();
    String csv = "identifier;college;lastName;firstName;birthDate;email;phone;secret\r\n"
        + "w1;etudiants;Lef\u00e8vre;Fran\u00e7oise;2001-01-01;w1@univ-test.fr;;12345\r\n"
        + "w2;externes;No\u00ebl;Zo\u00e9;1990-06-15;;;\r\n";
    byte[] file = csv.getBytes(java.nio.charset.Charset.forName("windows-1252"));
    String boundary = "----sesame" + System.nanoTime();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"roll\"; filename=\"liste.csv\"\r\n"
        + "Content-Type: text/csv\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    body.writeBytes(file);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    FormClient.Page started = org.postBytes(unescape(action.group(1)), "multipart/form-data; boundary="
        + boundary, body.toByteArray());
    assertThat(started.status()).as(started.body()).isEqualTo(303);
    assertThat(started.location()).startsWith("/console/e/" + election + "/import/");
    FormClient.Page job = org.get(started.location());
    for (int i = 0; i < 100 && job.body().contains("Import en cours"); i++) {
      Thread.sleep(50);
      job = org.get(started.location());
    }
    assertThat(job.body()).contains("Import terminé", "windows-1252", "id=\"separator\">;<", "w2")
        .doesNotContain("data-seconds=");
    assertThat(gw.status(election, "w1").status()).isEqualTo(200);
    assertThat(org.get("/console/e/" + election + "/import/nope").status()).isEqualTo(404);
    FormClient.Page noCsrf = org.postRaw("/console/e/" + election + "/import", "multipart/form-data; boundary=x",
        "--x--\r\n");
    assertThat(noCsrf.status()).isEqualTo(403);
    // issue 16, point 1: once sealed, the roll does not change from the console either
    assertThat(gw.http.postRaw("/v1/admin/elections/" + election + "/seal", TestGateway.ADMIN, "application/json",
        new byte[0]).status()).isEqualTo(201);
    FormClient.Page again = org.get("/console/e/" + election + "/import");
    java.util.regex.Matcher action2 = java.util.regex.Pattern.compile("action=\"([^\"]+)\"").matcher(again.body());
    assertThat(action2.find()).isTrue();
    byte[] more = ("identifier;college;lastName;firstName;birthDate;email;phone;secret\r\n"
        + "w3;externes;Petit;Jean;1990-06-15;;;\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream body2 = new java.io.ByteArrayOutputStream();
    body2.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"roll\"; filename=\"liste.csv\"\r\n"
        + "Content-Type: text/csv\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    body2.writeBytes(more);
    body2.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    FormClient.Page refused = org.postBytes(unescape(action2.group(1)), "multipart/form-data; boundary="
        + boundary, body2.toByteArray());
    assertThat(refused.status()).as(refused.body()).isEqualTo(303);
    assertThat(refused.location()).endsWith("/import?erreur=election-sealed");
    assertThat(org.get(refused.location()).body()).contains("Cette élection est scellée");
    assertThat(gw.status(election, "w3").status()).isEqualTo(404);
  }

  @Test
  void aStaffMemberSeesNothingOfAnotherElectionAndAnExpertOnlyReads() {
    FormClient b = new FormClient(gw.gateway.port());
    agent(b, "agent.c@univ-test.fr", el, "expert");
    FormClient.Page page = b.get("/console/e/" + el + "/electeurs?identifiant=alice");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("deverrouiller");
    FormClient.Page act = b.post("/console/e/" + el + "/electeurs/deverrouiller", Map.of("csrf", page.csrf(),
        "identifiant", "alice", "reason", "pour voir"));
    assertThat(act.status()).isEqualTo(403);
    for (String path : List.of("/console/e/" + other + "/electeurs", "/console/e/" + other
        + "/electeurs?identifiant=alice", "/console/e/nope/electeurs?identifiant=alice")) {
      FormClient.Page p = b.get(path);
      assertThat(p.status()).as(path).isEqualTo(404);
      assertThat(p.body()).doesNotContain("alice", "Martin");
    }
    assertThat(b.post("/console/e/" + other + "/electeurs/deverrouiller", Map.of("csrf", page.csrf(),
        "identifiant", "alice", "reason", "autre scrutin")).status()).isEqualTo(404);
  }

  @Test
  void fiveFailedStepsLockAStaffAccountUntilItIsUnlockedAndACodeWorksOnce() {
    String email = "agent.d@univ-test.fr";
    FormClient b = new FormClient(gw.gateway.port());
    byte[] secret = agent(b, email, el, "support");
    for (int i = 1; i <= 4; i++) {
      FormClient.Page wrong = login(new FormClient(gw.gateway.port()), email, "Mauvais-mot-2026", secret);
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.body()).contains("Il reste " + (5 - i) + " essai");
    }
    // the fifth failure is a code: both factors count together
    FormClient c = new FormClient(gw.gateway.port());
    FormClient.Page form = c.get("/console/connexion");
    FormClient.Page first = c.post("/console/connexion", Map.of("csrf", form.csrf(), "email", email,
        "password", PASSWORD));
    assertThat(first.status()).isEqualTo(303);
    FormClient.Page locked = c.post("/console/connexion/code", Map.of("csrf", form.csrf(), "code", "000000"
        .equals(new Totp().code(secret, gw.clock.instant())) ? "111111" : "000000"));
    assertThat(locked.status()).isEqualTo(423);
    assertThat(locked.body()).contains("Compte verrouillé");
    assertThat(login(new FormClient(gw.gateway.port()), email, PASSWORD, secret).status()).as("the right password")
        .isEqualTo(423);
    assertThat(b.get("/console").status()).as("its open session ends too").isEqualTo(303);

    assertThat(gw.http.post("/v1/admin/staff/unlock", TestGateway.ADMIN, new JsonObject().put("email", email)
        .put("reason", "identité vérifiée")).status()).isEqualTo(200);
    FormClient d = new FormClient(gw.gateway.port());
    FormClient.Page in = login(d, email, PASSWORD, secret);
    assertThat(in.status()).isEqualTo(303);
    // the same code again, in another browser: refused (a code works once)
    FormClient e = new FormClient(gw.gateway.port());
    FormClient.Page f2 = e.get("/console/connexion");
    e.post("/console/connexion", Map.of("csrf", f2.csrf(), "email", email, "password", PASSWORD));
    FormClient.Page replay = e.post("/console/connexion/code", Map.of("csrf", f2.csrf(), "code",
        new Totp().code(secret, gw.clock.instant())));
    assertThat(replay.status()).isEqualTo(401);
  }

  @Test
  void withoutASessionOrWithAForeignFormNothingHappens() {
    FormClient nobody = new FormClient(gw.gateway.port());
    for (String path : List.of("/console", "/console/e/" + el + "/electeurs?identifiant=alice")) {
      FormClient.Page p = nobody.get(path);
      assertThat(p.status()).as(path).isEqualTo(303);
      assertThat(p.location()).isEqualTo("/console/connexion");
    }
    assertThat(nobody.get("/console/connexion/code").location()).isEqualTo("/console/connexion");
    FormClient.Page forged = nobody.post("/console/connexion", Map.of("csrf", "x".repeat(43), "email",
        "agent.a@univ-test.fr", "password", PASSWORD));
    assertThat(forged.status()).isEqualTo(403);
    assertThat(nobody.get("/console/invitation/" + "A".repeat(43)).status()).isEqualTo(404);
    assertThat(nobody.get("/console/invitation/short").status()).isEqualTo(404);
    FormClient.Page unknown = login(nobody, "nobody@univ-test.fr", PASSWORD, new byte[20]);
    assertThat(unknown.status()).as("an unknown email reads as a wrong password").isEqualTo(401);
    assertThat(gw.http.post("/v1/admin/staff", TestGateway.PLATFORM, new JsonObject()).status()).isEqualTo(403);
    assertThat(gw.http.post("/v1/admin/staff", TestGateway.ADMIN, new JsonObject().put("email", "x@y.fr")
        .put("name", "X").put("roles", new JsonArray().add(new JsonObject().put("election", "nope")
            .put("role", "support")))).status()).isEqualTo(404);
    assertThat(gw.http.post("/v1/admin/staff", TestGateway.ADMIN, new JsonObject().put("email", "x@y.fr")
        .put("name", "X").put("roles", new JsonArray().add(new JsonObject().put("election", el)
            .put("role", "king")))).status()).isEqualTo(400);
  }

  /** An attribute as a browser reads it: the HTML character references the templates write decoded. */
  private static String unescape(String attribute) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("&#(x?)([0-9A-Fa-f]+);").matcher(attribute);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int code = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(String.valueOf((char) code)));
    }
    m.appendTail(out);
    return out.toString().replace("&amp;", "&");
  }

  private static List<JsonObject> audit(String election) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + election + "/audit", TestGateway.ADMIN);
    return r.body().lines().filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event")).toList();
  }


}
