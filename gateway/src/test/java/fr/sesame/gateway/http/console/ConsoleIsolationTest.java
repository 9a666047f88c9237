package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.http.ApiRouter;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 9: "a staff member of one election sees nothing of another (tested for every route)". The routes
 * are read from the gateway's router ({@link ApiRouter#table}), so a console route added later under
 * {@code /console/e/:election} is called here without anyone listing it: each one, with each of its methods, is
 * called with a valid session and CSRF token and plausible parameters (a voter on election B's roll, B's real
 * import job) by an organiser of election A and by a staff member with no role at all, against election B, which
 * exists. Every answer is 404, the very page an election that does not exist gets, and B is as it was: its audit chain, its voters, the messages sent. An organiser of
 * B then makes the same calls and gets no 404: the parameters reach the pages (the check cannot pass because
 * every request was malformed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIsolationTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  private static final Pattern PARAM = Pattern.compile(":([A-Za-z]+)");
  private static final String PREFIX = "/console/e/:election";
  static String a;
  static String b;
  static String jobOfB;
  static String campaignOfB;
  /** A member of B's team (invited, support), for the team's forms. */
  static String memberOfB;
  /** B's seal's PDF, as its route names it ({@code 1.pdf}). */
  static String sealOfB;
  private static final String MEMBER = "membre.b@univ-test.fr";

  @BeforeAll
  static void elections() {
    a = gw.openElection();
    b = gw.openElection();
    // a real import job of B, for the routes that name one
    Http.Res job = gw.http.postRaw("/v1/admin/elections/" + b + "/imports", TestGateway.ADMIN, "text/csv",
        TestGateway.ROLL.getBytes(StandardCharsets.UTF_8));
    assertThat(job.status()).as(job.body()).isEqualTo(202);
    jobOfB = job.json().getString("jobId");
    assertThat(TestRedis.readUntil(gw.redisUrl, "*", () -> gw.http.get("/v1/admin/elections/" + b + "/imports/"
        + jobOfB, TestGateway.ADMIN).json().getString("status"), s -> !"running".equals(s),
        java.time.Duration.ofSeconds(10), "B's import job ended")).isNotEqualTo("running");
    // a real campaign of B (it needs the voting platform's address), for the routes that name one
    assertThat(gw.http.put("/v1/admin/elections/" + b, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(java.time.Duration.ofDays(1)), gw.clock.instant().plus(java.time.Duration.ofDays(10)))
        .put("platformUrl", "https://vote.univ-test.fr")).status()).isEqualTo(200);
    Http.Res campaign = gw.http.post("/v1/admin/elections/" + b + "/campaigns", TestGateway.ADMIN,
        new io.vertx.core.json.JsonObject().put("channel", "email"));
    assertThat(campaign.status()).as(campaign.body()).isEqualTo(202);
    campaignOfB = campaign.json().getString("campaignId");
    assertThat(TestRedis.readUntil(gw.redisUrl, "*", () -> gw.http.get("/v1/admin/elections/" + b + "/campaigns/"
        + campaignOfB, TestGateway.ADMIN).json().getString("status"), s -> !"running".equals(s),
        java.time.Duration.ofSeconds(10), "B's campaign ended")).isNotEqualTo("running");
    // an active member (an invited one cannot be unlocked), signed in once
    ConsoleFixtures.agent(gw, new FormClient(gw.gateway.port()), MEMBER, b, "support");
    memberOfB = ConsoleFixtures.invite(gw, MEMBER, b, "support").json().getString("staffId");
    // a locked voter in B: an unlock that went through would show
    for (int i = 0; i < 5; i++) {
      gw.login(b, "bruno", "0000000" + i, "email");
    }
    assertThat(gw.status(b, "bruno").json().getString("status")).isEqualTo("locked");
    // B sealed (its first seal), for the routes that name one; its roll and definition then refuse changes (409)
    Http.Res seal = gw.http.postRaw("/v1/admin/elections/" + b + "/seal", TestGateway.ADMIN, "application/json",
        new byte[0]);
    assertThat(seal.status()).as(seal.body()).isEqualTo(201);
    sealOfB = seal.json().getLong("n") + ".pdf";
  }

  /** The console's election routes, from the router: one per method. */
  private static List<ApiRouter.RouteEntry> electionRoutes() {
    List<ApiRouter.RouteEntry> routes = gw.gateway.routes().stream()
        .filter(r -> r.path().equals(PREFIX) || r.path().startsWith(PREFIX + "/")).toList();
    // fails loudly rather than passing with nothing to check (a renamed prefix, a table that lost its routes)
    assertThat(routes).as("console routes under " + PREFIX + " in the router's table").isNotEmpty();
    assertThat(routes).extracting(ApiRouter.RouteEntry::method).as("both pages and forms").contains("GET", "POST");
    return routes;
  }

  /** The route's path with plausible values in B; a parameter this test does not know fails it. */
  private static String path(ApiRouter.RouteEntry route, String election) {
    Map<String, String> values = Map.of("election", election, "job", jobOfB, "campaign", campaignOfB, "n", sealOfB);
    Matcher m = PARAM.matcher(route.path());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      assertThat(values).as("a plausible value for :" + m.group(1) + " of " + route.path()
          + " (add one to this test)").containsKey(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Calls the route as {@code browser} with every field a console form or page reads. */
  private static FormClient.Page call(FormClient browser, String csrf, ApiRouter.RouteEntry route, String election) {
    String path = path(route, election);
    switch (route.method()) {
      case "GET" -> {
        return browser.get(path + "?identifiant=bruno&auto=1");
      }
      case "POST" -> {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", csrf);
        form.put("identifiant", "bruno");
        form.put("reason", "Identité vérifiée par téléphone");
        form.put("windowReason", "Incident du prestataire");
        form.put("channel", "email");
        form.put("from", "2026-11-30T00:00");
        form.put("to", "2026-12-31T23:59");
        form.put("staff", memberOfB);
        form.put("email", "nouveau.membre@univ-test.fr");
        form.put("name", "Nouveau membre");
        form.put("role", "support");
        String action = path + "?csrf=" + csrf;
        FormClient.Page page = browser.post(action, form);
        if (page.status() == 415) { // a file upload (the roll): the form as multipart, with a roll
          String boundary = "----sesame" + System.nanoTime();
          String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"roll\"; filename=\"liste.csv\"\r\n"
              + "Content-Type: text/csv\r\n\r\n" + TestGateway.ROLL.replace("Martin", "Usurpé") + "\r\n--" + boundary
              + "--\r\n";
          page = browser.postBytes(action, "multipart/form-data; boundary=" + boundary,
              body.getBytes(StandardCharsets.UTF_8));
        }
        return page;
      }
      default -> throw new AssertionError(route.method() + " " + route.path() + ": teach this test to call it");
    }
  }

  /** What a call that leaked through would change in B. */
  private static List<Object> stateOfB() {
    List<Object> state = new ArrayList<>();
    state.add(gw.http.get("/v1/admin/elections/" + b + "/audit", TestGateway.ADMIN).body());
    state.add(gw.outbox.list(null).size());
    for (String voter : List.of("alice", "bruno", "chloe", "emma")) {
      state.add(gw.status(b, voter).body());
    }
    state.add(gw.http.get("/v1/admin/elections/" + b + "/imports/" + jobOfB, TestGateway.ADMIN).body());
    state.add(gw.http.get("/v1/admin/elections/" + b + "/campaigns", TestGateway.ADMIN).body());
    try (var redis = TestRedis.connect(gw.redisUrl)) { // the member's roles
      state.add(redis.sync().hget("gw:{sf:" + memberOfB + "}", "r"));
    }
    return state;
  }

  private static void seesNothingOfB(FormClient browser, String who) {
    String csrf = browser.get("/console").csrf();
    List<Object> before = stateOfB();
    for (ApiRouter.RouteEntry route : electionRoutes()) {
      FormClient.Page page = call(browser, csrf, route, b);
      assertThat(page.status()).as(who + ": " + route.method() + " " + route.path() + "\n" + page.body())
          .isEqualTo(404);
      assertThat(page.body()).as(who + ": " + route.path()).doesNotContain("Durand", "Martin", "bruno.durand");
      // the answer tells nothing an election that does not exist would not: the same page, but for the id
      String none = TestGateway.newElectionId();
      FormClient.Page nowhere = call(browser, csrf, route, none);
      assertThat(page.body().replace(b, "ID")).as(who + ": " + route.path() + " as for no election")
          .isEqualTo(nowhere.body().replace(none, "ID"));
    }
    assertThat(stateOfB()).as(who + ": election B is as it was").isEqualTo(before);
  }

  @Test
  @Order(2) // last: its control changes B
  void anOrganiserOfAnotherElectionGets404OnEveryConsoleRouteOfThisOneAndChangesNothing() {
    FormClient organiserOfA = new FormClient(gw.gateway.port());
    ConsoleFixtures.agent(gw, organiserOfA, "organisateur.a@univ-test.fr", a, "organiser");
    assertThat(organiserOfA.get("/console/e/" + a).status()).as("A is theirs").isEqualTo(200);
    seesNothingOfB(organiserOfA, "organiser of A");

    // the control: B's own organiser, making the same calls, reaches every page (no 404)
    FormClient organiserOfB = new FormClient(gw.gateway.port());
    ConsoleFixtures.agent(gw, organiserOfB, "organisateur.b@univ-test.fr", b, "organiser");
    String csrf = organiserOfB.get("/console").csrf();
    for (ApiRouter.RouteEntry route : electionRoutes()) {
      // the member back in B's team before each call (a removal by an earlier call would make the next a 404)
      assertThat(ConsoleFixtures.invite(gw, MEMBER, b, "support").status()).isLessThan(300);
      FormClient.Page page = call(organiserOfB, csrf, route, b);
      assertThat(page.status()).as("B's organiser: " + route.method() + " " + route.path() + "\n" + page.body())
          .isNotEqualTo(404).isLessThan(500);
    }
    assertThat(gw.status(b, "bruno").json().getString("status")).as("B's organiser could unlock").isEqualTo("active");
  }

  @Test
  @Order(1)
  void aStaffMemberWithNoRoleAtAllGets404OnEveryConsoleRoute() {
    String election = gw.openElection();
    FormClient nobody = new FormClient(gw.gateway.port());
    String email = "sans.role@univ-test.fr";
    ConsoleFixtures.agent(gw, nobody, email, election, "support");
    String staffId = ConsoleFixtures.invite(gw, email, election, "support").json().getString("staffId");
    // every role withdrawn: the account stays, signed in, with no election
    try (var redis = TestRedis.connect(gw.redisUrl)) {
      redis.sync().hset("gw:{sf:" + staffId + "}", "r", "{}");
    }
    assertThat(nobody.get("/console").status()).as("still signed in").isEqualTo(200);
    assertThat(nobody.get("/console/e/" + election).status()).as("the withdrawn role").isEqualTo(404);
    seesNothingOfB(nobody, "staff with no role");
  }
}
