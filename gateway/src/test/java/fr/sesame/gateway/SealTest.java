package fr.sesame.gateway;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, point 1: an election sealed through the API (the manifest of the code, the configuration, the definition
 * and the roll, signed with the evidence key, kept in Redis and in the evidence directory), nothing of it changing
 * while sealed (409 {@code election-sealed}), reopened through the audited procedure, and the seals in the
 * evidence bundle, whose verifier names a tampered seal.
 */
class SealTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  @TempDir
  static Path dir;

  /** An election opening in a day, with {@link TestGateway#ROLL}. */
  static String election() {
    String id = TestGateway.newElectionId();
    Http.Res put = gw.http.put("/v1/admin/elections/" + id, ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10))));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    Http.Res imp = gw.importRoll(id, TestGateway.ROLL);
    assertThat(imp.status()).as(imp.body()).isEqualTo(200);
    return id;
  }

  static JsonObject seal(String el) {
    Http.Res r = gw.http.postRaw("/v1/admin/elections/" + el + "/seal", ADMIN, "application/json", new byte[0]);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static Http.Res reopen(String el, String reason) {
    return gw.http.post("/v1/admin/elections/" + el + "/seal/reopen", ADMIN, new JsonObject().put("reason", reason));
  }

  static PublicKey publicKey() {
    return EvidenceKey.publicKey(gw.http.get("/v1/admin/evidence/key", ADMIN).json().getString("publicKey"));
  }

  static String rollSum(JsonObject seal) {
    return seal.getJsonObject("manifest").getJsonObject("roll").getString("sum");
  }

  /** The roll in reverse order (header first). */
  static String reversed(String roll) {
    List<String> lines = new ArrayList<>(Arrays.asList(roll.strip().split("\n")));
    List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
    java.util.Collections.reverse(body);
    return lines.get(0) + "\n" + String.join("\n", body) + "\n";
  }

  @Test
  void aSealSignsTheManifestOfTheCodeTheConfigurationTheDefinitionAndTheRoll() throws Exception {
    String el = election();
    JsonObject s = seal(el);
    assertThat(s.getString("kind")).isEqualTo("seal");
    assertThat(s.getLong("n")).isEqualTo(1);
    String line = s.encode();
    fr.sesame.gateway.evidence.Seal parsed = fr.sesame.gateway.evidence.Seal.parse(line);
    assertThat(parsed.verifies(publicKey())).isTrue();
    assertThat(parsed.digestMatches()).isTrue();
    assertThat(parsed.verifies(EvidenceKey.generate().publicKey())).isFalse();
    JsonObject m = s.getJsonObject("manifest");
    JsonObject code = m.getJsonObject("code");
    assertThat(code.getString("source")).isIn("jar", "directory");
    assertThat(code.getString("sha256")).hasSize(64);
    assertThat(code.getJsonObject("scripts").fieldNames()).contains("redis/audit/append.lua", "redis/election/emarge.lua");
    assertThat(code.getJsonObject("templates").fieldNames()).contains("fr/sesame/gateway/pages/layout.mustache");
    assertThat(code.getJsonObject("packages").fieldNames()).contains("fr/sesame");
    assertThat(m.getJsonObject("election").getString("id")).isEqualTo(el);
    assertThat(m.getJsonObject("roll").getLong("count")).isEqualTo(4);
    // no secret: the keys appear as keyed fingerprints only
    String text = m.encode();
    assertThat(text).doesNotContain(ADMIN, TestGateway.SUPPORT, TestGateway.PLATFORM,
        Base64.getEncoder().encodeToString(TestGateway.HASH_KEY), Base64.getEncoder().encodeToString(TestGateway.DATA_KEY),
        new String(TestGateway.HASH_KEY, StandardCharsets.UTF_8));
    assertThat(m.getJsonObject("configuration").getString("hashKey")).startsWith("fp:");
    // kept in Redis and in the evidence directory, outside Redis
    JsonObject list = gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json();
    assertThat(list.getLong("inForce")).isEqualTo(1);
    assertThat(list.getJsonArray("seals")).hasSize(1);
    assertThat(list.getJsonArray("seals").getJsonObject(0)).isEqualTo(s);
    Path file = gw.gateway.checkpointer().dir().resolve(el + ".seals.jsonl");
    assertThat(Files.readAllLines(file)).containsExactly(parsed.line());
    // its report (PDF) shows the digest, the signature and the roll's digest
    byte[] pdf = fr.sesame.gateway.evidence.SealPdf.render(parsed, "Test election");
    try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
      String shown = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
      assertThat(shown).contains("Procès-verbal de scellement n° 1", parsed.digest(), parsed.sig(), parsed.kid(),
          rollSum(s), code.getString("sha256"), "redis/audit/append.lua");
    }
  }

  @Test
  void whileSealedNeitherTheDefinitionNorTheRollChangeThenAReopeningIsAuditedAndANewSealFollowsTheRoll() {
    String el = election();
    JsonObject first = seal(el);
    JsonObject before = gw.http.get("/v1/admin/elections/" + el, ADMIN).json();

    Http.Res put = gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofHours(2)), gw.clock.instant().plus(Duration.ofDays(10))));
    assertThat(put.status()).as(put.body()).isEqualTo(409);
    assertThat(put.json().getString("type")).endsWith("/problems/election-sealed");
    Http.Res sync = gw.importRoll(el, TestGateway.ROLL.replace("alice.martin@univ-test.fr", "a@x.fr"));
    assertThat(sync.status()).as(sync.body()).isEqualTo(409);
    assertThat(sync.json().getString("type")).endsWith("/problems/election-sealed");
    Http.Res job = gw.http.postRaw("/v1/admin/elections/" + el + "/imports", ADMIN, "text/csv",
        TestGateway.ROLL.replace("alice.martin@univ-test.fr", "a@x.fr").getBytes(StandardCharsets.UTF_8));
    assertThat(job.status()).as(job.body()).isEqualTo(409);
    assertThat(job.json().getString("type")).endsWith("/problems/election-sealed");
    // nothing changed: the definition, and the roll (a new seal finds the same roll)
    assertThat(gw.http.get("/v1/admin/elections/" + el, ADMIN).json()).isEqualTo(before);
    JsonObject again = seal(el);
    assertThat(again.getLong("n")).isEqualTo(2);
    assertThat(rollSum(again)).isEqualTo(rollSum(first));
    assertThat(again.getJsonObject("manifest")).isEqualTo(first.getJsonObject("manifest"));

    // the audited procedure: a reason is required, then the seal is lifted
    assertThat(reopen(el, " ").status()).isEqualTo(400);
    Http.Res reopened = reopen(el, "college list corrected by the bureau");
    assertThat(reopened.status()).as(reopened.body()).isEqualTo(200);
    assertThat(reopened.json().getBoolean("reopened")).isTrue();
    assertThat(reopened.json().getLong("seal")).isEqualTo(2);
    assertThat(reopen(el, "again").json().getBoolean("reopened")).isFalse();
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json().getValue("inForce")).isNull();
    List<String> bundle = export(el);
    assertThat(bundle).anyMatch(l -> l.contains("\"type\":\"election.unseal\"")
        && l.contains("college list corrected by the bureau") && l.contains("\"actor\":\"key:admin"));
    assertThat(bundle).anyMatch(l -> l.contains("\"type\":\"election.seal\""));

    // the same roll imported again in another order: the same roll digest (encrypted fields by their clear value)
    assertThat(gw.importRoll(el, reversed(TestGateway.ROLL)).status()).isEqualTo(200);
    JsonObject reordered = seal(el);
    assertThat(rollSum(reordered)).isEqualTo(rollSum(first));
    // one voter's email changed: another digest, the same count
    assertThat(reopen(el, "a voter's email corrected").status()).isEqualTo(200);
    assertThat(gw.importRoll(el, TestGateway.ROLL.replace("alice.martin@univ-test.fr", "alice@univ-test.fr"))
        .status()).isEqualTo(200);
    JsonObject changed = seal(el);
    assertThat(rollSum(changed)).isNotEqualTo(rollSum(first));
    assertThat(changed.getJsonObject("manifest").getJsonObject("roll").getLong("count")).isEqualTo(4);
    // the definition may change once reopened
    assertThat(reopen(el, "opening moved").status()).isEqualTo(200);
    assertThat(gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofHours(2)), gw.clock.instant().plus(Duration.ofDays(10)))).status())
        .isEqualTo(200);
  }

  @Test
  void theElectionsThatHaveOpenedAreSealedAutomaticallyOnce() throws Exception {
    String el = election();
    gw.clock.advance(Duration.ofDays(1).plusMinutes(1)); // it has opened
    int sealed = gw.gateway.seals().sealOpened().toCompletionStage().toCompletableFuture()
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(sealed).isGreaterThanOrEqualTo(1);
    JsonObject list = gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json();
    assertThat(list.getLong("inForce")).isEqualTo(1);
    assertThat(list.getJsonArray("seals").getJsonObject(0).getString("by")).isEqualTo("system:opening");
    gw.gateway.seals().sealOpened().toCompletionStage().toCompletableFuture()
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json().getJsonArray("seals")).hasSize(1);
  }

  /**
   * The automatic seal is claimed per election: while another instance holds the claim (its paced walk of a large
   * roll outlasts the sealing's lease), this one does not seal the election too; once the seal is made the claim is
   * released.
   */
  @Test
  void anElectionAnotherInstanceIsSealingIsNotSealedASecondTime() throws Exception {
    String el = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofMinutes(1)), gw.clock.instant().plus(Duration.ofDays(10)))).status())
        .isEqualTo(201);
    assertThat(gw.importRoll(el, TestGateway.ROLL).status()).isEqualTo(200);
    String claim = fr.sesame.gateway.store.redis.RedisKeys.sealAutomaticClaim(el);
    try (var redis = fr.sesame.testkit.TestRedis.connect(gw.redisUrl)) {
      redis.sync().set(claim, "another-instance", io.lettuce.core.SetArgs.Builder.px(60_000));
      gw.gateway.seals().sealOpened().toCompletionStage().toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json().getJsonArray("seals")).isEmpty();
      assertThat(redis.sync().get(claim)).isEqualTo("another-instance"); // not released by this one
      redis.sync().del(claim); // the other instance's claim ran out without a seal
      gw.gateway.seals().sealOpened().toCompletionStage().toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(gw.http.get("/v1/admin/elections/" + el + "/seals", ADMIN).json().getJsonArray("seals")).hasSize(1);
      assertThat(redis.sync().exists(claim)).as("released once sealed").isZero();
    }
  }

  @Test
  void theBundleHoldsTheSealsAndItsVerifierNamesASwappedOrAlteredManifest() throws Exception {
    String el = election();
    JsonObject first = seal(el);
    assertThat(reopen(el, "roll corrected").status()).isEqualTo(200);
    assertThat(gw.importRoll(el, TestGateway.ROLL.replace("alice.martin@univ-test.fr", "alice@univ-test.fr"))
        .status()).isEqualTo(200);
    JsonObject second = seal(el);
    List<String> bundle = export(el);
    String kid = gw.http.get("/v1/admin/evidence/key", ADMIN).json().getString("kid");
    EvidenceBundleTest.Verdict ok = verify(bundle, "--key", kid, "--election", el);
    assertThat(ok.status()).as(ok.output()).isZero();
    assertThat(ok.output()).contains(" 2 seals").endsWith("valid\n");
    int at = -1;
    for (int i = 0; i < bundle.size(); i++) {
      if (bundle.get(i).startsWith("{\"kind\":\"seal\"") && bundle.get(i).contains("\"n\":1,")) {
        at = i;
      }
    }
    assertThat(at).isPositive();
    String label = "seal 1 of " + first.getString("at");

    // the manifest altered (one more voter), its digest left as sealed
    JsonObject altered = new JsonObject(bundle.get(at));
    altered.getJsonObject("manifest").getJsonObject("roll").put("count", 5);
    List<String> a = new ArrayList<>(bundle);
    a.set(at, altered.encode());
    EvidenceBundleTest.Verdict va = verify(a, "--key", kid);
    assertThat(va.status()).isEqualTo(1);
    assertThat(va.output()).contains("problem: " + label + ": its manifest does not match the digest it was sealed "
        + "with: the manifest was altered\n");

    // the manifest swapped for the second seal's, with its digest
    JsonObject swapped = new JsonObject(bundle.get(at)).put("manifest", second.getJsonObject("manifest"))
        .put("digest", second.getString("digest"));
    List<String> b = new ArrayList<>(bundle);
    b.set(at, swapped.encode());
    EvidenceBundleTest.Verdict vb = verify(b, "--key", kid);
    assertThat(vb.status()).isEqualTo(1);
    assertThat(vb.output()).contains("problem: " + label + " has an invalid signature: its manifest was swapped or "
        + "the seal altered\n");
  }

  static List<String> export(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/evidence", ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return new ArrayList<>(Arrays.asList(r.body().split("\n")));
  }

  static EvidenceBundleTest.Verdict verify(List<String> lines, String... options) throws Exception {
    Path file = Files.createTempFile(dir, "bundle", ".jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n");
    List<String> args = new ArrayList<>(List.of(file.toString()));
    args.addAll(List.of(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = GatewayMain.verifyBundle(args, new PrintStream(out, true, StandardCharsets.UTF_8));
    return new EvidenceBundleTest.Verdict(status, out.toString(StandardCharsets.UTF_8));
  }
}
