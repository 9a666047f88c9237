package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 3, the pages of those who oversee an election (organiser, bureau, expert): the audit trail filtered
 * and paged by cursor, the alerts, over real HTTP as a browser without JavaScript; support gets 403, another
 * election 404.
 */
class ConsoleOversightTest {
  /** 2 locks a minute at most: the third raises the mass-lockout alert. */
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated(new LockoutConfig(5, Duration.ofHours(24), 2));
  private static final Pattern ROW = Pattern.compile("<tr id=\"ev-([0-9]+-[0-9]+)\"><th scope=\"row\">([^<]+)</th>"
      + "<td>([^<]*)</td><td>([^<]*)</td>");
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  /** Invites, activates and logs in a staff member of {@code el}. */
  static FormClient staff(String email, String el, String role) {
    return staff(email, el, role, gw, e -> ConsoleFixtures.invitationToken(gw, e));
  }

  /** Invites, activates and logs in a staff member of {@code el} on {@code gw}, the invitation read by {@code token}. */
  static FormClient staff(String email, String el, String role, TestGateway gw,
                          java.util.function.UnaryOperator<String> invitationToken) {
    FormClient b = new FormClient(gw.gateway.port());
    assertThat(ConsoleFixtures.invite(gw, email, el, role).status()).isEqualTo(201);
    FormClient a = new FormClient(gw.gateway.port());
    String token = invitationToken.apply(email);
    FormClient.Page form = a.get("/console/invitation/" + token);
    a.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password", "Scrutin-Secret-2026", "confirm",
        "Scrutin-Secret-2026"));
    FormClient.Page enrol = a.get("/console/invitation/" + token);
    Matcher k = Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<").matcher(enrol.body());
    assertThat(k.find()).isTrue();
    byte[] secret = ConsoleFixtures.base32(k.group(1).replace(" ", ""));
    assertThat(a.post("/console/invitation/" + token + "/code", Map.of("csrf", enrol.csrf(), "code",
        new Totp().code(secret, gw.clock.instant()))).status()).isEqualTo(303);
    gw.clock.advance(Duration.ofSeconds(30));
    FormClient.Page login = b.get("/console/connexion");
    assertThat(b.post("/console/connexion", Map.of("csrf", login.csrf(), "email", email,
        "password", "Scrutin-Secret-2026")).status()).isEqualTo(303);
    FormClient.Page in = b.post("/console/connexion/code", Map.of("csrf", login.csrf(), "code",
        new Totp().code(secret, gw.clock.instant())));
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    return b;
  }

  record Row(String id, String at, String type, String actor) {}

  static List<Row> rows(String body) {
    List<Row> out = new ArrayList<>();
    Matcher m = ROW.matcher(body);
    while (m.find()) {
      out.add(new Row(m.group(1), m.group(2), m.group(3), m.group(4)));
    }
    return out;
  }

  /** The link of {@code rel} in the page, unescaped as a browser reads it; null when none. */
  static String link(String body, String rel) {
    Matcher m = Pattern.compile("<a href=\"([^\"]+)\" rel=\"" + rel + "\"").matcher(body);
    return m.find() ? m.group(1).replace("&amp;", "&").replace("&#61;", "=").replace("&#x3D;", "=") : null;
  }

  private static void fail(String el, String identifier, int times) {
    for (int i = 0; i < times; i++) {
      gw.login(el, identifier, "0000000" + i, "email");
    }
  }

  @Test
  void theJournalPagesByCursorNewestFirstAndFiltersByTypeActorAndTime() {
    String el = gw.openElection();
    FormClient bureau = staff("bureau.journal@univ-test.fr", el, "bureau");
    gw.clock.advance(Duration.ofMinutes(20));
    LocalDateTime middle = LocalDateTime.ofInstant(gw.clock.instant(), PARIS).withSecond(0).withNano(0);
    gw.clock.advance(Duration.ofMinutes(1));
    for (int v = 0; v < 14; v++) { // 70 failed logins, in minutes of their own: no mass-lockout alert
      fail(el, "nobody" + v, 5);
      gw.clock.advance(Duration.ofMinutes(1));
    }
    fail(el, "alice", 5);
    assertThat(gw.http.post("/v1/support/elections/" + el + "/voters/alice/unlock", TestGateway.SUPPORT,
        new JsonObject().put("reason", "<b>Appel</b> & vérification")).status()).isEqualTo(200);

    FormClient.Page first = bureau.get("/console/e/" + el + "/journal");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    List<Row> one = rows(first.body());
    assertThat(one).hasSize(50);
    assertThat(one.get(0).type()).isEqualTo("voter.unlock");
    assertThat(one.get(0).actor()).startsWith("key:support");
    assertThat(first.body()).as("values shown escaped").contains("&lt;b&gt;Appel&lt;/b&gt; &amp; vérification")
        .doesNotContain("<b>Appel</b>").contains("href=\"/console/e/" + el + "/audit\"")
        .doesNotContain("alice.martin@", "Martin");
    assertThat(link(first.body(), "prev")).as("the newest page has no newer one").isNull();
    String older = link(first.body(), "next");
    assertThat(older).contains("before=" + one.get(49).id());

    FormClient.Page second = bureau.get(older);
    List<Row> two = rows(second.body());
    assertThat(two).isNotEmpty();
    assertThat(two.get(0).id()).as("right after the first page").isNotEqualTo(one.get(49).id());
    assertThat(streamOrder(two.get(0).id(), one.get(49).id())).isNegative();
    for (int i = 1; i < two.size(); i++) {
      assertThat(streamOrder(two.get(i).id(), two.get(i - 1).id())).as("newest first").isNegative();
    }
    FormClient.Page back = bureau.get(link(second.body(), "prev"));
    List<Row> again = rows(back.body());
    assertThat(again).isNotEmpty();
    assertThat(again.get(again.size() - 1).id()).as("the newer page ends where the older began")
        .isEqualTo(one.get(49).id());

    FormClient.Page unlocks = bureau.get("/console/e/" + el + "/journal?type=voter.&actor=key:support");
    assertThat(rows(unlocks.body())).extracting(Row::type).containsExactly("voter.unlock");
    FormClient.Page staffOnly = bureau.get("/console/e/" + el + "/journal?actor=staff:");
    assertThat(rows(staffOnly.body())).isNotEmpty().allMatch(r -> r.actor().startsWith("staff:"));
    assertThat(rows(staffOnly.body())).extracting(Row::type).contains("staff.login");
    FormClient.Page early = bureau.get("/console/e/" + el + "/journal?to=" + middle);
    assertThat(rows(early.body())).isNotEmpty().extracting(Row::type).doesNotContain("voter.unlock")
        .doesNotContain("login.secret");
    FormClient.Page late = bureau.get("/console/e/" + el + "/journal?type=staff.&from=" + middle);
    assertThat(rows(late.body())).as("the staff events came before " + middle).isEmpty();
    assertThat(late.body()).contains("id=\"journal-empty\"");
  }

  /** Negative when stream id {@code a} comes before {@code b}. */
  private static int streamOrder(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  @Test
  void badFiltersAre400WithTheErrorNextToTheFieldAndOnlyOverseersOfTheElectionSeeIt() {
    String el = gw.openElection();
    String other = gw.openElection();
    FormClient expert = staff("expert.journal@univ-test.fr", el, "expert");
    FormClient support = staff("support.journal@univ-test.fr", el, "support");

    FormClient.Page badType = expert.get("/console/e/" + el + "/journal?type=%3Cscript%3E");
    assertThat(badType.status()).isEqualTo(400);
    assertThat(badType.body()).contains("id=\"type-error\"", "aria-invalid=\"true\"", "&lt;script&gt;")
        .doesNotContain("<script>", "id=\"journal\"");
    FormClient.Page backwards = expert.get("/console/e/" + el + "/journal?from=2026-12-02T10:00&to=2026-12-01T10:00");
    assertThat(backwards.status()).isEqualTo(400);
    assertThat(backwards.body()).contains("id=\"to-error\"").doesNotContain("id=\"from-error\"");
    assertThat(expert.get("/console/e/" + el + "/journal?from=hier").body()).contains("id=\"from-error\"");
    assertThat(expert.get("/console/e/" + el + "/journal?before=abc").status()).isEqualTo(400);
    assertThat(expert.get("/console/e/" + el + "/alertes?after=1-x").status()).isEqualTo(400);
    assertThat(expert.get("/console/e/" + el + "/journal").status()).isEqualTo(200);

    for (String page : List.of("journal", "alertes")) {
      assertThat(support.get("/console/e/" + el + "/" + page).status()).as(page).isEqualTo(403);
      assertThat(expert.get("/console/e/" + other + "/" + page).status()).as(page).isEqualTo(404);
    }
    assertThat(new FormClient(gw.gateway.port()).get("/console/e/" + el + "/journal").status())
        .as("not signed in").isEqualTo(303);
  }

  @Test
  void theBureauSeesAMassLockoutAlert() {
    String el = gw.openElection();
    FormClient bureau = staff("bureau.alerts@univ-test.fr", el, "bureau");
    assertThat(bureau.get("/console/e/" + el + "/alertes").body()).contains("id=\"alerts-empty\"");
    assertThat(bureau.get("/console/e/" + el).body()).doesNotContain("latest-alert");
    gw.clock.advance(Duration.ofMinutes(1));
    for (String v : List.of("alice", "bruno", "chloe")) { // the third lock of the minute: over 2
      fail(el, v, 5);
    }
    FormClient.Page election = bureau.get("/console/e/" + el);
    assertThat(election.body()).contains("href=\"/console/e/" + el + "/alertes\"")
        .containsPattern("id=\"latest-alert\">Dernière alerte, le [0-9/: ]+ : Verrouillages en masse : 3 comptes");
    FormClient.Page alerts = bureau.get("/console/e/" + el + "/alertes");
    assertThat(alerts.status()).isEqualTo(200);
    assertThat(alerts.body()).contains("Verrouillages en masse : 3 comptes verrouillés", "seuil : 2")
        .doesNotContain("id=\"alerts-empty\"");
    assertThat(bureau.get("/console/e/" + el + "/journal?type=alert.").body()).contains("alert.mass-lockout");
  }

  /** GET as {@code b}'s browser, the body as bytes. */
  static java.net.http.HttpResponse<byte[]> bytes(FormClient b, String path) throws Exception {
    java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://localhost:" + gw.gateway.port() + path)).timeout(Duration.ofSeconds(20));
    r.header("Cookie", String.join("; ", b.cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .toList()));
    return java.net.http.HttpClient.newHttpClient().send(r.build(), java.net.http.HttpResponse.BodyHandlers
        .ofByteArray());
  }

  @Test
  void theBureauDownloadsTheListAsAPdfAndSeesTheTurnoutByHourAndCollege() throws Exception {
    String el = gw.openElection();
    String other = gw.openElection();
    FormClient bureau = staff("bureau.pdf@univ-test.fr", el, "bureau");
    FormClient support = staff("support.pdf@univ-test.fr", el, "support");
    gw.clock.advance(Duration.ofMinutes(7));
    for (String[] v : new String[][] {{"emma", "15/06/1990", "emma.robert@univ-test.fr"},
        {"chloe", "4321", "chloe.bernard@univ-test.fr"}}) {
      String token = gw.fullLogin(el, v[0], v[1], "email", v[2]);
      assertThat(gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new JsonObject().put("sessionToken", token)).status()).isEqualTo(201);
    }

    FormClient.Page page = bureau.get("/console/e/" + el);
    assertThat(page.body()).contains("href=\"/console/e/" + el + "/emargements.pdf\"");
    Matcher table = Pattern.compile("<table id=\"turnout-hours\">(.*?)</table>", Pattern.DOTALL).matcher(page.body());
    assertThat(table.find()).isTrue();
    assertThat(table.group(1)).contains("<th scope=\"col\">externes</th>", "<th scope=\"col\">personnels</th>")
        .containsPattern("<th scope=\"row\">01/12 10h</th>(<td>[01]</td>)+<td>2</td>");

    java.net.http.HttpResponse<byte[]> pdf = bytes(bureau, "/console/e/" + el + "/emargements.pdf");
    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
    assertThat(pdf.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
    String text;
    try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf.body())) {
      text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
    }
    assertThat(text).contains("Liste d’émargement — Test election", "Page 1 sur 1", "Total : 2")
        .containsPattern("emma Robert Emma externes 01/12/2026 1[01]:[0-9:]+ ")
        .containsPattern("chloe Bernard Chloé personnels ")
        .contains("externes 1", "personnels 1");
    java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    long until = System.nanoTime() + 5_000_000_000L;
    while (leftovers(tmp) > 0 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(leftovers(tmp)).as("the export's directory deleted once sent").isZero();
    assertThat(bytes(support, "/console/e/" + el + "/emargements.pdf").statusCode()).isEqualTo(403);
    assertThat(bytes(bureau, "/console/e/" + other + "/emargements.pdf").statusCode()).isEqualTo(404);
    io.vertx.core.json.JsonObject export = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body()
        .lines().filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event"))
        .filter(e -> "emargement.export".equals(e.getString("type"))).reduce((a, b) -> b).orElseThrow();
    assertThat(export.getJsonObject("d").getString("format")).isEqualTo("pdf");
    assertThat(export.getString("actor")).startsWith("staff:");
  }

  private static long leftovers(java.nio.file.Path tmp) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(tmp)) {
      return files.filter(f -> f.getFileName().toString().startsWith("sesame-emargements-")).count();
    }
  }
}
