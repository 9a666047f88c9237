package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 3: the grace period after an election's close (20 minutes unless the election says otherwise).
 * No login starts after the close; a session opened before it may still record its émargement until the close plus
 * the grace; after that, nothing. The test clock stands in for time.
 */
class GracePeriodTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();
  static final Instant start = gw.clock.instant();

  @AfterEach
  void resetClock() {
    gw.clock.set(start);
  }

  /** An election open since yesterday that closes in an hour; @return its id */
  private static String closingInAnHour(Integer graceMinutes) {
    String el = TestGateway.newElectionId();
    JsonObject body = TestGateway.electionBody(gw.clock.instant().minus(Duration.ofDays(1)),
        gw.clock.instant().plus(Duration.ofHours(1)));
    if (graceMinutes != null) {
      body.put("graceMinutes", graceMinutes);
    }
    Http.Res put = gw.http.put("/v1/admin/elections/" + el, ADMIN, body);
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    assertThat(gw.importRoll(el, TestGateway.ROLL).status()).isEqualTo(200);
    return el;
  }

  private static Http.Res emarge(String el, String token) {
    return gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM, new JsonObject().put("sessionToken", token));
  }

  private static String sessionJustBeforeTheClose(String el) {
    gw.clock.advance(Duration.ofMinutes(59));
    return gw.fullLogin(el, "alice", "20231234", "email", "alice.martin@univ-test.fr");
  }

  @Test
  void aSessionOpenedBeforeTheCloseRecordsItsEmargementFiveMinutesAfterIt() {
    String el = closingInAnHour(null);
    assertThat(gw.http.get("/v1/admin/elections/" + el, ADMIN).json().getInteger("graceMinutes"))
        .as("20 minutes unless said otherwise").isEqualTo(20);
    String token = sessionJustBeforeTheClose(el);
    gw.clock.advance(Duration.ofMinutes(6)); // close + 5 min

    Http.Res voted = emarge(el, token);

    assertThat(voted.status()).as(voted.body()).isEqualTo(201);
    assertThat(gw.http.get("/v1/elections/" + el + "/emargements", ADMIN).body()).contains(
        "alice,Martin,Alice,etudiants,2026-12-01T10:05:00Z");
  }

  @Test
  void noLoginStartsAfterTheCloseEvenDuringTheGrace() {
    String el = closingInAnHour(null);
    gw.clock.advance(Duration.ofMinutes(61)); // close + 1 min

    Http.Res r = gw.login(el, "alice", "20231234", "email");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.problemType()).isEqualTo("/problems/election-closed");
  }

  @Test
  void aChallengeStartedBeforeTheCloseOpensNoSessionAfterIt() {
    String el = closingInAnHour(null);
    gw.clock.advance(Duration.ofMinutes(59));
    Http.Res r = gw.login(el, "alice", "20231234", "email");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String code = gw.lastCode("alice.martin@univ-test.fr");
    gw.clock.advance(Duration.ofMinutes(2));

    Http.Res v = gw.verify(el, r.json().getString("challengeId"), code);

    assertThat(v.status()).as(v.body()).isEqualTo(403);
    assertThat(v.problemType()).isEqualTo("/problems/election-closed");
  }

  @Test
  void afterTheGraceEverythingIsRefusedEvenALiveSessionOpenedBeforeTheClose() {
    String el = closingInAnHour(null);
    String token = sessionJustBeforeTheClose(el);
    gw.clock.advance(Duration.ofMinutes(11));
    assertThat(gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", token)).json()
        .getBoolean("active")).as("still a live session").isTrue();
    gw.clock.advance(Duration.ofMinutes(11)); // close + 21 min

    Http.Res late = emarge(el, token);

    assertThat(late.status()).as(late.body()).isEqualTo(403);
    assertThat(late.problemType()).isEqualTo("/problems/election-closed");
  }

  @Test
  void anElectionMaySetItsGraceFromNoneToTwoHours() {
    String el = closingInAnHour(0);
    String token = sessionJustBeforeTheClose(el);
    gw.clock.advance(Duration.ofMinutes(2));
    assertThat(emarge(el, token).problemType()).as("no grace").isEqualTo("/problems/election-closed");

    for (Object bad : new Object[] {-1, 121, "20", 2.5}) {
      Http.Res r = gw.http.put("/v1/admin/elections/" + TestGateway.newElectionId(), ADMIN, TestGateway.electionBody(
          start, start.plus(Duration.ofHours(1))).put("graceMinutes", bad));
      assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(400);
      assertThat(r.body()).contains("graceMinutes");
    }
  }
}
