package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.evidence.CodeDigests;
import fr.sesame.gateway.evidence.IntegrityAlerts.Finding;
import fr.sesame.gateway.evidence.IntegrityChecker;
import fr.sesame.gateway.evidence.IntegrityReport;
import fr.sesame.gateway.evidence.RollBuckets;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.AuditStreams;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, point 3: the integrity check of a sealed election. A clean election raises nothing over a whole rotation
 * of the roll's buckets; each tampering raises its own alert and no other: a voter's record changed in Redis (found
 * within the rotation), an audit event altered or removed after it was verified, an émargement without its audit
 * event and an audit émargement without its record, the running code or the configuration differing from the seal.
 * An alert is audited ({@code integrity.alert}) and reaches each bureau member by email and by SMS (the dev outbox);
 * it is not repeated every period. A full check's report is signed (its line verifies with the evidence key, a
 * tampered one does not) and has its PDF; the start and end checks run by themselves. (In the console's package for
 * its staff fixtures: the bureau member is invited and enrolled as the console does it.)
 */
class IntegrityCheckTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  private static final int ROTATION = RollBuckets.COUNT / IntegrityChecker.BUCKETS_PER_RUN;

  private static RedisCommands<String, String> redis() {
    return gw.redis();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** An open election with the test roll, alice's vote recorded, a bureau member (with a mobile), sealed. */
  private static String sealed(String bureauEmail, String phone) {
    String el = gw.openElection();
    assertThat(ConsoleFixtures.invite(gw, bureauEmail, el, "bureau", phone).status()).isEqualTo(201);
    ConsoleFixtures.enrol(gw, new FormClient(gw.gateway.port()), ConsoleFixtures.invitationToken(gw, bureauEmail));
    String token = gw.fullLogin(el, "alice", "20231234", "email", "alice.martin@univ-test.fr");
    Http.Res voted = gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
        new JsonObject().put("sessionToken", token));
    assertThat(voted.status()).as(voted.body()).isEqualTo(201);
    Http.Res seal = gw.http.postRaw("/v1/admin/elections/" + el + "/seal", ADMIN, "application/json", new byte[0]);
    assertThat(seal.status()).as(seal.body()).isEqualTo(201);
    return el;
  }

  private static List<Finding> check(String el) {
    return await(gw.gateway.integrity().check(el));
  }

  /** The checks' names of the findings of {@code runs} periods. */
  private static List<Finding> checks(String el, int runs) {
    List<Finding> all = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      all.addAll(check(el));
    }
    return all;
  }

  private static List<JsonObject> alerts(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit", ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body().lines().filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event"))
        .filter(e -> "integrity.alert".equals(e.getString("type"))).toList();
  }

  private static fr.sesame.gateway.evidence.BundleVerifier.Report verifyBundle(String text, String kid) {
    try {
      return fr.sesame.gateway.evidence.BundleVerifier.verify(new java.io.ByteArrayInputStream(
          text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          new fr.sesame.gateway.evidence.BundleVerifier.Options(kid, null, null));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static PublicKey publicKey() {
    return EvidenceKey.publicKey(gw.http.get("/v1/admin/evidence/key", ADMIN).json().getString("publicKey"));
  }

  @Test
  void aCleanElectionRaisesNothingOverAWholeRotationAndItsReportVerifies() throws Exception {
    String el = sealed("bureau.clean@univ-test.fr", TestGateway.randomPhone());
    JsonObject roll = gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json().getJsonArray("seals")
        .getJsonObject(0).getJsonObject("manifest").getJsonObject("roll");
    assertThat(roll.getJsonObject("buckets").getJsonArray("counts")).hasSize(RollBuckets.COUNT);
    assertThat(RollBuckets.consistent(roll)).as("the seal's buckets add up to its roll's count and sum").isTrue();
    // the vote goes on after the seal: a failed secret (failures counted), a login (its time and address kept in the
    // voter's recent logins), an émargement — none of it is a change of the roll
    assertThat(gw.login(el, "chloe", "0000", "email").status()).isEqualTo(401);
    String token = gw.fullLogin(el, "bruno", "20235678", "email", "bruno.durand@univ-test.fr");
    assertThat(gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
        new JsonObject().put("sessionToken", token)).status()).isEqualTo(201);
    assertThat(redis().hexists(RedisKeys.voter(TestGateway.pseudonym(el, "bruno")), "lh")).isTrue();
    assertThat(checks(el, ROTATION)).isEmpty();
    JsonObject last = gw.http.get("/v1/admin/elections/" + el + "/integrity", ADMIN).json().getJsonObject("last");
    assertThat(last.getJsonArray("problems")).isEmpty();
    assertThat(last.getJsonArray("rollBuckets")).hasSize(IntegrityChecker.BUCKETS_PER_RUN);
    assertThat(alerts(el)).isEmpty();

    Http.Res made = gw.http.postRaw("/v1/admin/elections/" + el + "/integrity/checks", ADMIN, "application/json",
        new byte[0]);
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    IntegrityReport report = IntegrityReport.parse(made.json().encode());
    assertThat(report.valid()).isTrue();
    assertThat(report.check()).isEqualTo("on-demand");
    assertThat(report.results().getJsonObject("roll").getLong("voters")).isEqualTo(4);
    assertThat(report.results().getJsonObject("emargements").getLong("records")).isEqualTo(2); // alice, then bruno after the seal
    assertThat(report.verifies(publicKey())).isTrue();
    // a tampered report does not verify: its verdict, or a problem added
    IntegrityReport flipped = new IntegrityReport(report.election(), report.n(), report.at(), report.check(),
        report.by(), report.seal(), false, report.results(), report.problems(), report.kid(), report.sig());
    assertThat(flipped.verifies(publicKey())).isFalse();
    IntegrityReport edited = IntegrityReport.parse(report.line().replace("\"on-demand\"", "\"start\""));
    assertThat(edited.verifies(publicKey())).isFalse();
    assertThat(report.verifies(EvidenceKey.generate().publicKey())).isFalse();
    // kept outside Redis, listed, and as a PDF for the bureau
    Path file = gw.gateway.checkpointer().dir().resolve(el + ".integrity.jsonl");
    assertThat(Files.readAllLines(file)).containsExactly(report.line());
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/integrity", ADMIN).json().getJsonArray("reports"))
        .hasSize(1);
    Http.Res pdf = gw.http.get("/v1/admin/elections/" + el + "/integrity/reports/1/pdf", ADMIN);
    assertThat(pdf.status()).isEqualTo(200);
    assertThat(pdf.contentType()).startsWith("application/pdf");
    assertThat(pdf.body()).startsWith("%PDF");
    try (var doc = org.apache.pdfbox.Loader.loadPDF(fr.sesame.gateway.evidence.IntegrityPdf.render(report,
        "Test election"))) {
      String shown = new org.apache.pdfbox.text.PDFTextStripper().getText(doc).replace("\n", "");
      assertThat(shown).contains("Contrôle d'intégrité à la demande", "conforme", report.kid(),
          report.sig().substring(0, 60));
    }
    // in the evidence bundle, which the offline verifier checks; a report altered in it is named
    Http.Res exported = gw.http.get("/v1/admin/elections/" + el + "/evidence", ADMIN);
    assertThat(exported.status()).as(exported.body()).isEqualTo(200);
    assertThat(exported.body().lines()).contains(report.line());
    var kid = report.kid();
    var valid = verifyBundle(exported.body(), kid);
    assertThat(valid.status()).as(valid.summary() + valid.problems())
        .isEqualTo(fr.sesame.gateway.evidence.BundleVerifier.Status.VALID);
    assertThat(valid.summary()).contains("1 integrity reports");
    var altered = verifyBundle(exported.body().replace(report.line(), report.line().replace("\"valid\":true",
        "\"valid\":false")), kid);
    assertThat(altered.problems()).anySatisfy(p -> assertThat(p).contains("integrity report 1 of",
        "has an invalid signature"));
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/integrity/reports/2/pdf", ADMIN).status()).isEqualTo(404);
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/integrity/reports/x/pdf", ADMIN).status()).isEqualTo(400);
    assertThat(gw.http.postRaw("/v1/admin/elections/" + el + "/integrity/checks", TestGateway.SUPPORT,
        "application/json", new byte[0]).status()).isEqualTo(403);
  }

  @Test
  void aFullCheckOfAnElectionWithoutSealIsRefusedAndRecordsNothing() {
    String el = gw.openElection();
    Http.Res r = gw.http.postRaw("/v1/admin/elections/" + el + "/integrity/checks", ADMIN, "application/json",
        new byte[0]);
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.json().getString("type")).endsWith("/problems/election-not-sealed");
    assertThat(Files.exists(gw.gateway.checkpointer().dir().resolve(el + ".integrity.jsonl"))).isFalse();
    assertThat(check(el)).isEmpty();
  }

  @Test
  void aVoterChangedInRedisIsFoundWithinTheRotationAndTheBureauIsAlertedByEmailAndSms() {
    String phone = TestGateway.randomPhone();
    String bureau = "bureau.roll@univ-test.fr";
    String el = sealed(bureau, phone);
    assertThat(check(el)).isEmpty();
    String bruno = TestGateway.pseudonym(el, "bruno");
    redis().hset(RedisKeys.voter(bruno), "c", "personnels"); // moved to another college behind the gateway's back
    List<Finding> found = checks(el, ROTATION);
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo("roll");
      assertThat(f.text()).contains("bucket " + RollBuckets.of(bruno) + " ", "a voter's record changed")
          .doesNotContain(bruno);
    });
    assertThat(alerts(el)).singleElement().satisfies(a ->
        assertThat(a.getJsonObject("d").getString("check")).isEqualTo("roll"));
    // the bureau: an email (after the invitation) and an SMS
    ConsoleFixtures.awaitMessages(gw, bureau, 2);
    assertThat(gw.outbox.last(bureau).message().text()).contains("Alerte d'intégrité", "roll", "bucket");
    ConsoleFixtures.awaitMessages(gw, phone, 1);
    assertThat(gw.outbox.last(phone).message().text()).contains("Alerte d'intégrité", "roll");
    // found again in the next rotation, within the hour: not alerted again
    assertThat(checks(el, ROTATION)).hasSize(1);
    assertThat(alerts(el)).hasSize(1);
    // an hour later, still there: alerted again
    gw.clock.advance(Duration.ofMinutes(61));
    assertThat(checks(el, ROTATION)).hasSize(1);
    assertThat(alerts(el)).hasSize(2);
    // the full check finds it too, in its signed report
    IntegrityReport r = await(gw.gateway.integrity().full(election(el), "on-demand", "test"));
    assertThat(r.valid()).isFalse();
    assertThat(r.results().getJsonObject("roll").getBoolean("ok")).isFalse();
    assertThat(r.results().getJsonObject("audit").getBoolean("ok")).isTrue();
  }

  /**
   * A seal lifted during the vote lets the roll and the definition change until the next seal, which the checks then
   * compare with: it is an incident, and the bureau is told by email and SMS, with who lifted it and why.
   */
  @Test
  void aSealLiftedDuringTheVoteIsAnIncidentTheBureauIsToldOf() {
    String phone = TestGateway.randomPhone();
    String bureau = "bureau.unseal@univ-test.fr";
    String el = sealed(bureau, phone);
    ConsoleFixtures.awaitMessages(gw, bureau, 2); // the invitation, the seal's notice
    Http.Res lifted = gw.http.post("/v1/admin/elections/" + el + "/seal/reopen", ADMIN,
        new JsonObject().put("reason", "a college was missing"));
    assertThat(lifted.status()).as(lifted.body()).isEqualTo(200);
    ConsoleFixtures.awaitMessages(gw, bureau, 3);
    assertThat(gw.outbox.last(bureau).message().text()).contains("levé pendant le scrutin", "a college was missing");
    ConsoleFixtures.awaitMessages(gw, phone, 1);
    assertThat(gw.outbox.last(phone).message().text()).contains("Scellement levé pendant le scrutin");
    Http.Res incidents = gw.http.get("/v1/admin/elections/" + el + "/incidents", ADMIN);
    assertThat(incidents.status()).as(incidents.body()).isEqualTo(200);
    assertThat(incidents.body()).contains("election.unseal", "a college was missing");
  }

  private static fr.sesame.gateway.domain.Election election(String el) {
    return fr.sesame.gateway.domain.Election.fromJson(gw.http.get("/v1/admin/elections/" + el, ADMIN).json());
  }

  @Test
  void anAuditEventAlteredAfterItWasVerifiedIsFoundByTheSweep() {
    String el = sealed("bureau.audit@univ-test.fr", null);
    assertThat(check(el)).isEmpty(); // every event verified once, the sweep back to the start
    AuditStreams.rewrite(redis(), el, e -> e.replace("\"outcome\":\"recorded\"", "\"outcome\":\"rejected\""), false);
    List<Finding> found = check(el);
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo("audit");
      assertThat(f.text()).contains("does not match its hash");
    });
    assertThat(alerts(el)).singleElement().satisfies(a ->
        assertThat(a.getJsonObject("d").getString("check")).isEqualTo("audit"));
  }

  @Test
  void anAuditEventRewrittenAsSomethingElseThanJsonWithItsHashIsFound() {
    // the walk parses each event once, for its link and for the émargements: an event that is no JSON object, stored
    // with its own hash, is named for what it is, and the walk goes on
    String el = sealed("bureau.notjson@univ-test.fr", null);
    assertThat(check(el)).isEmpty();
    String victim = AuditStreams.rewrite(redis(), el, e -> e.contains("\"type\":\"emargement\"") ? "[" + e + "]" : e,
        true);
    assertThat(check(el)).anySatisfy(f -> {
      assertThat(f.check()).isEqualTo("audit");
      assertThat(f.text()).contains("audit event " + victim, "the event is not JSON");
    });
  }

  @Test
  void anAuditEventRemovedIsFound() {
    String el = sealed("bureau.removed@univ-test.fr", null);
    assertThat(check(el)).isEmpty();
    var r = redis();
    List<StreamMessage<String, String>> all = r.xrange(RedisKeys.audit(el), Range.create("-", "+"));
    StreamMessage<String, String> victim = all.stream()
        .filter(m -> m.getBody().get("e").contains("\"type\":\"login.secret\"")).findFirst().orElseThrow();
    r.xdel(RedisKeys.audit(el), victim.getId());
    assertThat(check(el)).isNotEmpty().allSatisfy(f -> {
      assertThat(f.check()).isEqualTo("audit");
      assertThat(f.text()).contains("events are missing before this one");
    });
  }

  @Test
  void anEmargementWithoutItsAuditEventIsFound() {
    String el = sealed("bureau.em@univ-test.fr", null);
    assertThat(check(el)).isEmpty();
    String bruno = TestGateway.pseudonym(el, "bruno");
    redis().hset(RedisKeys.emargements(el), bruno, new JsonObject()
        .put("t", gw.clock.instant().minusSeconds(60).toEpochMilli()).put("ip", "192.0.2.7").put("sid", "forged")
        .put("c", "etudiants").encode());
    List<Finding> found = check(el);
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo("emargements");
      assertThat(f.text()).contains("has no audit event").doesNotContain(bruno);
    });
    assertThat(alerts(el)).singleElement().satisfies(a ->
        assertThat(a.getJsonObject("d").getString("check")).isEqualTo("emargements"));
  }

  /**
   * A record written by hand is read, never trusted: one dated in the future is no émargement in flight, and one
   * whose fields are of other types neither stops the check nor passes it.
   */
  @Test
  void aForgedEmargementDatedInTheFutureOrMalformedIsFound() {
    String el = sealed("bureau.future@univ-test.fr", null);
    assertThat(check(el)).isEmpty();
    redis().hset(RedisKeys.emargements(el), TestGateway.pseudonym(el, "bruno"), new JsonObject()
        .put("t", 4_102_444_800_000L).put("sid", "forged").encode());
    redis().hset(RedisKeys.emargements(el), TestGateway.pseudonym(el, "chloe"), "{\"t\":\"x\",\"sid\":7}");
    List<Finding> found = check(el);
    assertThat(found).hasSize(2).allSatisfy(f -> {
      assertThat(f.check()).isEqualTo("emargements");
      assertThat(f.text()).contains("has no audit event");
    });
  }

  /** A record written just now is in flight, not yet reported; a minute later, its event still missing, it is. */
  @Test
  void aRecordWithoutItsEventIsReportedOnceNoLongerInFlight() {
    String el = sealed("bureau.flight@univ-test.fr", null);
    assertThat(check(el)).isEmpty();
    redis().hset(RedisKeys.emargements(el), TestGateway.pseudonym(el, "emma"), new JsonObject()
        .put("t", gw.clock.instant().toEpochMilli()).put("sid", "forged").encode());
    assertThat(check(el)).as("in flight").isEmpty();
    gw.clock.advance(Duration.ofSeconds(61));
    assertThat(check(el)).singleElement().satisfies(f -> assertThat(f.text()).contains("has no audit event"));
  }

  @Test
  void anAuditEmargementWithoutItsRecordIsFound() {
    String el = sealed("bureau.noem@univ-test.fr", null);
    redis().hdel(RedisKeys.emargements(el), TestGateway.pseudonym(el, "alice")); // before any check read its event
    List<Finding> found = check(el);
    assertThat(found).isNotEmpty().allSatisfy(f -> assertThat(f.check()).isEqualTo("emargements"));
    assertThat(found).anySatisfy(f -> assertThat(f.text()).contains("that the émargement list does not hold"));
    assertThat(alerts(el)).isNotEmpty().allSatisfy(a ->
        assertThat(a.getJsonObject("d").getString("check")).isEqualTo("emargements"));
  }

  @Test
  void aRunningCodeOrConfigurationOtherThanTheSealedOneIsFound() {
    String el = sealed("bureau.code@univ-test.fr", null);
    assertThat(check(el)).isEmpty();
    IntegrityChecker altered = gw.gateway.integrity().withCode(sealedCode -> {
      JsonObject c = CodeDigests.recomputed(sealedCode);
      c.getJsonObject("scripts").put("redis/election/emarge.lua", "0".repeat(64));
      return c;
    });
    assertThat(await(altered.check(el))).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo("code");
      assertThat(f.text()).contains("scripts (redis/election/emarge.lua)");
    });
    JsonObject sealedConfig = gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json()
        .getJsonArray("seals").getJsonObject(0).getJsonObject("manifest").getJsonObject("configuration");
    IntegrityChecker reconfigured = gw.gateway.integrity().withConfiguration(() -> sealedConfig.copy()
        .put("lockout", sealedConfig.getJsonObject("lockout").copy().put("maxFailures", 50)));
    assertThat(await(reconfigured.check(el))).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo("configuration");
      assertThat(f.text()).contains("lockout (maxFailures)");
    });
    assertThat(alerts(el)).extracting(a -> a.getJsonObject("d").getString("check"))
        .containsExactly("code", "configuration");
  }

  @Test
  void theStartAndEndChecksRunByThemselvesWithTheirSignedReports() {
    String el = TestGateway.newElectionId();
    Http.Res put = gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofMinutes(5)), gw.clock.instant().plus(Duration.ofHours(3))));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    assertThat(gw.importRoll(el, TestGateway.ROLL).status()).isEqualTo(200);
    assertThat(await(gw.gateway.seals().sealOpened())).isGreaterThanOrEqualTo(1);
    await(gw.gateway.integrity().checkAll());
    List<IntegrityReport> reports = await(gw.gateway.integrity().reports(el));
    assertThat(reports).extracting(IntegrityReport::check).containsExactly("start");
    assertThat(reports.get(0).by()).isEqualTo("system:opening");
    assertThat(reports.get(0).valid()).isTrue();
    await(gw.gateway.integrity().checkAll()); // a period's check now, no second start report
    assertThat(await(gw.gateway.integrity().reports(el))).hasSize(1);
    gw.clock.advance(Duration.ofHours(4)); // closed, its grace period over
    await(gw.gateway.integrity().checkAll());
    reports = await(gw.gateway.integrity().reports(el));
    assertThat(reports).extracting(IntegrityReport::check).containsExactly("start", "end");
    assertThat(reports.get(1).verifies(publicKey())).isTrue();
    await(gw.gateway.integrity().checkAll()); // nothing after the end
    assertThat(await(gw.gateway.integrity().reports(el))).hasSize(2);
  }

  /**
   * The gateway's own walks of the roll (its sealing at the opening, the start check) wait after each page of 500
   * voters, three times what the page took, so that at the opening's peak the voters' requests keep most of the
   * machine; a seal or a check a person asked for through the API is not slowed down.
   */
  @Test
  void theGatewaysOwnChecksGiveWayButThoseAPersonWaitsForDoNot() {
    StringBuilder roll = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < 1_200; i++) { // three pages of the walk: two waits when paced
      roll.append("w").append(i).append(",etudiants,Nom,Prenom,2000-01-01,w").append(i).append("@walk.test,,")
          .append(String.format("2024%04d", i)).append('\n');
    }
    // asked for by a person, before the opening (no automatic sealing or check looks at it): not paced
    String later = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + later, ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofDays(2)), gw.clock.instant().plus(Duration.ofDays(3)))).status())
        .isEqualTo(201);
    assertThat(gw.importRoll(later, roll.toString()).status()).isEqualTo(200);
    long before = gw.gateway.seals().pausedMillis();
    Http.Res seal = gw.http.postRaw("/v1/admin/elections/" + later + "/seal", ADMIN, "application/json", new byte[0]);
    assertThat(seal.status()).as(seal.body()).isEqualTo(201);
    Http.Res check = gw.http.postRaw("/v1/admin/elections/" + later + "/integrity/checks", ADMIN, "application/json",
        new byte[0]);
    assertThat(check.status()).as(check.body()).isEqualTo(201);
    assertThat(check.json().getJsonObject("results").getJsonObject("roll").getLong("voters")).isEqualTo(1_200);
    assertThat(gw.gateway.seals().pausedMillis()).isEqualTo(before);

    // opened: the gateway seals it by itself, then checks it at the start, each walk waiting after its pages
    String open = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + open, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofMinutes(5)), gw.clock.instant().plus(Duration.ofHours(3)))).status())
        .isEqualTo(201);
    assertThat(gw.importRoll(open, roll.toString()).status()).isEqualTo(200);
    before = gw.gateway.seals().pausedMillis();
    assertThat(await(gw.gateway.seals().sealOpened())).isGreaterThanOrEqualTo(1);
    long afterSeal = gw.gateway.seals().pausedMillis();
    assertThat(afterSeal - before).as("the automatic seal's two waits").isGreaterThanOrEqualTo(2);
    await(gw.gateway.integrity().checkAll());
    assertThat(await(gw.gateway.integrity().reports(open))).extracting(IntegrityReport::check).containsExactly("start");
    assertThat(gw.gateway.seals().pausedMillis() - afterSeal).as("the start check's two waits")
        .isGreaterThanOrEqualTo(2);
    assertThat(gw.http.get("/metrics", null).body()).contains("sesame_checks_paused_seconds_total");

    // a period's walk of the audit trail: 2,100 new events, three pages, two waits (its buckets of the roll are one
    // page each, no wait); nothing found
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
    try (var connector = fr.sesame.gateway.store.redis.RedisConnector.connect(new fr.sesame.gateway.config.RedisConfig(
        gw.redisUrl, false, Duration.ofSeconds(5)), "events", fr.sesame.gateway.store.redis.RedisConnector.loopsOf(vertx))) {
      var trail = new fr.sesame.gateway.audit.ChainedAuditTrail(
          new fr.sesame.gateway.store.redis.RedisAuditStore(connector.access()));
      java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
      vertx.runOnContext(v -> {
        List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < 2_100; i++) {
          all.add(trail.record(open, List.of(fr.sesame.gateway.audit.AuditEvent.of(gw.clock.instant(), "test.event",
              "test", "127.0.0.1", "ok", "n", i))));
        }
        Future.all(all).onComplete(r -> {
          if (r.succeeded()) {
            written.complete(null);
          } else {
            written.completeExceptionally(r.cause());
          }
        });
      });
      written.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      await(vertx.close());
    }
    // the audit checkpoint reads those events three pages of 1,000 (parsed off the event loop): their writer's head
    // is its 2,100th event
    assertThat(await(gw.gateway.checkpointer().checkpoint(open))).isTrue();
    var checkpoint = await(gw.gateway.checkpointer().last(open)).orElseThrow().checkpoint();
    assertThat(checkpoint.writers().values()).anySatisfy(h -> assertThat(h.count()).isEqualTo(2_100));
    assertThat(checkpoint.stream()).isEqualTo(redis().xrevrange(RedisKeys.audit(open), Range.create("-", "+"),
        io.lettuce.core.Limit.from(1)).get(0).getId());
    long beforePeriod = gw.gateway.seals().pausedMillis();
    assertThat(check(open)).isEmpty();
    assertThat(gw.gateway.seals().pausedMillis() - beforePeriod).as("the audit walk's two waits")
        .isGreaterThanOrEqualTo(2);
  }

  /** Past its pace's deadline a walk goes on without waiting: pacing never makes a check outlast its lease or claim. */
  @Test
  void aWalkPastItsPacesDeadlineNoLongerWaits() {
    var seals = gw.gateway.seals();
    long before = seals.pausedMillis();
    await(seals.giveWay(2_000_000, fr.sesame.gateway.evidence.SealService.Pace.forNext(Duration.ofMinutes(1))));
    assertThat(seals.pausedMillis() - before).as("3 times a page of 2 ms").isEqualTo(6);
    await(seals.giveWay(2_000_000, new fr.sesame.gateway.evidence.SealService.Pace(System.nanoTime() - 1)));
    await(seals.giveWay(2_000_000, null));
    assertThat(seals.pausedMillis() - before).isEqualTo(6);
  }
}
