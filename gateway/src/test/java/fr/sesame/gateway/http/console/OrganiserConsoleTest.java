package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 3: organisers create and change elections from the console (the admin API's rules and service,
 * audited under the person) and manage the election's team (invite through the outbox, remove a role, unlock an
 * account with a reason); nobody else may, and nobody sees another election. Over real HTTP, without JavaScript.
 */
class OrganiserConsoleTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
  static String el;
  static String other;
  static FormClient org;
  static String orgId;

  @BeforeAll
  static void setUp() {
    el = gw.openElection();
    other = gw.openElection();
    org = new FormClient(gw.gateway.port());
    ConsoleFixtures.agent(gw, org, "organiser.a@univ-test.fr", el, "organiser");
    orgId = ConsoleFixtures.invite(gw, "organiser.a@univ-test.fr", el, "organiser").json().getString("staffId");
  }

  /** A Paris {@code datetime-local} value, {@code d} from the clock's now. */
  private static String local(Duration d) {
    return LOCAL.format(gw.clock.instant().plus(d).atZone(ZoneId.of("Europe/Paris")));
  }

  /** A form body with repeated fields (the college rows' channel checkboxes). */
  private static String body(List<String[]> fields) {
    List<String> parts = new ArrayList<>();
    for (String[] f : fields) {
      parts.add(URLEncoder.encode(f[0], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(f[1], StandardCharsets.UTF_8));
    }
    return String.join("&", parts);
  }

  private static FormClient.Page post(FormClient b, String path, List<String[]> fields) {
    return b.postRaw(path, "application/x-www-form-urlencoded", body(fields));
  }

  private static List<String[]> electionForm(FormClient b, String formPath, String id, String name, Duration opens,
                                             Duration closes, String grace, String... colleges) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"csrf", b.get(formPath).csrf()});
    if (id != null) {
      f.add(new String[] {"id", id});
    }
    f.add(new String[] {"name", name});
    if (opens != null) {
      f.add(new String[] {"opensAt", local(opens)});
    }
    f.add(new String[] {"closesAt", local(closes)});
    f.add(new String[] {"graceMinutes", grace});
    f.add(new String[] {"platformUrl", "https://vote.univ-test.fr/"});
    f.add(new String[] {"phoneCountries", "FR, re"});
    for (int i = 1; i <= 6; i++) {
      String row = i <= colleges.length ? colleges[i - 1] : "";
      String[] parts = row.isEmpty() ? new String[] {"", ""} : row.split(":");
      f.add(new String[] {"college" + i + "Id", parts[0]});
      f.add(new String[] {"college" + i + "Kind", parts.length > 1 ? parts[1] : ""});
      for (int c = 2; c < parts.length; c++) {
        f.add(new String[] {"college" + i + "Channels", parts[c]});
      }
    }
    return f;
  }

  private static List<String> audit(String election) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + election + "/audit", TestGateway.ADMIN);
    return r.body().lines().filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event"))
        .map(e -> e.getString("type") + " " + e.getString("actor") + " " + e.getString("outcome")).toList();
  }

  /** Creates an election from the console; @return its id */
  private static String create(Duration opens, String grace) {
    String id = TestGateway.newElectionId();
    FormClient.Page done = post(org, "/console/elections/nouvelle", electionForm(org, "/console/elections/nouvelle",
        id, "Élections du conseil", opens, opens.plus(Duration.ofDays(2)), grace, "etudiants:SISCOL:sms:email", "",
        "personnels:SSN_LAST4:email"));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(done.location()).isEqualTo("/console/e/" + id + "?cree=1");
    return id;
  }

  @Test
  void anOrganiserCreatesAnElectionWithTheApisRulesAndBecomesItsOrganiser() {
    FormClient.Page home = org.get("/console");
    assertThat(home.body()).contains("href=\"/console/elections/nouvelle\"");
    FormClient.Page form = org.get("/console/elections/nouvelle");
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.body()).contains("id=\"college6Id\"", "type=\"datetime-local\"", "value=\"20\"");

    String id = create(Duration.ofDays(3), "30");

    FormClient.Page page = org.get("/console/e/" + id + "?cree=1");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Élections du conseil", "30 minute", "créé", "href=\"/console/e/" + id
        + "/equipe\"", "href=\"/console/e/" + id + "/modifier\"");
    JsonObject stored = gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json();
    assertThat(stored.getInteger("graceMinutes")).isEqualTo(30);
    assertThat(stored.getJsonArray("colleges")).hasSize(2);
    assertThat(stored.getJsonArray("phoneCountries").getList()).containsExactly("FR", "RE");
    assertThat(java.time.OffsetDateTime.parse(stored.getString("opensAt")).toInstant()).as("Paris time")
        .isEqualTo(java.time.LocalDateTime.parse(local(Duration.ofDays(3))).atZone(ZoneId.of("Europe/Paris")).toInstant());
    assertThat(org.get("/console").body()).as("the creator's home lists it").contains("href=\"/console/e/" + id + "\"");
    assertThat(audit(id)).contains("election.put staff:" + orgId + " created", "staff.grant staff:" + orgId + " granted");

    FormClient.Page again = post(org, "/console/elections/nouvelle", electionForm(org, "/console/elections/nouvelle",
        id, "Autre nom", Duration.ofDays(3), Duration.ofDays(4), "20", "a:SISCOL:sms"));
    assertThat(again.status()).as("never over an existing election").isEqualTo(409);
    assertThat(again.body()).contains("id=\"id-error\"", "déjà");
    assertThat(gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json().getString("name"))
        .isEqualTo("Élections du conseil");
    FormClient.Page overAnother = post(org, "/console/elections/nouvelle", electionForm(org,
        "/console/elections/nouvelle", other, "Pris", Duration.ofDays(3), Duration.ofDays(4), "20", "a:SISCOL:sms"));
    assertThat(overAnother.status()).as("nor over another's").isEqualTo(409);
    assertThat(gw.http.get("/v1/admin/elections/" + other, TestGateway.ADMIN).json().getString("name"))
        .isEqualTo("Test election");
  }

  @Test
  void aFormWithErrorsShowsEachNextToItsFieldAnswers400AndStoresNothing() {
    String id = TestGateway.newElectionId();
    FormClient.Page bad = post(org, "/console/elections/nouvelle", electionForm(org, "/console/elections/nouvelle",
        id, " ", Duration.ofDays(3), Duration.ofDays(2), "500", "etudiants:SISCOL", "", ":BIRTH_DATE:email",
        "x:SISCOL:sms", "x:SISCOL:email"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("id=\"name-error\"", "id=\"closesAt-error\"", "id=\"graceMinutes-error\"",
        "id=\"college1-error\"", "id=\"college3-error\"", "id=\"college5-error\"", "aria-invalid=\"true\"",
        "href=\"#college3\"", "Cochez au moins un canal", "figure deux fois", "value=\"500\"")
        .doesNotContain("id=\"id-error\"", "id=\"college2-error\"", "id=\"college4-error\"");
    assertThat(gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).status()).isEqualTo(404);

    FormClient.Page badId = post(org, "/console/elections/nouvelle", electionForm(org, "/console/elections/nouvelle",
        "pas un id", "Nom", Duration.ofDays(3), Duration.ofDays(4), "20", "a:SISCOL:sms"));
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.body()).contains("id=\"id-error\"");
    FormClient.Page noCollege = post(org, "/console/elections/nouvelle", electionForm(org,
        "/console/elections/nouvelle", id, "Nom", Duration.ofDays(3), Duration.ofDays(4), "20"));
    assertThat(noCollege.status()).isEqualTo(400);
    assertThat(noCollege.body()).contains("id=\"college1-error\"", "au moins un collège");
    FormClient.Page badUrl = post(org, "/console/elections/nouvelle", electionForm(org, "/console/elections/nouvelle",
        id, "Nom", Duration.ofDays(3), Duration.ofDays(4), "20", "a:SISCOL:sms").stream()
        .map(f -> f[0].equals("platformUrl") ? new String[] {"platformUrl", "http://vote.example"} : f).toList());
    assertThat(badUrl.status()).isEqualTo(400);
    assertThat(badUrl.body()).contains("id=\"platformUrl-error\"");
    assertThat(gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).status()).isEqualTo(404);
    assertThat(gw.http.get("/v1/admin/elections/" + id + "/audit", TestGateway.ADMIN).status()).isEqualTo(404);
  }

  @Test
  void aSealedElectionDoesNotChangeFromTheConsole() {
    String id = create(Duration.ofDays(1), "20");
    String edit = "/console/e/" + id + "/modifier";
    JsonObject stored = gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json();
    assertThat(gw.http.postRaw("/v1/admin/elections/" + id + "/seal", TestGateway.ADMIN, "application/json",
        new byte[0]).status()).isEqualTo(201);
    FormClient.Page refused = post(org, edit, electionForm(org, edit, null, "Conseil scellé", Duration.ofDays(1),
        Duration.ofDays(3), "15", "etudiants:SISCOL:sms:email", "personnels:SSN_LAST4:email"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.body()).contains("Élection scellée", "Rien n&#39;a été modifié");
    assertThat(gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json()).isEqualTo(stored);
    // reopened by an administrator (audited), it changes again
    assertThat(gw.http.post("/v1/admin/elections/" + id + "/seal/reopen", TestGateway.ADMIN,
        new JsonObject().put("reason", "name corrected")).status()).isEqualTo(200);
    FormClient.Page changed = post(org, edit, electionForm(org, edit, null, "Conseil scellé", Duration.ofDays(1),
        Duration.ofDays(3), "15", "etudiants:SISCOL:sms:email", "personnels:SSN_LAST4:email"));
    assertThat(changed.status()).as(changed.body()).isEqualTo(303);
  }

  @Test
  void anElectionChangesUntilItOpensThenNeitherItsOpeningNorItsColleges() {
    Instant start = gw.clock.instant();
    String id = create(Duration.ofMinutes(10), "20");
    String edit = "/console/e/" + id + "/modifier";
    FormClient.Page form = org.get(edit);
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.body()).contains("value=\"etudiants\"", "value=\"personnels\"", "value=\"SSN_LAST4\" selected",
        "value=\"https://vote.univ-test.fr/\"");

    FormClient.Page changed = post(org, edit, electionForm(org, edit, null, "Conseil central", Duration.ofMinutes(10),
        Duration.ofDays(2), "15", "etudiants:SISCOL:sms:email", "personnels:SSN_LAST4:email", "externes:BIRTH_DATE:email"));
    assertThat(changed.status()).as(changed.body()).isEqualTo(303);
    JsonObject stored = gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json();
    assertThat(stored.getString("name")).isEqualTo("Conseil central");
    assertThat(stored.getJsonArray("colleges")).hasSize(3);
    assertThat(stored.getInteger("graceMinutes")).isEqualTo(15);
    FormClient.Page invalid = post(org, edit, electionForm(org, edit, null, "", Duration.ofMinutes(10),
        Duration.ofDays(2), "abc", "etudiants:SISCOL:sms"));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.body()).contains("id=\"name-error\"", "id=\"graceMinutes-error\"");
    assertThat(gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json()).isEqualTo(stored);

    gw.clock.advance(Duration.ofMinutes(11)); // the election has opened
    FormClient.Page opened = org.get(edit);
    assertThat(opened.body()).contains("ne peuvent plus changer").doesNotContain("id=\"college1Id\"",
        "id=\"opensAt\"");
    List<String[]> tampered = electionForm(org, edit, null, "Conseil central", Duration.ofMinutes(-1),
        Duration.ofDays(2), "15", "etudiants:SISCOL:sms");
    FormClient.Page refused = post(org, edit, tampered);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json()).isEqualTo(stored);
    List<String[]> nameOnly = new ArrayList<>(electionForm(org, edit, null, "Conseil central 2026", null,
        Duration.ofDays(3), "25"));
    nameOnly.removeIf(f -> f[0].startsWith("college"));
    FormClient.Page renamed = post(org, edit, nameOnly);
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(303);
    JsonObject after = gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json();
    assertThat(after.getString("name")).isEqualTo("Conseil central 2026");
    assertThat(after.getInteger("graceMinutes")).isEqualTo(25);
    assertThat(after.getJsonArray("colleges")).isEqualTo(stored.getJsonArray("colleges"));
    assertThat(after.getString("opensAt")).isEqualTo(stored.getString("opensAt"));
    assertThat(audit(id)).filteredOn(l -> l.startsWith("election.put staff:" + orgId)).hasSize(3);
    assertThat(start).isBefore(gw.clock.instant());
  }

  @Test
  void anElectionDefinedThroughTheApiKeepsItsTimesToTheSecondWhenOnlyItsNameChanges() {
    String id = TestGateway.newElectionId();
    JsonObject body = TestGateway.electionBody(gw.clock.instant().minusSeconds(3600 + 30),
        gw.clock.instant().plusSeconds(86_400 + 45));
    assertThat(gw.http.put("/v1/admin/elections/" + id, TestGateway.ADMIN, body).status()).isEqualTo(201);
    Http.Res granted = ConsoleFixtures.invite(gw, "organiser.a@univ-test.fr", id, "organiser");
    assertThat(granted.json().getString("status")).as("an active account gets a role where it has none")
        .isEqualTo("granted");
    JsonObject before = gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json();
    String edit = "/console/e/" + id + "/modifier";
    FormClient.Page form = org.get(edit);
    assertThat(form.status()).isEqualTo(200);
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"csrf", form.csrf()});
    fields.add(new String[] {"name", "Renommé"});
    fields.add(new String[] {"closesAt", form.body().replaceAll("(?s).*id=\"closesAt\" name=\"closesAt\" "
        + "type=\"datetime-local\" value=\"([^\"]+)\".*", "$1")});
    fields.add(new String[] {"graceMinutes", "20"});
    FormClient.Page saved = post(org, edit, fields);
    assertThat(saved.status()).as(saved.body()).isEqualTo(303);
    JsonObject after = gw.http.get("/v1/admin/elections/" + id, TestGateway.ADMIN).json();
    assertThat(after.getString("name")).isEqualTo("Renommé");
    assertThat(after.getString("opensAt")).isEqualTo(before.getString("opensAt"));
    assertThat(after.getString("closesAt")).isEqualTo(before.getString("closesAt"));
    assertThat(after.getJsonArray("colleges")).isEqualTo(before.getJsonArray("colleges"));
    assertThat(after.getString("platformUrl")).as("a field left blank is cleared, as the form showed it").isNull();
  }

  @Test
  void onlyTheElectionsOrganisersManageItAndNobodySeesAnotherElection() {
    FormClient support = new FormClient(gw.gateway.port());
    ConsoleFixtures.agent(gw, support, "support.b@univ-test.fr", el, "support");
    assertThat(support.get("/console").body()).doesNotContain("/console/elections/nouvelle");
    assertThat(support.get("/console/elections/nouvelle").status()).isEqualTo(403);
    assertThat(post(support, "/console/elections/nouvelle", electionForm(support, "/console", TestGateway
        .newElectionId(), "N", Duration.ofDays(1), Duration.ofDays(2), "20", "a:SISCOL:sms")).status()).isEqualTo(403);
    assertThat(support.get("/console/e/" + el + "/modifier").status()).isEqualTo(403);
    assertThat(support.get("/console/e/" + el + "/equipe").status()).isEqualTo(403);
    String csrf = support.get("/console").csrf();
    assertThat(support.post("/console/e/" + el + "/equipe/inviter", Map.of("csrf", csrf, "email",
        "x@univ-test.fr", "name", "X", "role", "organiser")).status()).isEqualTo(403);
    assertThat(support.get("/console/e/" + el).body()).doesNotContain("/modifier", "/equipe");

    String mine = org.get("/console").csrf();
    assertThat(org.get("/console/e/" + other + "/modifier").status()).isEqualTo(404);
    assertThat(org.get("/console/e/" + other + "/equipe").status()).isEqualTo(404);
    assertThat(org.get("/console/e/nope/equipe").status()).isEqualTo(404);
    assertThat(post(org, "/console/e/" + other + "/modifier", electionForm(org, "/console", null, "Volé",
        Duration.ofDays(1), Duration.ofDays(2), "20", "a:SISCOL:sms")).status()).isEqualTo(404);
    assertThat(org.post("/console/e/" + other + "/equipe/inviter", Map.of("csrf", mine, "email", "y@univ-test.fr",
        "name", "Y", "role", "organiser")).status()).isEqualTo(404);
    String outsider = ConsoleFixtures.invite(gw, "outsider.c@univ-test.fr", other, "support").json()
        .getString("staffId");
    assertThat(org.post("/console/e/" + el + "/equipe/retirer", Map.of("csrf", mine, "staff", outsider)).status())
        .as("another election's staff is unknown here").isEqualTo(404);
    assertThat(org.post("/console/e/" + el + "/equipe/deverrouiller", Map.of("csrf", mine, "staff", outsider,
        "reason", "parce que")).status()).isEqualTo(404);
    assertThat(gw.http.get("/v1/admin/elections/" + other, TestGateway.ADMIN).json().getString("name"))
        .isEqualTo("Test election");
    assertThat(org.post("/console/e/" + el + "/equipe/inviter", Map.of("email", "z@univ-test.fr", "name", "Z",
        "role", "organiser")).status()).as("no CSRF token").isEqualTo(403);
  }

  @Test
  void anOrganiserInvitesFromTheConsoleRemovesARoleAndUnlocksAnAccount() {
    String team = "/console/e/" + el + "/equipe";
    FormClient.Page page = org.get(team);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Agent organiser", "o***@u***.fr", "Organisation", "Actif")
        .doesNotContain("organiser.a@univ-test.fr", "Retirer le rôle de Agent organiser");

    FormClient.Page bad = org.post(team + "/inviter", Map.of("csrf", page.csrf(), "email", "pas-une-adresse",
        "name", "", "role", "roi"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("id=\"email-error\"", "id=\"name-error\"", "id=\"role-error\"",
        "value=\"pas-une-adresse\"");

    FormClient.Page invited = org.post(team + "/inviter", Map.of("csrf", page.csrf(), "email",
        "bureau.d@univ-test.fr", "name", "Denise Bureau", "role", "bureau"));
    assertThat(invited.status()).as(invited.body()).isEqualTo(303);
    assertThat(invited.location()).isEqualTo(team + "?fait=invited");
    String token = ConsoleFixtures.invitationToken(gw, "bureau.d@univ-test.fr");
    assertThat(gw.outbox.last("bureau.d@univ-test.fr").message().subject()).contains("console Sesame");
    assertThat(org.get(invited.location()).body()).contains("Denise Bureau", "b***@u***.fr", "Bureau de vote",
        "Invitation envoyée", "L’invitation est partie");
    assertThat(audit(el)).contains("staff.invite staff:" + orgId + " invited");
    FormClient denise = new FormClient(gw.gateway.port());
    byte[] deniseSecret = ConsoleFixtures.enrol(gw, denise, token);
    assertThat(ConsoleFixtures.login(gw, denise, "bureau.d@univ-test.fr", ConsoleFixtures.PASSWORD, deniseSecret)
        .status()).isEqualTo(303);
    assertThat(denise.get("/console/e/" + el).status()).isEqualTo(200);

    // an active account of another election gets the role here, without a new invitation
    FormClient eve = new FormClient(gw.gateway.port());
    byte[] eveSecret = ConsoleFixtures.agent(gw, eve, "support.e@univ-test.fr", other, "support");
    int messages = gw.outbox.list("support.e@univ-test.fr").size();
    FormClient.Page granted = org.post(team + "/inviter", Map.of("csrf", page.csrf(), "email",
        "support.e@univ-test.fr", "name", "Ève", "role", "support"));
    assertThat(granted.location()).isEqualTo(team + "?fait=granted");
    assertThat(eve.get("/console").body()).contains("href=\"/console/e/" + el + "\"", "href=\"/console/e/" + other
        + "\"");
    assertThat(gw.outbox.list("support.e@univ-test.fr")).hasSize(messages);
    assertThat(org.post(team + "/inviter", Map.of("csrf", page.csrf(), "email", "support.e@univ-test.fr", "name",
        "Ève", "role", "organiser")).location()).as("a role it has is not changed").isEqualTo(team + "?fait=exists");

    String deniseId = ConsoleFixtures.invite(gw, "bureau.d@univ-test.fr", el, "bureau").json().getString("staffId");
    FormClient.Page self = org.post(team + "/retirer", Map.of("csrf", page.csrf(), "staff", orgId));
    assertThat(self.status()).isEqualTo(409);
    FormClient.Page removed = org.post(team + "/retirer", Map.of("csrf", page.csrf(), "staff", deniseId));
    assertThat(removed.status()).isEqualTo(303);
    assertThat(org.get(team).body()).doesNotContain("Denise Bureau");
    assertThat(denise.get("/console/e/" + el).status()).as("her role is gone at once").isEqualTo(404);
    assertThat(audit(el)).contains("staff.revoke staff:" + orgId + " revoked");

    // five wrong passwords lock Ève's account; the organiser unlocks it with a reason
    for (int i = 0; i < 5; i++) {
      ConsoleFixtures.login(gw, new FormClient(gw.gateway.port()), "support.e@univ-test.fr", "Faux-mot-2026" + i,
          eveSecret);
    }
    String eveId = ConsoleFixtures.invite(gw, "support.e@univ-test.fr", el, "support").json().getString("staffId");
    assertThat(org.get(team).body()).contains("Verrouillé", "id=\"reason-" + eveId + "\"");
    FormClient.Page noReason = org.post(team + "/deverrouiller", Map.of("csrf", page.csrf(), "staff", eveId,
        "reason", ""));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.body()).contains("id=\"member-" + eveId + "-error\"");
    FormClient.Page unlocked = org.post(team + "/deverrouiller", Map.of("csrf", page.csrf(), "staff", eveId,
        "reason", "Identité vérifiée au téléphone"));
    assertThat(unlocked.location()).isEqualTo(team + "?fait=unlocked");
    assertThat(ConsoleFixtures.login(gw, new FormClient(gw.gateway.port()), "support.e@univ-test.fr",
        ConsoleFixtures.PASSWORD, eveSecret).status()).isEqualTo(303);
    assertThat(audit(el)).contains("staff.unlock staff:" + orgId + " unlocked");
  }
}
