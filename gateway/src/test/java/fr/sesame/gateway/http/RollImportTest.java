package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The voter roll: streamed CSV, validated line by line, idempotent. */
class RollImportTest {
  static final String HEADER = "identifier,college,lastName,firstName,birthDate,email,phone,secret";
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  private static String emptyElection() {
    String el = TestGateway.newElectionId();
    gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(1))));
    return el;
  }

  /**
   * A large body refused before it is read (no content type: 415) is answered, and the connection closed: the
   * request stayed paused, and Vert.x kept the connection open waiting for its end (a client still sending
   * waited for nothing; HostileRequestFuzzTest found it).
   */
  @Test
  void aLargeBodyOfTheWrongTypeIsAnsweredAndTheConnectionClosed() throws Exception {
    String el = gw.openElection();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.gateway.port())) {
      socket.setSoTimeout(10_000);
      String head = "POST /v1/admin/elections/" + el + "/voters HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + ADMIN + "\r\nContent-Length: 200000\r\nConnection: close\r\n\r\n";
      // the head only: the gateway answers on it, before any body (sending the 200 KB would race with the
      // close that follows the answer: a broken pipe on the client's side)
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) { // to the end: the gateway closes
        answer.write(buffer, 0, n);
      }
      assertThat(answer.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 415")
          .contains("application/problem+json");
    }
  }

  @Test
  void rejectsEachKindOfBadLineWithItsNumberAndReasonAndImportsTheRest() {
    String el = emptyElection();
    String csv = String.join("\n", HEADER,
        "ok1,etudiants,A,A,,ok1@univ.fr,,12345678",                          // 2 ok
        "ok2,personnels,B,B,1980-01-01,,+33612345678,1234",                   // 3 ok
        "x1,nowhere,C,C,,,,1234",                                             // 4 unknown college
        "x2,etudiants,D,D,,,06 12,12345678",                                  // 5 bad phone
        "x3,etudiants,E,E,,not-an-email,,12345678",                           // 6 bad email
        "x4,etudiants,F,F,1990-02-31,,,12345678",                             // 7 bad date
        "x5,personnels,G,G,,,,12345",                                         // 8 wrong secret format (SSN_LAST4)
        "ok1,etudiants,H,H,,,,87654321",                                      // 9 duplicate identifier
        "bad id!,etudiants,I,I,,,,12345678",                                  // 10 bad identifier
        "x6,etudiants,J",                                                     // 11 wrong column count
        "x7,etudiants,\"K,K\",K,,,,12345678",                                 // 12 ok: quoted comma
        "",                                                                   // blank: skipped
        "x8,externes,L,L,,,,",                                                // 14 BIRTH_DATE with no date
        "x9,externes,M,M,15/06/1990,,,");                                     // 15 ok: the birth date is the secret
    Http.Res r = gw.importRoll(el, csv);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(report.getLong("imported")).isEqualTo(4);
    assertThat(report.getLong("created")).isEqualTo(4);
    assertThat(report.getLong("rejected")).isEqualTo(9);
    Map<Long, String> reasons = report.getJsonArray("rejections").stream().map(o -> (JsonObject) o)
        .collect(Collectors.toMap(o -> o.getLong("line"), o -> o.getString("reason")));
    assertThat(reasons).containsOnlyKeys(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 14L);
    assertThat(reasons.get(4L)).contains("unknown college");
    assertThat(reasons.get(5L)).contains("bad phone");
    assertThat(reasons.get(6L)).contains("bad email");
    assertThat(reasons.get(7L)).contains("bad birth date");
    assertThat(reasons.get(8L)).contains("SSN_LAST4");
    assertThat(reasons.get(9L)).contains("duplicate identifier");
    assertThat(reasons.get(10L)).contains("bad identifier");
    assertThat(reasons.get(11L)).contains("expected 8 columns");
    assertThat(reasons.get(14L)).contains("BIRTH_DATE");
    // rejected lines changed nothing
    assertThat(gw.status(el, "x1").status()).isEqualTo(404);
    assertThat(gw.status(el, "ok1").json().getString("email")).isEqualTo("o***@u***.fr");
    assertThat(gw.login(el, "x9", "1990-06-15", "email").status()).isEqualTo(422); // on the roll, no email
  }

  @Test
  void phonesMustBeRealLinesOfTheElectionsCountries() {
    String el = emptyElection();
    Http.Res r = gw.importRoll(el, String.join("\n", HEADER,
        "p1,personnels,A,A,,,+33899123456,1234",   // 2 premium rate
        "p2,personnels,B,B,,,+32470123456,1234",   // 3 Belgium: not allowed by default
        "p3,personnels,C,C,,,+262692123456,1234",  // 4 La Réunion: allowed
        "p4,personnels,D,D,,,+33144556677,1234")); // 5 fixed line: fine for a call
    JsonObject report = r.json();
    assertThat(report.getLong("imported")).isEqualTo(2);
    var reasons = report.getJsonArray("rejections");
    assertThat(reasons.getJsonObject(0).getInteger("line")).isEqualTo(2);
    assertThat(reasons.getJsonObject(0).getString("reason")).contains("premium");
    assertThat(reasons.getJsonObject(1).getInteger("line")).isEqualTo(3);
    assertThat(reasons.getJsonObject(1).getString("reason")).contains("country");

    String belgian = TestGateway.newElectionId();
    gw.http.put("/v1/admin/elections/" + belgian, ADMIN, TestGateway.electionBody(gw.clock.instant(),
        gw.clock.instant().plus(Duration.ofDays(1))).put("phoneCountries", new io.vertx.core.json.JsonArray()
            .add("FR").add("BE")));
    assertThat(gw.importRoll(belgian, HEADER + "\np2,personnels,B,B,,,+32470123456,1234\n").json()
        .getLong("imported")).isEqualTo(1);
    assertThat(gw.http.put("/v1/admin/elections/" + belgian, ADMIN, TestGateway.electionBody(gw.clock.instant(),
        gw.clock.instant().plus(Duration.ofDays(1))).put("phoneCountries", new io.vertx.core.json.JsonArray()
            .add("XX"))).status()).isEqualTo(400);
  }

  @Test
  void reimportIsIdempotentAndKeepsLockAndVote() {
    String el = gw.openElection();
    for (int i = 0; i < 5; i++) {
      gw.login(el, "chloe", "0000", "sms");
    }
    String token = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    assertThat(gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token)).status()).isEqualTo(201);

    Http.Res again = gw.importRoll(el, TestGateway.ROLL);
    assertThat(again.json().getLong("imported")).isEqualTo(4);
    assertThat(again.json().getLong("created")).isZero();
    assertThat(again.json().getLong("updated")).isEqualTo(4);
    assertThat(gw.status(el, "chloe").json().getString("status")).isEqualTo("locked");
    assertThat(gw.status(el, "alice").json().getBoolean("hasVoted")).isTrue();
    assertThat(gw.login(el, "chloe", "4321", "sms").status()).isEqualTo(423);
  }

  @Test
  void reimportWithANewSecretReplacesTheOldOne() {
    String el = gw.openElection();
    gw.importRoll(el, HEADER + "\nalice,etudiants,Martin,Alice,,,+33612345678,99998888\n");
    assertThat(gw.login(el, "alice", "20231234", "sms").status()).isEqualTo(401);
    assertThat(gw.login(el, "alice", "99998888", "sms").status()).isEqualTo(200);
  }

  @Test
  void wrongHeaderEmptyBodyWrongContentTypeAndUnknownElectionImportNothing() {
    String el = emptyElection();
    Http.Res header = gw.importRoll(el, "id,college\nalice,etudiants\n");
    assertThat(header.status()).isEqualTo(400);
    assertThat(header.problemType()).isEqualTo("/problems/validation-failed");
    Http.Res empty = gw.importRoll(el, "");
    assertThat(empty.status()).isEqualTo(400);
    Http.Res json = gw.http.postRaw("/v1/admin/elections/" + el + "/voters", ADMIN, "application/json",
        "{}".getBytes());
    assertThat(json.status()).isEqualTo(415);
    Http.Res unknown = gw.importRoll("no-such-election", TestGateway.ROLL);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(gw.status(el, "alice").status()).isEqualTo(404);
  }

  @Test
  void largeRollStreamsInBatches() {
    String el = emptyElection();
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 2_345; i++) {
      csv.append("v").append(i).append(",personnels,N,P,,,,").append(String.format("%04d", i % 10_000)).append('\n');
    }
    Http.Res r = gw.importRoll(el, csv.toString());
    assertThat(r.json().getLong("imported")).isEqualTo(2_345);
    assertThat(gw.login(el, "v2344", "2344", "email").status()).isEqualTo(422); // on the roll, no email
    assertThat(gw.login(el, "v2344", "2345", "email").status()).isEqualTo(401);
  }

  @Test
  void listsAtMostAThousandRejections() {
    String el = emptyElection();
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 1_200; i++) {
      csv.append("v").append(i).append(",nowhere,N,P,,,,1234\n");
    }
    JsonObject r = gw.importRoll(el, csv.toString()).json();
    assertThat(r.getLong("rejected")).isEqualTo(1_200);
    assertThat(r.getJsonArray("rejections")).hasSize(1_000);
    assertThat(r.getBoolean("rejectionsTruncated")).isTrue();
  }

  @Test
  void rolesAreEnforced() {
    String el = emptyElection();
    Http.Res noKey = gw.http.postRaw("/v1/admin/elections/" + el + "/voters", null, "text/csv",
        TestGateway.ROLL.getBytes());
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.headers().get("WWW-Authenticate")).isEqualTo("Bearer");
    Http.Res badKey = gw.http.postRaw("/v1/admin/elections/" + el + "/voters", "nope-nope-nope", "text/csv",
        TestGateway.ROLL.getBytes());
    assertThat(badKey.status()).isEqualTo(401);
    Http.Res support = gw.http.postRaw("/v1/admin/elections/" + el + "/voters", TestGateway.SUPPORT, "text/csv",
        TestGateway.ROLL.getBytes());
    assertThat(support.status()).isEqualTo(403);
    assertThat(support.problemType()).isEqualTo("/problems/forbidden");
    assertThat(gw.http.post("/v1/introspect", ADMIN, new JsonObject().put("token", "x")).status()).isEqualTo(403);
    assertThat(gw.http.get("/v1/elections/" + el + "/emargements", PLATFORM).status()).isEqualTo(403);
    assertThat(gw.status(el, "alice").status()).isEqualTo(404);
  }

}
