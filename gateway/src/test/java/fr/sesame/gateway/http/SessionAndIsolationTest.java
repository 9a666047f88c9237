package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sliding 30-minute sessions, election isolation, and the émargement written once. */
class SessionAndIsolationTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();
  static final Instant start = gw.clock.instant();

  @AfterEach
  void resetClock() {
    gw.clock.set(start);
  }

  private static boolean active(String token) {
    return gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", token)).json().getBoolean("active");
  }

  @Test
  void sessionEndsAfterThirtyMinutesOfInactivityAndIntrospectionSlidesIt() {
    String el = gw.openElection();
    String token = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    gw.clock.advance(Duration.ofMinutes(29));
    assertThat(active(token)).isTrue(); // slides the timer
    gw.clock.advance(Duration.ofMinutes(29));
    assertThat(active(token)).isTrue();
    gw.clock.advance(Duration.ofMinutes(30));
    assertThat(active(token)).isFalse();
    gw.clock.advance(Duration.ofMinutes(-30));
    assertThat(active(token)).as("an ended session stays ended").isFalse();
  }

  @Test
  void malformedOrForgedTokensAreInactive() {
    assertThat(active("not-a-token")).isFalse();
    assertThat(active("A".repeat(64))).isFalse();
  }

  @Test
  void nothingOfOneElectionWorksInAnother() {
    String a = gw.openElection();
    String b = TestGateway.newElectionId();
    gw.http.put("/v1/admin/elections/" + b, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(1))));
    gw.importRoll(b, String.join("\n", "identifier,college,lastName,firstName,birthDate,email,phone,secret",
        "bob,etudiants,B,B,,,+33612000000,87654321"));

    // a voter of A is unknown in B: same answer as a wrong secret
    Http.Res aliceInB = gw.login(b, "alice", "20231234", "sms");
    assertThat(aliceInB.status()).isEqualTo(401);
    assertThat(gw.status(b, "alice").status()).isEqualTo(404);

    // a challenge of A cannot be used through B
    Http.Res loginA = gw.login(a, "alice", "20231234", "sms");
    String challenge = loginA.json().getString("challengeId");
    Http.Res crossVerify = gw.verify(b, challenge, gw.lastCode("+33612345678"));
    assertThat(crossVerify.status()).isEqualTo(404);
    Http.Res ok = gw.verify(a, challenge, gw.lastCode("+33612345678"));
    assertThat(ok.status()).isEqualTo(200);
    String tokenA = ok.json().getString("sessionToken");

    // a session of A is not active for B
    Http.Res voteInB = gw.http.post("/v1/elections/" + b + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", tokenA));
    assertThat(voteInB.status()).isEqualTo(403);
    assertThat(voteInB.problemType()).isEqualTo("/problems/session-inactive");
    assertThat(gw.http.get("/v1/elections/" + b + "/emargements", TestGateway.ADMIN).body().split("\r\n")).hasSize(1);
    assertThat(gw.status(a, "alice").json().getBoolean("hasVoted")).isFalse();

    // locking alice in A leaves bob's and alice's other elections alone
    for (int i = 0; i < 5; i++) {
      gw.login(a, "alice", "0", "sms");
    }
    assertThat(gw.login(b, "bob", "87654321", "sms").status()).isEqualTo(200);
  }

  @Test
  void twoRacingEmargementsOfTwoSessionsGiveOneCreatedAndOneConflict() {
    String el = gw.openElection();
    String token = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    String other = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    String path = "/v1/elections/" + el + "/emargements";
    List<Http.Res> both = gw.http.parallel(List.of(
        gw.http.async(HttpMethod.POST, path, PLATFORM, "application/json",
            Buffer.buffer(new JsonObject().put("sessionToken", token).encode())),
        gw.http.async(HttpMethod.POST, path, PLATFORM, "application/json",
            Buffer.buffer(new JsonObject().put("sessionToken", other).encode()))));
    assertThat(both).extracting(Http.Res::status).containsExactlyInAnyOrder(201, 409);
    assertThat(gw.http.get(path, TestGateway.ADMIN).body().split("\r\n")).hasSize(2);
  }

  @Test
  void twoRacingEmargementsOfOneSessionBothAnswerTheOneRecord() {
    String el = gw.openElection();
    String token = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    Buffer body = Buffer.buffer(new JsonObject().put("sessionToken", token).encode());
    String path = "/v1/elections/" + el + "/emargements";
    List<Http.Res> both = gw.http.parallel(List.of(
        gw.http.async(HttpMethod.POST, path, PLATFORM, "application/json", body),
        gw.http.async(HttpMethod.POST, path, PLATFORM, "application/json", body)));
    assertThat(both).extracting(Http.Res::status).containsExactly(201, 201);
    assertThat(both.get(0).json().getString("votedAt")).isEqualTo(both.get(1).json().getString("votedAt"));
    assertThat(gw.http.get(path, TestGateway.ADMIN).body().split("\r\n")).hasSize(2);
  }

  @Test
  void emargementRecordsTheVoterIpGivenByThePlatform() {
    String el = gw.openElection();
    String token = gw.fullLogin(el, "alice", "20231234", "sms", "+33612345678");
    Http.Res bad = gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token).put("voterIp", "not-an-ip"));
    assertThat(bad.status()).isEqualTo(400);
    for (String notAnIp : new String[] {"abc.de", "999.1.1.1", "1.2.3", "::g"}) {
      assertThat(gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
          new JsonObject().put("sessionToken", token).put("voterIp", notAnIp)).status()).as(notAnIp).isEqualTo(400);
    }
    Http.Res v6 = gw.http.post("/v1/elections/" + gw.openElection() + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", "x").put("voterIp", "2001:db8::1"));
    assertThat(v6.status()).as("a valid IPv6 passes validation").isEqualTo(403);
    Http.Res ok = gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token).put("voterIp", "203.0.113.7"));
    assertThat(ok.status()).isEqualTo(201);
    assertThat(gw.http.get("/v1/elections/" + el + "/emargements", TestGateway.ADMIN).body()).contains(",203.0.113.7,");
  }
}
