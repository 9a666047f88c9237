package fr.sesame.gateway;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.evidence.Checkpoint;
import fr.sesame.gateway.evidence.Manifest;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, points 4, 5 and 7: a bundle made through the real API, tampered with as a file, and verified by
 * {@code verify-bundle}'s own code, which must name exactly what is wrong.
 */
class EvidenceBundleTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  @TempDir
  static Path dir;
  static String el;
  static String kid;
  static List<String> bundle;

  /** A vote (with its émargement), a checkpoint, then more events after it; the bundle. */
  @BeforeAll
  static void makeBundle() throws Exception {
    el = gw.openElection();
    vote(el, "alice", "20231234", "+33612345678");
    checkpoint(el);
    gw.login(el, "chloe", "0000", "sms"); // after the checkpoint
    gw.login(el, "chloe", "0000", "sms");
    checkpoint(el);
    gw.login(el, "bruno", "0000", "sms");
    kid = gw.http.get("/v1/admin/evidence/key", ADMIN).json().getString("kid");
    bundle = export(el);
  }

  static void vote(String election, String identifier, String secret, String phone) {
    String token = gw.fullLogin(election, identifier, secret, "sms", phone);
    Http.Res r = gw.http.post("/v1/elections/" + election + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  static void checkpoint(String election) throws Exception {
    assertThat(gw.gateway.checkpointer().checkpoint(election).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS)).isTrue();
  }

  static List<String> export(String election) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + election + "/evidence", ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/x-ndjson");
    return new ArrayList<>(Arrays.asList(r.body().split("\n")));
  }

  record Verdict(int status, String output) {}

  static Verdict verify(List<String> lines, String... options) throws Exception {
    return verifyText(String.join("\n", lines) + "\n", options);
  }

  static Verdict verifyText(String text, String... options) throws Exception {
    Path file = Files.createTempFile(dir, "bundle", ".jsonl");
    Files.writeString(file, text);
    List<String> args = new ArrayList<>(List.of(file.toString()));
    args.addAll(List.of(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = GatewayMain.verifyBundle(args, new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Verdict(status, out.toString(StandardCharsets.UTF_8));
  }

  /** Indexes of the event lines, with their event. */
  static List<Integer> eventLines(List<String> lines) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("{\"kind\":\"event\"")) {
        out.add(i);
      }
    }
    return out;
  }

  static JsonObject event(String line) {
    return new JsonObject(line).getJsonObject("event");
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  static String eventLine(String id, String eventText) throws Exception {
    return "{\"kind\":\"event\",\"id\":\"" + id + "\",\"hash\":\"" + sha256(eventText) + "\",\"event\":" + eventText + "}";
  }

  /** Two consecutive event lines of one writer's chain (index in lines of the first). */
  static int twoOfOneWriter(List<String> lines) {
    List<Integer> ev = eventLines(lines);
    for (int k = 0; k + 1 < ev.size(); k++) {
      JsonObject a = event(lines.get(ev.get(k)));
      JsonObject b = event(lines.get(ev.get(k + 1)));
      if (a.getString("w").equals(b.getString("w")) && b.getLong("n") == a.getLong("n") + 1
          && ev.get(k + 1) == ev.get(k) + 1 && a.getLong("n") > 1) {
        return ev.get(k);
      }
    }
    throw new AssertionError("no two consecutive events of one writer");
  }

  @Test
  void aBundleMadeThroughTheApiIsValidAgainstTheGatewaysKey() throws Exception {
    assertThat(bundle.get(0)).contains("\"kind\":\"bundle\"", el, kid);
    assertThat(bundle.stream().filter(l -> l.contains("\"kind\":\"checkpoint\""))).hasSize(2);
    assertThat(bundle.stream().filter(l -> l.contains("\"kind\":\"emargement\""))).hasSize(1);
    assertThat(bundle.get(bundle.size() - 1)).startsWith("{\"kind\":\"manifest\"");
    Verdict v = verify(bundle, "--key", kid, "--election", el);
    assertThat(v.status()).as(v.output()).isZero();
    assertThat(v.output()).endsWith("valid\n").contains("bundle of election " + el).contains("1 émargements")
        .contains("2 checkpoints").doesNotContain("problem:", "note:");
    // the public key as a file does as well as its fingerprint
    Path pem = Files.writeString(dir.resolve("key.pem"),
        gw.http.get("/v1/admin/evidence/key", ADMIN).json().getString("pem"));
    assertThat(verify(bundle, "--key-file", pem.toString()).status()).isZero();
  }

  @Test
  void withoutATrustedKeyItSaysSo() throws Exception {
    Verdict v = verify(bundle);
    assertThat(v.status()).isZero();
    assertThat(v.output()).contains("note: no trusted key given (--key FINGERPRINT or --key-file FILE): the "
        + "signatures were checked against the key the bundle carries, " + kid);
  }

  @Test
  void anAlteredEventIsNamed() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    int i = eventLines(lines).get(3);
    String id = new JsonObject(lines.get(i)).getString("id");
    lines.set(i, lines.get(i).replace("\"ip\":\"127.0.0.1\"", "\"ip\":\"10.0.0.1\""));
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).containsPattern("problem: event " + id + " \\(writer [^,]+, #\\d+\\) was altered: its "
        + "text does not match its hash")
        .contains("problem: the bundle's lines do not match the digest its manifest signs: they were altered after "
            + "export")
        .endsWith("invalid (2 problems)\n");
  }

  @Test
  void aRemovedEventIsNamed() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    int i = twoOfOneWriter(lines);
    JsonObject gone = event(lines.get(i));
    lines.remove(i);
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: writer " + gone.getString("w") + "'s event #" + gone.getLong("n")
        + " is missing: it was removed")
        .contains("lines before its manifest, which signs " + (bundle.size() - 1) + ": lines were added or removed");
  }

  @Test
  void aReorderedEventIsNamed() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    int i = twoOfOneWriter(lines);
    String first = lines.get(i);
    lines.set(i, lines.get(i + 1));
    lines.set(i + 1, first);
    JsonObject moved = event(first);
    String id = new JsonObject(first).getString("id");
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: event " + id + " (writer " + moved.getString("w") + ", #"
        + moved.getLong("n") + ") is out of order: it comes after #" + (moved.getLong("n") + 1) + " of its chain")
        .contains("problem: event " + id + " comes after event ");
  }

  @Test
  void anInsertedEventIsNamed() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    int i = twoOfOneWriter(lines);
    JsonObject original = event(lines.get(i));
    String originalId = new JsonObject(lines.get(i)).getString("id");
    // a forged twin of an event: same writer and number, a different outcome, its own hash right
    JsonObject forged = original.copy().put("outcome", "forged");
    String forgedId = originalId.split("-")[0] + "-" + (Long.parseLong(originalId.split("-")[1]) + 1000);
    lines.add(i + 1, eventLine(forgedId, forged.encode()));
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: writer " + original.getString("w") + " has two events #"
        + original.getLong("n") + " (" + originalId + " and " + forgedId + "): an event was inserted");
  }

  @Test
  void aChainRewrittenWholeIsCaughtByTheCheckpoints() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    List<Integer> ev = eventLines(lines);
    // rewrite the first writer's chain from its first event on, every hash and link recomputed: only the
    // checkpoints (signed, kept outside Redis) can tell
    String writer = event(lines.get(ev.get(0))).getString("w");
    String prev = "";
    boolean first = true;
    for (int i : ev) {
      JsonObject e = event(lines.get(i));
      if (!e.getString("w").equals(writer)) {
        continue;
      }
      if (first) {
        e.put("actor", "key:admin/someone-else");
        first = false;
      }
      e.put("prev", prev);
      String text = e.encode();
      lines.set(i, eventLine(new JsonObject(lines.get(i)).getString("id"), text));
      prev = sha256(text);
    }
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).containsPattern("problem: event \\S+ \\(writer " + writer + ", #\\d+\\) does not match "
        + "checkpoint 1 of \\S+: the chain was rewritten")
        .doesNotContain("was altered: its text", "does not link");
  }

  @Test
  void aCheckpointThatDoesNotMatchIsNamed() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    int i = lines.indexOf(lines.stream().filter(l -> l.startsWith("{\"kind\":\"checkpoint\"")).findFirst().orElseThrow());
    Checkpoint c = Checkpoint.parse(lines.get(i));
    String w = c.writers().firstKey();
    lines.set(i, lines.get(i).replace(c.writers().get(w).hash(), "0".repeat(64)));
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: " + c.label() + " has an invalid signature: it was altered")
        .containsPattern("problem: event \\S+ \\(writer " + w + ", #" + c.writers().get(w).count()
            + "\\) does not match " + c.label() + ": the chain was rewritten");
    // a checkpoint removed: the next one no longer follows
    List<String> without = new ArrayList<>(bundle);
    without.remove(i);
    Verdict v2 = verify(without, "--key", kid);
    assertThat(v2.output()).contains("problem: checkpoint 1 is missing before checkpoint 2 of");
  }

  @Test
  void aTamperedEmargementIsNamed() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    int i = lines.indexOf(lines.stream().filter(l -> l.startsWith("{\"kind\":\"emargement\"")).findFirst().orElseThrow());
    JsonObject em = new JsonObject(lines.get(i));
    String voter = em.getString("voter");
    String session = em.getString("sessionId");
    lines.set(i, em.copy().put("sessionId", "f".repeat(session.length())).encode());
    // and one émargement nobody's vote recorded
    String bruno = TestGateway.pseudonym(el, "bruno");
    lines.add(i + 1, em.copy().put("voter", bruno).put("identifier", "bruno").encode());
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output())
        .containsPattern("problem: event \\S+ \\(writer \\S+, #\\d+\\) records the émargement of voter " + voter
            + " \\(session " + session + "\\), which is not in the émargement list")
        .contains("problem: the émargement of voter " + voter + " (session " + "f".repeat(session.length())
            + ") has no audit event")
        .contains("problem: the émargement of voter " + bruno + " (session " + session + ") has no audit event");
  }

  @Test
  void aBundleSignedByAnotherKeyIsRefused() throws Exception {
    // a whole bundle made again with a key of someone else's: consistent, but not the gateway's
    EvidenceKey other = EvidenceKey.generate();
    List<String> lines = new ArrayList<>();
    JsonObject header = new JsonObject(bundle.get(0));
    header.getJsonObject("key").put("kid", other.kid()).put("publicKey", other.publicKeyBase64());
    lines.add(header.encode());
    String prevLine = null;
    for (String l : bundle.subList(1, bundle.size() - 1)) {
      if (l.startsWith("{\"kind\":\"checkpoint\"")) {
        Checkpoint c = Checkpoint.parse(l);
        l = Checkpoint.signed(c.election(), c.n(), c.at(), prevLine == null ? "" : Checkpoint.sha256(prevLine),
            c.stream(), c.writers(), other).line();
        prevLine = l;
      }
      lines.add(l);
    }
    lines.add(manifestFor(lines, Manifest.parse(bundle.get(bundle.size() - 1)), other));
    assertThat(verify(lines).status()).as("consistent on its own").isZero();
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: the bundle is signed by key " + other.kid() + ", not by the trusted key "
        + kid).endsWith("invalid (1 problem)\n");
  }

  static String manifestFor(List<String> lines, Manifest m, EvidenceKey key) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (String l : lines) {
      sha.update((l + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return new Manifest(m.election(), lines.size(), HexFormat.of().formatHex(sha.digest()), m.events(),
        m.checkpoints(), m.emargements(), m.seals(), key.kid(), "").signedBy(key).line();
  }

  @Test
  void aBundleOfAnotherElectionIsRefused() throws Exception {
    Verdict v = verify(bundle, "--key", kid, "--election", "another");
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: the bundle is of election " + el + ", not of election another")
        .endsWith("invalid (1 problem)\n");
  }

  @Test
  void aSwappedManifestIsNamed() throws Exception {
    String other = gw.openElection();
    List<String> theirs = export(other);
    List<String> lines = new ArrayList<>(bundle);
    lines.set(lines.size() - 1, theirs.get(theirs.size() - 1));
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: the manifest is of election " + other + ", not " + el
        + " (the header's): it was swapped");
  }

  @Test
  void aTruncatedBundleIsNamed() throws Exception {
    String text = String.join("\n", bundle) + "\n";
    Verdict v = verifyText(text.substring(0, text.length() / 2), "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: the bundle is truncated: it does not end with its signed manifest "
        + "(the file was cut short)").contains("note: the bundle is cut short: what its lost part held is not checked")
        .doesNotContain("has no audit event", "events were removed").endsWith("invalid (1 problem)\n");
    // cut at a line's end: the manifest is missing all the same
    Verdict v2 = verify(bundle.subList(0, bundle.size() - 1), "--key", kid);
    assertThat(v2.output()).contains("problem: the bundle is truncated");
  }

  @Test
  void whatIsNotABundleIsUnusable() throws Exception {
    Verdict empty = verifyText("");
    assertThat(empty.status()).isEqualTo(2);
    assertThat(empty.output()).contains("unusable: the file is empty: not an evidence bundle");
    Verdict csv = verifyText("identifier,lastName\n");
    assertThat(csv.status()).isEqualTo(2);
    assertThat(csv.output()).contains("unusable: the first line is not JSON: not an evidence bundle");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(GatewayMain.verifyBundle(List.of(dir.resolve("absent.jsonl").toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("unusable: cannot read");
    Verdict badKey = verify(bundle, "--key", "not-a-fingerprint");
    assertThat(badKey.status()).isEqualTo(2);
    assertThat(badKey.output()).contains("--key must be the key's SHA-256 fingerprint");
  }

  @Test
  void linesOfTheWrongShapeAreNamedNotFatal() throws Exception {
    List<String> lines = new ArrayList<>(bundle);
    int i = eventLines(lines).get(1);
    JsonObject line = new JsonObject(lines.get(i));
    lines.set(i, eventLine(line.getString("id"), line.getJsonObject("event").copy().put("n", "two").encode()));
    lines.add(2, "{\"kind\":\"emargement\",\"voter\":[1,2]}");
    lines.add(2, "{\"kind\":42}");
    lines.add(2, "[]");
    lines.add(2, "{\"kind\":\"checkpoint\",\"n\":\"x\"}");
    Verdict v = verify(lines, "--key", kid);
    assertThat(v.status()).as(v.output()).isEqualTo(1);
    assertThat(v.output()).contains("problem: line " + (i + 5) + " (event) is malformed: a field is missing or of "
        + "the wrong type", "problem: line 3: an unreadable checkpoint", "problem: line 4 is not JSON",
        "problem: line 5 is of an unknown kind \"42\"", "problem: line 6 (emargement) is malformed");
    List<String> badManifest = new ArrayList<>(bundle);
    badManifest.set(badManifest.size() - 1, "{\"kind\":\"manifest\",\"lines\":\"many\"}");
    assertThat(verify(badManifest, "--key", kid).output()).contains("problem: the manifest (the last line) is "
        + "malformed");
    List<String> badHeader = new ArrayList<>(bundle);
    badHeader.set(0, new JsonObject(bundle.get(0)).put("key", "none").encode());
    Verdict h = verify(badHeader);
    assertThat(h.status()).isEqualTo(2);
    assertThat(h.output()).contains("unusable: the header has no election or no Ed25519 public key");
  }

  /** Point 4: the API's own verification checks the chains against the checkpoints kept outside Redis. */
  @Test
  void aChainRewrittenWithItsHeadsInRedisIsDetectedByTheVerification() throws Exception {
    String election = gw.openElection();
    vote(election, "alice", "20231234", "+33612345678");
    checkpoint(election);
    assertThat(gw.gateway.checkpointer().checkpoint(election).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS)).as("nothing new: no checkpoint").isFalse();
    JsonObject before = gw.http.get("/v1/admin/elections/" + election + "/audit/verify", ADMIN).json();
    assertThat(before.getBoolean("valid")).as(before.encode()).isTrue();
    assertThat(before.getString("checkpoint")).startsWith("checkpoint 1 of ");
    // the attack: every chain rewritten from its first event, and every head, straight in Redis
    var client = io.lettuce.core.RedisClient.create(gw.redisUrl);
    var redis = client.connect().sync();
    try {
      String key = fr.sesame.gateway.store.redis.RedisKeys.audit(election);
      var all = redis.xrange(key, io.lettuce.core.Range.create("-", "+"));
      redis.del(key);
      java.util.Map<String, String> heads = new java.util.HashMap<>();
      for (var m : all) {
        JsonObject e = new JsonObject(m.getBody().get("e"));
        if (e.getLong("n") == 1) {
          e.put("actor", "key:admin/someone-else");
        }
        e.put("prev", heads.getOrDefault(e.getString("w"), ""));
        String text = e.encode();
        heads.put(e.getString("w"), sha256(text));
        redis.xadd(key, new io.lettuce.core.XAddArgs().id(m.getId()), java.util.Map.of("e", text, "h", sha256(text)));
      }
      redis.hset(fr.sesame.gateway.store.redis.RedisKeys.auditHeads(election), heads);
    } finally {
      redis.getStatefulConnection().close();
      client.shutdown();
    }
    JsonObject after = gw.http.get("/v1/admin/elections/" + election + "/audit/verify", ADMIN).json();
    assertThat(after.getBoolean("valid")).as(after.encode()).isFalse();
    assertThat(after.getJsonObject("brokenAt").getString("reason"))
        .matches("the event does not match the checkpoint 1 of \\S+: the chain was rewritten");
  }

  /** Heads changed in the checkpoint file by someone without the key: the verification says so. */
  @Test
  void aCheckpointFileAlteredWithoutTheKeyFailsTheVerification() throws Exception {
    String election = gw.openElection();
    checkpoint(election);
    Path file = Files.list(gw.gateway.checkpointer().dir()).filter(p -> p.getFileName().toString()
        .startsWith(election + ".")).findFirst().orElseThrow();
    Checkpoint c = Checkpoint.parse(Files.readAllLines(file).get(0));
    String head = c.writers().values().iterator().next().hash();
    assertThat(gw.http.get("/v1/admin/elections/" + election + "/audit/verify", ADMIN).json().getBoolean("valid"))
        .isTrue(); // read once, so a cache would have it
    Thread.sleep(20); // a file system that keeps times to the millisecond sees a change
    Files.writeString(file, Files.readString(file).replace(head, "1".repeat(64)));
    JsonObject v = gw.http.get("/v1/admin/elections/" + election + "/audit/verify", ADMIN).json();
    assertThat(v.getBoolean("valid")).isFalse();
    assertThat(v.getJsonObject("brokenAt").getString("reason")).isEqualTo(c.label()
        + ": its signature is invalid: the checkpoint file was altered");
  }

  @Test
  void checkpointsGoToAnAppendOnlyFileOutsideRedisSignedWithTheKey() throws Exception {
    List<String> lines = gw.gateway.checkpointer().lines(el).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    Checkpoint first = Checkpoint.parse(lines.get(0));
    Checkpoint second = Checkpoint.parse(lines.get(1));
    assertThat(first.kid()).isEqualTo(kid);
    assertThat(first.n()).isEqualTo(1);
    assertThat(second.n()).isEqualTo(2);
    assertThat(second.prev()).isEqualTo(Checkpoint.sha256(lines.get(0)));
    assertThat(first.verifies(EvidenceKey.publicKey(
        gw.http.get("/v1/admin/evidence/key", ADMIN).json().getString("publicKey")))).isTrue();
    // one instance at a time: while the lease is held (taken by the first tick, or by the periodic one), a tick
    // writes nothing
    gw.gateway.checkpointer().tick().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gw.login(el, "emma", "1990-06-15", "email");
    assertThat(gw.gateway.checkpointer().tick().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS)).isZero();
  }
}
