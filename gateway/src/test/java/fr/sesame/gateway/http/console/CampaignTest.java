package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 3: credential campaigns. Every reachable voter of a small roll gets the access information
 * exactly once (through the outbox, to the dev outbox), the others counted as skipped; one campaign at a time per
 * election; a campaign resumed after its runner's lease ran out (a crash after its messages were queued, before its
 * page was recorded) sends nobody a second message; by post, a roll without addresses skips everyone (letters:
 * PostCampaignTest); organisers follow
 * it on a page, others get 403, another election's staff 404. Over real HTTP, on a Redis of its own.
 */
class CampaignTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  private static final Pattern KEY = Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<");
  private static final String PASSWORD = "Bureau-de-vote-2026";
  private static final String URL = "https://vote.univ-test.fr";
  private static StatefulRedisConnection<String, String> redis;

  @BeforeAll
  static void connect() {
    redis = TestRedis.connect(gw.redisUrl);
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  /** An election open around the test's now, with a platform address, and the test roll. */
  static String election() {
    String id = TestGateway.newElectionId();
    Http.Res put = gw.http.put("/v1/admin/elections/" + id, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))
        .put("platformUrl", URL).put("name", "Campagne " + id));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    Http.Res imp = gw.importRoll(id, TestGateway.ROLL);
    assertThat(imp.status()).as(imp.body()).isEqualTo(200);
    return id;
  }

  static Http.Res start(String election, JsonObject body) {
    return gw.http.post("/v1/admin/elections/" + election + "/campaigns", TestGateway.ADMIN, body);
  }

  static JsonObject campaign(String election, String id) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + election + "/campaigns/" + id, TestGateway.ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** The campaign once it is done and the outbox has sent every message it queued. */
  static JsonObject awaitDone(String election, String id) throws InterruptedException {
    JsonObject c = campaign(election, id);
    for (int i = 0; i < 300 && !("done".equals(c.getString("status")) && c.getLong("waiting") == 0); i++) {
      Thread.sleep(50);
      c = campaign(election, id);
    }
    assertThat(c.getString("status")).as(c.encode()).isEqualTo("done");
    assertThat(c.getLong("waiting")).as(c.encode()).isZero();
    return c;
  }

  /** The messages of the election's campaigns sent to {@code to} (its name is in each). */
  private static List<DevOutbox.Entry> to(String election, String to) {
    return gw.outbox.list(to).stream().filter(e -> e.message().text().contains("Campagne " + election)).toList();
  }

  @Test
  void everyReachableVoterGetsTheAccessInformationOnceByTheBulkLaneAndTheOthersAreCountedAsSkipped()
      throws Exception {
    String el = election();

    Http.Res started = start(el, new JsonObject().put("channel", "sms"));

    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().getString("campaignId");
    assertThat(started.headers().get("Location")).isEqualTo("/v1/admin/elections/" + el + "/campaigns/" + id);
    JsonObject c = awaitDone(el, id);
    assertThat(c.getLong("rollSize")).isEqualTo(4);
    assertThat(c.getLong("total")).isEqualTo(4);
    assertThat(c.getLong("queued")).as("alice and chloé have a phone on the roll").isEqualTo(2);
    assertThat(c.getJsonObject("skipped").getLong("noContact")).as("bruno and emma have none").isEqualTo(2);
    assertThat(c.getLong("sent")).isEqualTo(2);
    JsonObject provider = c.getJsonArray("providers").getJsonObject(0);
    assertThat(provider.getString("provider")).isEqualTo(DevOutbox.PROVIDER);
    assertThat(provider.getLong("sent")).isEqualTo(2);
    assertThat(c.getJsonArray("providers")).hasSize(1);
    assertThat(to(el, "+33612345678")).hasSize(1);
    assertThat(to(el, "+33698765432")).hasSize(1);
    String text = to(el, "+33612345678").get(0).message().text();
    assertThat(text).contains("alice", URL).doesNotContain("20231234");
    assertThat(to(el, "+33698765432").get(0).message().text()).contains("chloe").doesNotContain("4321");

    // an email campaign for one college: its voters only
    String second = start(el, new JsonObject().put("channel", "email").put("college", "etudiants")).json()
        .getString("campaignId");
    JsonObject mail = awaitDone(el, second);
    assertThat(mail.getLong("total")).isEqualTo(2);
    assertThat(mail.getLong("queued")).isEqualTo(2);
    assertThat(mail.getJsonObject("skipped").getLong("total")).isZero();
    assertThat(to(el, "alice.martin@univ-test.fr")).hasSize(1);
    assertThat(to(el, "bruno.durand@univ-test.fr")).hasSize(1);
    assertThat(to(el, "chloe.bernard@univ-test.fr")).isEmpty();
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/campaigns", TestGateway.ADMIN).json()
        .getJsonArray("campaigns").size()).isEqualTo(2);
    String audit = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body();
    assertThat(audit).contains("campaign.start", "campaign.end");
  }

  @Test
  void aCampaignResumedAfterItsLeaseRanOutSendsNobodyASecondMessage() throws Exception {
    String el = election();
    String id = start(el, new JsonObject().put("channel", "email")).json().getString("campaignId");
    JsonObject first = awaitDone(el, id);
    assertThat(first.getLong("queued")).isEqualTo(4);

    // as a gateway that stopped once it had queued every message but before it recorded its page: the campaign
    // still running, its cursor at the start, its lock held by a runner whose lease has run out
    var r = redis.sync();
    String record = "gw:{el:" + el + "}:cp:" + id;
    r.hdel(record, "fa");
    r.hset(record, Map.of("s", "running", "cur", "", "wk", "0", "to", "0", "q", "0", "nc", "0"));
    r.hset("gw:{el:" + el + "}:cp", Map.of("c", id, "t", "a-dead-gateway", "u",
        Long.toString(gw.clock.millis() + 60_000)));
    r.sadd("gw:{cp}:active", el + " " + id);
    assertThat(gw.gateway.campaigns().resumeStalled().toCompletionStage().toCompletableFuture().get())
        .as("within its lease").isZero();
    assertThat(campaign(el, id).getString("status")).isEqualTo("running");
    assertThat(start(el, new JsonObject().put("channel", "sms")).status()).as("one at a time").isEqualTo(409);

    gw.clock.advance(Duration.ofSeconds(61));
    assertThat(campaign(el, id).getBoolean("stalled")).isTrue();
    assertThat(gw.gateway.campaigns().resumeStalled().toCompletionStage().toCompletableFuture().get()).isEqualTo(1);

    JsonObject again = awaitDone(el, id);
    assertThat(again.getLong("queued")).as("each voter counted once").isEqualTo(4);
    assertThat(again.getLong("sent")).isEqualTo(4);
    for (String email : List.of("alice.martin@univ-test.fr", "bruno.durand@univ-test.fr",
        "chloe.bernard@univ-test.fr", "emma.robert@univ-test.fr")) {
      assertThat(to(el, email)).as(email).hasSize(1);
    }
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body())
        .contains("campaign.resume");
  }

  @Test
  void aSecondCampaignWhileOneRunsIs409NamingItAndNothingIsSent() {
    String el = election();
    var r = redis.sync();
    r.hset("gw:{el:" + el + "}:cp", Map.of("c", "running-one", "t", "x", "u",
        Long.toString(gw.clock.millis() + 60_000)));

    Http.Res second = start(el, new JsonObject().put("channel", "email"));

    assertThat(second.status()).as(second.body()).isEqualTo(409);
    assertThat(second.json().getString("type")).isEqualTo("/problems/campaign-in-progress");
    assertThat(second.json().getString("campaignId")).isEqualTo("running-one");
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/campaigns", TestGateway.ADMIN).json()
        .getJsonArray("campaigns")).isEmpty();
    r.del("gw:{el:" + el + "}:cp");
  }

  @Test
  void badRequestsChangeNothing() {
    String el = election();
    Http.Res voice = start(el, new JsonObject().put("channel", "voice"));
    assertThat(voice.status()).isEqualTo(400);
    assertThat(voice.json().getString("detail")).contains("email, sms or post");
    assertThat(start(el, new JsonObject().put("channel", "email").put("college", "nope")).status()).isEqualTo(400);
    assertThat(start(el, new JsonObject().put("channel", "email").put("extra", 1)).status()).isEqualTo(400);
    assertThat(start("nope", new JsonObject().put("channel", "email")).status()).isEqualTo(404);
    assertThat(gw.http.post("/v1/admin/elections/" + el + "/campaigns", TestGateway.SUPPORT,
        new JsonObject().put("channel", "email")).status()).isEqualTo(403);
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/campaigns/nope", TestGateway.ADMIN).json()
        .getString("type")).isEqualTo("/problems/campaign-not-found");
    String noUrl = gw.openElection();
    Http.Res conflict = start(noUrl, new JsonObject().put("channel", "email"));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.json().getString("type")).isEqualTo("/problems/no-platform-url");
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/campaigns", TestGateway.ADMIN).json()
        .getJsonArray("campaigns")).isEmpty();
  }

  @Test
  void anOrganiserStartsACampaignFromThePageAndFollowsItOthersGet403Or404() throws Exception {
    String el = election();
    String other = election();
    FormClient org = new FormClient(gw.gateway.port());
    agent(org, "organiser.camp@univ-test.fr", el, "organiser");
    FormClient sup = new FormClient(gw.gateway.port());
    agent(sup, "support.camp@univ-test.fr", el, "support");

    assertThat(org.get("/console/e/" + el).body()).contains("/console/e/" + el + "/campagnes");
    assertThat(sup.get("/console/e/" + el).body()).doesNotContain("/campagnes");
    FormClient.Page form = org.get("/console/e/" + el + "/campagnes");
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.body()).contains("id=\"no-campaigns\"");
    assertThat(form.body()).contains("<option value=\"post\">Courrier postal</option>", "id=\"post-note\"",
        "adresse postale");
    // by post on a roll without addresses: it runs, every voter skipped for want of a contact
    FormClient.Page post = org.post("/console/e/" + el + "/campagnes", Map.of("csrf", form.csrf(), "channel", "post",
        "college", "*"));
    assertThat(post.status()).as(post.body()).isEqualTo(303);
    JsonObject letters = awaitDone(el, post.location().substring(post.location().lastIndexOf('/') + 1));
    assertThat(letters.getLong("queued")).isZero();
    assertThat(letters.getJsonObject("skipped").getLong("noContact")).isEqualTo(4);
    FormClient.Page started = org.post("/console/e/" + el + "/campagnes", Map.of("csrf", form.csrf(),
        "channel", "email", "college", "externes"));
    assertThat(started.status()).as(started.body()).isEqualTo(303);
    assertThat(started.location()).startsWith("/console/e/" + el + "/campagnes/");
    String id = started.location().substring(started.location().lastIndexOf('/') + 1);
    awaitDone(el, id);
    FormClient.Page page = org.get(started.location());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Campagne terminée", "<progress", "value=\"100\"", "id=\"providers\"",
        DevOutbox.PROVIDER, "id=\"queued\">1<").doesNotContain("data-seconds=");
    assertThat(org.get("/console/e/" + el + "/campagnes").body()).contains(started.location());
    assertThat(org.post("/console/e/" + el + "/campagnes", Map.of("channel", "email")).status())
        .as("no CSRF token").isEqualTo(403);

    for (String path : List.of("/campagnes", "/campagnes/" + id)) {
      assertThat(sup.get("/console/e/" + el + path).status()).as(path).isEqualTo(403);
      assertThat(org.get("/console/e/" + other + path).status()).as(path).isEqualTo(404);
    }
    assertThat(sup.post("/console/e/" + el + "/campagnes", Map.of("csrf", form.csrf(), "channel", "email")).status())
        .isIn(403);
    assertThat(org.get("/console/e/" + el + "/campagnes/nope").status()).isEqualTo(404);
  }

  /** Invited, enrolled and signed in. */
  static void agent(FormClient b, String email, String election, String role) {
    assertThat(ConsoleFixtures.invite(gw, email, election, role).status()).isEqualTo(201);
    String token = ConsoleFixtures.invitationToken(gw, email);
    FormClient.Page form = b.get("/console/invitation/" + token);
    FormClient.Page set = b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password", PASSWORD,
        "confirm", PASSWORD));
    assertThat(set.status()).as(set.body()).isEqualTo(303);
    FormClient.Page enrolPage = b.get("/console/invitation/" + token);
    Matcher k = KEY.matcher(enrolPage.body());
    assertThat(k.find()).as(enrolPage.body()).isTrue();
    byte[] secret = ConsoleFixtures.base32(k.group(1).replace(" ", ""));
    FormClient.Page done = b.post("/console/invitation/" + token + "/code", Map.of("csrf", enrolPage.csrf(),
        "code", new Totp().code(secret, gw.clock.instant())));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    gw.clock.advance(Duration.ofSeconds(30));
    FormClient.Page login = b.get("/console/connexion");
    FormClient.Page first = b.post("/console/connexion", Map.of("csrf", login.csrf(), "email", email,
        "password", PASSWORD));
    assertThat(first.status()).as(first.body()).isEqualTo(303);
    FormClient.Page codeForm = b.get(first.location());
    FormClient.Page in = b.post("/console/connexion/code", Map.of("csrf", codeForm.csrf(), "code",
        new Totp().code(secret, gw.clock.instant())));
    assertThat(in.status()).as(in.body()).isEqualTo(303);
  }
}
