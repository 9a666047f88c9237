package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.retention.DestructionCertificate;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16 point 6: the destruction of an election's data at the end of their retention, with proof. An election
 * is used (a roll imported, voters logged in, an émargement, a campaign, an OpenID Connect relying party, a team);
 * the refusals (too early, no request, the requester approving, one who is not the controller) change nothing: a
 * walk of every key and value of Redis finds everything still there; the controller's approval removes every key,
 * every value naming the election or one of its voters' pseudonyms, and answers a certificate whose signature
 * verifies with the evidence key. Over real HTTP, on a Redis of its own.
 */
class DestructionTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  private static StatefulRedisConnection<String, String> redis;
  private static final String[] VOTERS = {"alice", "bruno", "chloe", "emma"};

  @BeforeAll
  static void connect() {
    redis = TestRedis.connect(gw.redisUrl);
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  /** Every key of Redis (SCAN) whose name or value holds one of {@code needles}, with what it holds. */
  static Map<String, String> traces(List<String> needles) {
    RedisCommands<String, String> r = redis.sync();
    Map<String, String> found = new TreeMap<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.limit(500));
      for (String key : page.getKeys()) {
        String type = r.type(key);
        if ("none".equals(type)) {
          continue; // expired since the scan saw it
        }
        String value = switch (type) {
          case "string" -> String.valueOf(r.get(key));
          case "hash" -> String.valueOf(r.hgetall(key));
          case "set" -> String.valueOf(r.smembers(key));
          case "zset" -> String.valueOf(r.zrange(key, 0, -1));
          case "list" -> String.valueOf(r.lrange(key, 0, -1));
          case "stream" -> String.valueOf(r.xrange(key, io.lettuce.core.Range.create("-", "+")).stream()
              .map(m -> m.getBody().toString()).toList());
          default -> "";
        };
        for (String n : needles) {
          if (key.contains(n) || value.contains(n)) {
            found.put(key, value);
          }
        }
      }
      cursor = page;
    } while (!cursor.isFinished());
    return found;
  }

  /**
   * {@link #traces} once the outbox has finished with the election's messages (a message's record and the
   * election's audit trail take its end a moment after the dev outbox got it): two walks 200 ms apart agree.
   */
  static Map<String, String> settled(String el) throws InterruptedException {
    Map<String, String> last = traces(needles(el));
    for (int i = 0; i < 50; i++) {
      Thread.sleep(200);
      Map<String, String> now = traces(needles(el));
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the election's data keep changing: " + changes(last, traces(needles(el))).keySet());
  }

  /** What differs between two {@link #traces} (keys gone, added or changed), for a readable failure. */
  static Map<String, String> changes(Map<String, String> before, Map<String, String> after) {
    Map<String, String> d = new TreeMap<>();
    before.forEach((k, v) -> {
      if (!after.containsKey(k)) {
        if (!k.startsWith("rl:")) { // a rate limit's state expires on its own
          d.put(k, "gone");
        }
      } else if (!after.get(k).equals(v)) {
        d.put(k, "was " + v + " now " + after.get(k));
      }
    });
    after.keySet().stream().filter(k -> !before.containsKey(k)).forEach(k -> d.put(k, "new: " + after.get(k)));
    return d;
  }

  /** The election's id and its voters' pseudonyms. */
  static List<String> needles(String el) {
    List<String> n = new ArrayList<>(List.of(el));
    for (String v : VOTERS) {
      n.add(TestGateway.pseudonym(el, v));
    }
    return n;
  }

  static Http.Res request(String el, String staff) {
    return gw.http.post("/v1/admin/elections/" + el + "/destruction", TestGateway.ADMIN,
        new JsonObject().put("staff", staff));
  }

  static Http.Res approve(String el, String staff) {
    return gw.http.post("/v1/admin/elections/" + el + "/destruction/approval", TestGateway.ADMIN,
        new JsonObject().put("staff", staff));
  }

  /** An active staff member with {@code role} in {@code el}. @return the id */
  static String member(String el, String role) {
    return member(el, role, role);
  }

  /** {@link #member(String, String)} whose email begins with {@code who}. */
  static String member(String el, String role, String who) {
    String email = who + "-" + el + "@univ-test.fr";
    Http.Res invited = ConsoleFixtures.invite(gw, email, el, role);
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    ConsoleFixtures.enrol(gw, new FormClient(gw.gateway.port()), ConsoleFixtures.invitationToken(gw, email));
    return invited.json().getString("staffId");
  }

  /** An election open around the clock's now, used: it closes in a day. */
  static String usedElection(OffsetDateTime recourseEndsAt) throws Exception {
    String el = TestGateway.newElectionId();
    Instant now = gw.clock.instant();
    JsonObject body = TestGateway.electionBody(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)))
        .put("platformUrl", "https://vote.univ-test.fr");
    if (recourseEndsAt != null) {
      body.put("recourseEndsAt", recourseEndsAt.toString());
    }
    Http.Res put = gw.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, body);
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    assertThat(gw.importRoll(el, TestGateway.ROLL).status()).isEqualTo(200);
    String token = gw.fullLogin(el, "alice", "20231234", "email", "alice.martin@univ-test.fr");
    Http.Res voted = gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
        new JsonObject().put("sessionToken", token));
    assertThat(voted.status()).as(voted.body()).isIn(200, 201);
    gw.fullLogin(el, "chloe", "4321", "sms", "+33698765432");
    assertThat(gw.login(el, "emma", "00000000", "email").status()).isEqualTo(401);
    Http.Res phoneGiven = gw.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "bruno")
        .put("secret", "20235678").put("channel", "sms").put("phone", TestGateway.randomPhone()));
    assertThat(phoneGiven.status()).as(phoneGiven.body()).isEqualTo(200);
    Http.Res campaign = gw.http.post("/v1/admin/elections/" + el + "/campaigns", TestGateway.ADMIN,
        new JsonObject().put("channel", "email"));
    assertThat(campaign.status()).as(campaign.body()).isEqualTo(202);
    String path = "/v1/admin/elections/" + el + "/campaigns/" + campaign.json().getString("campaignId");
    JsonObject c = gw.http.get(path, TestGateway.ADMIN).json();
    for (int i = 0; i < 300 && !("done".equals(c.getString("status")) && c.getLong("waiting") == 0); i++) {
      Thread.sleep(50);
      c = gw.http.get(path, TestGateway.ADMIN).json();
    }
    assertThat(c.getString("status")).as(c.encode()).isEqualTo("done");
    Http.Res client = gw.http.put("/v1/admin/elections/" + el + "/clients/urne-" + el, TestGateway.ADMIN,
        new JsonObject().put("name", "Urne").put("redirectUris", new JsonArray().add("https://vote.univ-test.fr/cb")));
    assertThat(client.status()).as(client.body()).isEqualTo(201);
    return el;
  }

  static String reason(Http.Res r) {
    return r.json().getString("reason");
  }

  @Test
  void refusalsChangeNothingAndTheControllersApprovalRemovesEveryTraceWithASignedCertificate() throws Exception {
    String el = usedElection(null);
    String organiser = member(el, "organiser");
    String controller = member(el, "controller");
    String support = member(el, "support");
    Map<String, String> before = settled(el);
    assertThat(before.keySet()).as("the election's data are there to destroy").contains("gw:{el:" + el + "}",
        "gw:{el:" + el + "}:em", "gw:{el:" + el + "}:audit", "gw:{el:" + el + "}:roll",
        "gw:{v:" + TestGateway.pseudonym(el, "alice") + "}", "gw:{oc:urne-" + el + "}");
    assertThat(before.keySet()).anyMatch(k -> k.startsWith("gw:{v:" + TestGateway.pseudonym(el, "alice") + "}:s:"))
        .anyMatch(k -> k.startsWith("rl:{" + el + "}:")).anyMatch(k -> k.startsWith("gw:{nt}:n:"))
        .anyMatch(k -> k.startsWith("gw:{sf:")).anyMatch(k -> k.startsWith("gw:{ph:"))
        .contains("gw:{v:" + TestGateway.pseudonym(el, "bruno") + "}:ch");

    // the election is open: nothing may be requested, nor approved
    Http.Res open = request(el, organiser);
    assertThat(open.status()).as(open.body()).isEqualTo(409);
    assertThat(reason(open)).isEqualTo("election-not-closed");
    assertThat(reason(approve(el, controller))).isEqualTo("no-request");
    // closed, within the logs' 180 days (the default recourse period, 3 months, is over)
    gw.clock.advance(Duration.ofDays(120));
    Http.Res logs = request(el, organiser);
    assertThat(logs.status()).isEqualTo(409);
    assertThat(reason(logs)).isEqualTo("log-retention");
    assertThat(changes(before, traces(needles(el)))).as("refusals change nothing").isEmpty();

    gw.clock.advance(Duration.ofDays(62));
    Http.Res byController = request(el, controller);
    assertThat(byController.status()).isEqualTo(403);
    assertThat(reason(byController)).isEqualTo("not-organiser");
    assertThat(reason(approve(el, controller))).as("no approval without a request").isEqualTo("no-request");
    Http.Res requested = request(el, organiser);
    assertThat(requested.status()).as(requested.body()).isEqualTo(202);
    assertThat(requested.json().getString("status")).isEqualTo("requested");
    assertThat(reason(request(el, organiser))).isEqualTo("already-requested");
    Http.Res bySelf = approve(el, organiser);
    assertThat(bySelf.status()).isEqualTo(403);
    assertThat(reason(bySelf)).isEqualTo("same-person");
    Http.Res bySupport = approve(el, support);
    assertThat(bySupport.status()).isEqualTo(403);
    assertThat(reason(bySupport)).isEqualTo("not-controller");
    Map<String, String> refused = traces(needles(el));
    refused.remove("gw:{dx:" + el + "}");
    assertThat(changes(before, refused)).as("a request and refused approvals destroy nothing (the request is audited)")
        .allSatisfy((k, v) -> assertThat(v).startsWith("was "));
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/destruction", TestGateway.ADMIN).json()
        .getString("status")).isEqualTo("requested");

    Http.Res done = approve(el, controller);

    assertThat(done.status()).as(done.body()).isEqualTo(200);
    JsonObject certificate = done.json();
    assertThat(traces(needles(el))).as("no key or value of Redis names the election or its voters").isEmpty();
    String key = gw.http.get("/v1/admin/evidence/key", TestGateway.ADMIN).json().getString("publicKey");
    assertThat(DestructionCertificate.verify(certificate, EvidenceKey.publicKey(key))).isTrue();
    JsonObject forged = certificate.copy();
    forged.getJsonObject("removed").put("voters", 3);
    assertThat(DestructionCertificate.verify(forged, EvidenceKey.publicKey(key))).isFalse();
    assertThat(certificate.getString("electionId")).isEqualTo(el);
    assertThat(certificate.getJsonObject("requestedBy").getString("id")).isEqualTo(organiser);
    assertThat(certificate.getJsonObject("requestedBy").getString("name")).isEqualTo("Agent organiser");
    assertThat(certificate.getJsonObject("approvedBy").getString("id")).isEqualTo(controller);
    JsonObject removed = certificate.getJsonObject("removed");
    assertThat(removed.getLong("voters")).isEqualTo(4);
    assertThat(removed.getLong("emargements")).isEqualTo(1);
    assertThat(removed.getLong("sessions")).isEqualTo(2);
    assertThat(removed.getLong("oidcClients")).isEqualTo(1);
    assertThat(removed.getLong("phoneClaims")).isEqualTo(1);
    assertThat(removed.getLong("staffRoles")).isEqualTo(3);
    assertThat(removed.getLong("notifications")).isGreaterThanOrEqualTo(6);
    assertThat(removed.getLong("rateLimitStates")).isPositive();
    assertThat(gw.http.get("/v1/admin/elections/" + el, TestGateway.ADMIN).status()).isEqualTo(404);
    JsonObject status = gw.http.get("/v1/admin/elections/" + el + "/destruction", TestGateway.ADMIN).json();
    assertThat(status.getString("status")).isEqualTo("destroyed");
    assertThat(status.getJsonObject("certificate")).isEqualTo(certificate);
    // the controller gets it by email (after the invitation)
    ConsoleFixtures.awaitMessages(gw, "controller-" + el + "@univ-test.fr", 2);
    assertThat(gw.outbox.last("controller-" + el + "@univ-test.fr").message().text()).contains(el, "destruction.json");
  }

  @Test
  void withinTheRecoursePeriodNothingIsRequestedAndNothingChanges() throws Exception {
    Instant closes = gw.clock.instant().plus(Duration.ofDays(1));
    String el = usedElection(OffsetDateTime.ofInstant(closes.plus(Duration.ofDays(365)), ZoneOffset.UTC));
    String organiser = member(el, "organiser");
    Map<String, String> before = settled(el);
    gw.clock.advance(Duration.ofDays(200));

    Http.Res r = request(el, organiser);

    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(reason(r)).isEqualTo("recourse-period");
    assertThat(r.json().getString("type")).endsWith("destruction-refused");
    assertThat(changes(before, traces(needles(el)))).isEmpty();
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/destruction", TestGateway.ADMIN).json()
        .getJsonObject("retention").getString("recourseEndsAt")).isEqualTo(closes.plus(Duration.ofDays(365))
        .toString());
  }

  @Test
  void anInterruptedDestructionResumesWhenItsApproverApprovesAgainAndNobodyElseMayTakeItOver() throws Exception {
    String el = usedElection(null);
    String organiser = member(el, "organiser");
    String controller = member(el, "controller");
    String other = member(el, "controller", "second");
    gw.clock.advance(Duration.ofDays(182));
    assertThat(request(el, organiser).status()).isEqualTo(202);
    // what a gateway stopped after the approval and a first page of the sweep leaves: the job running, alice gone
    JsonObject retention = gw.http.get("/v1/admin/elections/" + el + "/destruction", TestGateway.ADMIN).json()
        .getJsonObject("retention").put("electionName", "Test election");
    String alice = "gw:{v:" + TestGateway.pseudonym(el, "alice") + "}";
    assertThat(redis.sync().del(alice)).isEqualTo(1);
    redis.sync().hset("gw:{dx:" + el + "}", Map.of("ap", controller, "st", "running", "aa",
        Long.toString(gw.clock.instant().toEpochMilli()), "cur", "0", "ct", controller + "," + other,
        "el", retention.encode(), "n:voters", "1"));

    Http.Res byOther = approve(el, other);
    assertThat(byOther.status()).as(byOther.body()).isEqualTo(409);
    assertThat(reason(byOther)).isEqualTo("already-approved");
    Http.Res resumed = approve(el, controller);

    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    assertThat(resumed.json().getJsonObject("removed").getLong("voters")).as("the first page's voter counted")
        .isEqualTo(4);
    assertThat(resumed.json().getJsonObject("approvedBy").getString("id")).isEqualTo(controller);
    assertThat(traces(needles(el))).isEmpty();
    ConsoleFixtures.awaitMessages(gw, "controller-" + el + "@univ-test.fr", 2);
  }

  @Test
  void onTheConsoleTheOrganiserRequestsAndTheControllerApprovesThroughTheSameService() throws Exception {
    String el = usedElection(null);
    FormClient org = new FormClient(gw.gateway.port());
    FormClient ctl = new FormClient(gw.gateway.port());
    FormClient sup = new FormClient(gw.gateway.port());
    ConsoleFixtures.agent(gw, org, "organiser-" + el + "@univ-test.fr", el, "organiser");
    ConsoleFixtures.agent(gw, ctl, "controller-" + el + "@univ-test.fr", el, "controller");
    ConsoleFixtures.agent(gw, sup, "support-" + el + "@univ-test.fr", el, "support");
    String page = "/console/e/" + el + "/destruction";
    assertThat(sup.get(page).status()).isEqualTo(403);
    assertThat(org.get("/console/e/" + el).body()).contains(page);

    FormClient.Page open = org.get(page);
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.body()).contains("Fin de la période de recours", "Demander la destruction");
    FormClient.Page early = org.post(page, Map.of("csrf", open.csrf()));
    assertThat(early.status()).as(early.body()).isEqualTo(409);
    assertThat(early.body()).contains("l’élection n’est pas close");
    gw.clock.advance(Duration.ofDays(182));
    FormClient.Page requested = org.post(page, Map.of("csrf", org.get(page).csrf()));
    assertThat(requested.status()).as(requested.body()).isEqualTo(303);
    assertThat(org.get(requested.location()).body()).contains("La destruction est demandée")
        .doesNotContain("Demander la destruction");
    FormClient.Page bySelf = org.post(page + "/approbation", Map.of("csrf", open.csrf()));
    assertThat(bySelf.status()).isEqualTo(403);
    assertThat(bySelf.body()).contains("ne peut pas l’approuver");
    Map<String, String> before = settled(el);
    assertThat(before).isNotEmpty();

    FormClient.Page form = ctl.get(page);
    assertThat(form.body()).contains("Approuver et détruire");
    FormClient.Page done = ctl.post(page + "/approbation", Map.of("csrf", form.csrf()));

    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(done.body()).contains("Données détruites", el + ".destruction.json");
    assertThat(traces(needles(el))).isEmpty();
    JsonObject certificate = gw.http.get("/v1/admin/elections/" + el + "/destruction", TestGateway.ADMIN).json()
        .getJsonObject("certificate");
    assertThat(certificate.getJsonObject("approvedBy").getString("name")).isEqualTo("Agent controller");
    String key = gw.http.get("/v1/admin/evidence/key", TestGateway.ADMIN).json().getString("publicKey");
    assertThat(DestructionCertificate.verify(certificate, EvidenceKey.publicKey(key))).isTrue();
  }
}
