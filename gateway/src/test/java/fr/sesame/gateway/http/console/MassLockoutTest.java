package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 2: more locks than {@code lockout.massAlertPerMinute} in a minute of one election raise one
 * alert (audit event, email to each bureau member, none to others); the voters locked in a time window are
 * unlocked together with a reason, each audited.
 */
class MassLockoutTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated(new LockoutConfig(5, Duration.ofHours(24), 2));

  private static void lock(String el, String identifier) {
    for (int i = 0; i < 5; i++) {
      gw.login(el, identifier, "0000000" + i, "email");
    }
    assertThat(gw.status(el, identifier).json().getString("status")).isEqualTo("locked");
  }

  @Test
  void aWaveOfLocksAlertsTheBureauOnceAndABulkUnlockUndoesItVoterByVoter() {
    String el = gw.openElection();
    assertThat(ConsoleFixtures.invite(gw, "bureau@univ-test.fr", el, "bureau").status()).isEqualTo(201);
    ConsoleFixtures.invitationToken(gw, "bureau@univ-test.fr"); // its invitation came
    assertThat(ConsoleFixtures.invite(gw, "support@univ-test.fr", el, "support").status()).isEqualTo(201);
    ConsoleFixtures.invitationToken(gw, "support@univ-test.fr");
    // the bureau member activates the account (alerts go to active accounts)
    activate("bureau@univ-test.fr");

    OffsetDateTime before = OffsetDateTime.ofInstant(gw.clock.instant(), ZoneOffset.UTC);
    lock(el, "alice");
    lock(el, "bruno");
    assertThat(auditTypes(el)).doesNotContain("alert.mass-lockout");
    lock(el, "chloe"); // the third lock of the minute: over 2
    lock(el, "emma");
    assertThat(auditTypes(el)).filteredOn("alert.mass-lockout"::equals).as("one alert a minute").hasSize(1);
    ConsoleFixtures.awaitMessages(gw, "bureau@univ-test.fr", 2); // the invitation, then the alert
    assertThat(gw.outbox.last("bureau@univ-test.fr").message().text()).contains("verrouillés en une minute");
    assertThat(gw.outbox.list("support@univ-test.fr")).as("support is not the bureau").hasSize(1);
    // issue 16, point 4: the alert is in the election's incident log
    assertThat(incidents(el)).extracting(i -> i.getString("type")).containsExactly("alert.mass-lockout");

    gw.clock.advance(Duration.ofMinutes(1));
    for (String nobody : List.of("david", "eve", "frank")) { // not on the roll: counted and locked like voters,
      for (int i = 0; i < 5; i++) {                               // outside the window below
        gw.login(el, nobody, "0000000" + i, "email");
      }
    }
    assertThat(auditTypes(el)).filteredOn("alert.mass-lockout"::equals)
        .as("a wave that goes on raises no other alert for 15 minutes").hasSize(1);
    OffsetDateTime after = OffsetDateTime.ofInstant(gw.clock.instant(), ZoneOffset.UTC);

    Http.Res noReason = gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", before.toString()).put("to", after.toString()).put("reason", " "));
    assertThat(noReason.status()).isEqualTo(400);
    Http.Res backwards = gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", after.toString()).put("to", before.toString()).put("reason", "incident"));
    assertThat(backwards.status()).isEqualTo(400);
    Http.Res window = gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", before.toString()).put("to", before.plusSeconds(30).toString())
            .put("reason", "Incident du prestataire SMS"));
    assertThat(window.status()).as(window.body()).isEqualTo(200);
    assertThat(window.json().getInteger("unlocked")).isEqualTo(4);
    for (String v : List.of("alice", "bruno", "chloe", "emma")) {
      assertThat(gw.status(el, v).json().getString("status")).as(v).isEqualTo("active");
    }
    assertThat(auditTypes(el)).filteredOn("voter.unlock"::equals).hasSize(4);
    assertThat(gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", before.toString()).put("to", before.plusSeconds(30).toString())
            .put("reason", "again")).json().getInteger("unlocked")).as("nothing left in that window").isZero();
  }

  @Test
  void theConsoleUnlocksAWindowWithAReasonAndRefusesAReadOnlyRole() {
    String el = gw.openElection();
    FormClient agent = new FormClient(gw.gateway.port());
    login(agent, "agent.window@univ-test.fr", el, "support");
    java.time.LocalDateTime start = java.time.LocalDateTime.ofInstant(gw.clock.instant(),
        java.time.ZoneId.of("Europe/Paris")).withSecond(0).withNano(0);
    lock(el, "bruno");
    FormClient.Page page = agent.get("/console/e/" + el + "/electeurs");
    assertThat(page.body()).contains("Déverrouillage groupé");
    FormClient.Page bad = agent.post("/console/e/" + el + "/deverrouillage-groupe", Map.of("csrf", page.csrf(),
        "from", start.toString(), "to", "hier", "windowReason", "incident"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("id=\"to-error\"");
    FormClient.Page done = agent.post("/console/e/" + el + "/deverrouillage-groupe", Map.of("csrf", page.csrf(),
        "from", start.toString(), "to", start.plusMinutes(2).toString(), "windowReason", "Incident SMS"));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(agent.get(done.location()).body()).contains("1 électeur(s) déverrouillé(s)");
    assertThat(gw.status(el, "bruno").json().getString("status")).isEqualTo("active");

    FormClient expert = new FormClient(gw.gateway.port());
    login(expert, "expert.window@univ-test.fr", el, "expert");
    FormClient.Page readOnly = expert.get("/console/e/" + el + "/electeurs");
    assertThat(readOnly.body()).doesNotContain("Déverrouillage groupé");
    assertThat(expert.post("/console/e/" + el + "/deverrouillage-groupe", Map.of("csrf", readOnly.csrf(),
        "from", start.toString(), "to", start.plusMinutes(2).toString(), "windowReason", "x y z")).status())
        .isEqualTo(403);
  }

  /**
   * Issue 16, point 4: an incident an organiser records is audited under its key, joins the incident log and is
   * emailed to the bureau; bad input changes nothing.
   */
  @Test
  void anIncidentRecordedIsAuditedLoggedAndSentToTheBureau() {
    String el = gw.openElection();
    assertThat(ConsoleFixtures.invite(gw, "bureau.incident@univ-test.fr", el, "bureau").status()).isEqualTo(201);
    activate("bureau.incident@univ-test.fr");
    String base = "/v1/admin/elections/" + el + "/incidents";
    for (JsonObject bad : List.of(new JsonObject().put("severity", "high").put("summary", "  "),
        new JsonObject().put("severity", "grave").put("summary", "x"),
        new JsonObject().put("severity", "high").put("summary", "x").put("extra", 1),
        new JsonObject().put("severity", "high").put("summary", "x".repeat(2001)))) {
      assertThat(gw.http.post(base, TestGateway.ADMIN, bad).status()).as(bad.encode()).isEqualTo(400);
    }
    assertThat(gw.http.post("/v1/admin/elections/nope/incidents", TestGateway.ADMIN,
        new JsonObject().put("severity", "low").put("summary", "x")).status()).isEqualTo(404);
    assertThat(gw.http.post(base, TestGateway.SUPPORT,
        new JsonObject().put("severity", "low").put("summary", "x")).status()).isEqualTo(403);
    assertThat(incidents(el)).isEmpty();
    assertThat(auditTypes(el)).doesNotContain("incident.record");

    Http.Res r = gw.http.post(base, TestGateway.ADMIN, new JsonObject().put("severity", "high")
        .put("summary", "Coupure du prestataire SMS de 10 h 02 à 10 h 15"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getInteger("bureauAlerted")).isEqualTo(1);
    assertThat(auditTypes(el)).contains("incident.record");
    List<JsonObject> log = incidents(el);
    assertThat(log).singleElement().satisfies(i -> {
      assertThat(i.getString("type")).isEqualTo("incident.record");
      assertThat(i.getString("outcome")).isEqualTo("high");
      assertThat(i.getString("actor")).startsWith("key:admin/");
      assertThat(i.getJsonObject("details").getString("summary")).startsWith("Coupure du prestataire SMS");
    });
    ConsoleFixtures.awaitMessages(gw, "bureau.incident@univ-test.fr", 2); // the invitation, then the alert
    assertThat(gw.outbox.last("bureau.incident@univ-test.fr").message().text())
        .contains("Incident de sécurité enregistré (high", "Coupure du prestataire SMS");
  }

  /** The console's incident log: every role reads it, an organiser records one (the API's service), others may not. */
  @Test
  void theConsoleShowsTheIncidentLogAndAnOrganiserRecordsOne() {
    String el = gw.openElection();
    FormClient bureau = new FormClient(gw.gateway.port());
    login(bureau, "bureau.log@univ-test.fr", el, "bureau");
    FormClient organiser = new FormClient(gw.gateway.port());
    login(organiser, "organiser.log@univ-test.fr", el, "organiser");
    assertThat(organiser.get("/console/e/" + el).body()).contains("/console/e/" + el + "/incidents");
    FormClient.Page page = organiser.get("/console/e/" + el + "/incidents");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Aucun incident enregistré", "id=\"summary\"");
    FormClient.Page bad = organiser.post("/console/e/" + el + "/incidents", Map.of("csrf", page.csrf(),
        "severity", "grave", "summary", " "));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("id=\"severity-error\"", "id=\"summary-error\"", "error-summary");
    assertThat(incidents(el)).isEmpty();
    FormClient.Page done = organiser.post("/console/e/" + el + "/incidents", Map.of("csrf", page.csrf(),
        "severity", "medium", "summary", "Tentatives de connexion répétées depuis une même adresse"));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(organiser.get(done.location()).body()).contains("Incident enregistré", "Incident enregistré ;",
        "Tentatives de connexion répétées", "medium");
    assertThat(incidents(el)).singleElement().satisfies(i ->
        assertThat(i.getString("actor")).startsWith("staff:"));
    ConsoleFixtures.awaitMessages(gw, "bureau.log@univ-test.fr", 2); // the invitation, then the alert
    assertThat(gw.outbox.last("bureau.log@univ-test.fr").message().text()).contains("Tentatives de connexion");

    FormClient.Page read = bureau.get("/console/e/" + el + "/incidents");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body()).contains("Tentatives de connexion répétées").doesNotContain("id=\"summary\"");
    assertThat(bureau.post("/console/e/" + el + "/incidents", Map.of("csrf", bureau.get("/console/e/" + el).csrf(),
        "severity", "low",
        "summary", "pas le bureau")).status()).isEqualTo(403);
    assertThat(incidents(el)).hasSize(1);
  }

  private static List<JsonObject> incidents(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/incidents", TestGateway.ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("incidents").stream().map(o -> (JsonObject) o).toList();
  }

  /** Invites, activates and logs in a staff member of {@code el}. */
  private static void login(FormClient b, String email, String el, String role) {
    assertThat(ConsoleFixtures.invite(gw, email, el, role).status()).isEqualTo(201);
    byte[] secret = activate(email);
    gw.clock.advance(Duration.ofSeconds(30));
    FormClient.Page form = b.get("/console/connexion");
    FormClient.Page first = b.post("/console/connexion", Map.of("csrf", form.csrf(), "email", email,
        "password", "Scrutin-Secret-2026"));
    assertThat(first.status()).isEqualTo(303);
    FormClient.Page in = b.post("/console/connexion/code", Map.of("csrf", form.csrf(), "code",
        new Totp().code(secret, gw.clock.instant())));
    assertThat(in.status()).as(in.body()).isEqualTo(303);
  }

  private static byte[] activate(String email) {
    FormClient b = new FormClient(gw.gateway.port());
    String token = ConsoleFixtures.invitationToken(gw, email);
    FormClient.Page form = b.get("/console/invitation/" + token);
    b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password", "Scrutin-Secret-2026", "confirm",
        "Scrutin-Secret-2026"));
    FormClient.Page enrol = b.get("/console/invitation/" + token);
    java.util.regex.Matcher k = java.util.regex.Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<").matcher(enrol.body());
    assertThat(k.find()).isTrue();
    byte[] secret = ConsoleFixtures.base32(k.group(1).replace(" ", ""));
    FormClient.Page done = b.post("/console/invitation/" + token + "/code", Map.of("csrf", enrol.csrf(), "code",
        new Totp().code(secret, gw.clock.instant())));
    assertThat(done.status()).isEqualTo(303);
    return secret;
  }

  private static List<String> auditTypes(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN);
    return r.body().lines().filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event")
        .getString("type")).toList();
  }
}
