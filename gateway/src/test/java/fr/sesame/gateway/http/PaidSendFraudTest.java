package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.LimitsConfig;
import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The caps on paid sends with the production defaults: per number, and the SMS-pumping breakers per number
 * block and per country. Each test sends to number blocks of its own, which no other test uses.
 */
class PaidSendFraudTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway(LimitsConfig.DEFAULTS);
  private static final Random RANDOM = new Random();

  /**
   * A French mobile block of 10,000 numbers (5 national digits), +3362xxx to +3368xxx: other test classes
   * send to +3361xxx and +3369xxx.
   */
  /** A French mobile block no other test uses; +33 6 39 is not a mobile range (libphonenumber refuses it). */
  private static String freshBlock() {
    int block;
    do {
      block = 2_000 + RANDOM.nextInt(7_000);
    } while (block / 100 == 39);
    return "+336" + block;
  }

  private static JsonObject code(String channel, String to, String electionId) {
    JsonObject b = new JsonObject().put("channel", channel).put("to", to).put("template", "login-code")
        .put("data", new JsonObject().put("code", "482913").put("codeSpoken", "4, 8, 2, 9, 1, 3").put("minutes", 5))
        .put("idempotencyKey", UUID.randomUUID().toString());
    return electionId == null ? b : b.put("electionId", electionId);
  }

  private static Http.Res send(String channel, String to) {
    return gw.http.post("/v1/notifications", PLATFORM, code(channel, to, null));
  }

  private static int notificationCount() {
    return TestRedis.sync().keys("gw:{nt}:n:*").size();
  }

  @Test
  void aNumberGetsFiveCodesInTenMinutesThenA429WithTheRateLimitFields() {
    String number = freshBlock() + "1234";
    for (int i = 0; i < 5; i++) {
      assertThat(send("sms", number).status()).isEqualTo(202);
    }
    int before = notificationCount();
    Http.Res refused = send("sms", number);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.problemType()).isEqualTo("/problems/rate-limited");
    assertThat(refused.contentType()).isEqualTo("application/problem+json");
    assertThat(refused.headers().get("Retry-After")).isEqualTo("120"); // one permit every 2 minutes
    assertThat(refused.headers().get("RateLimit-Policy")).contains("\"phone\";q=5;w=600", "\"phone-day\";q=20;w=86400");
    assertThat(refused.headers().get("RateLimit")).contains("\"phone\";r=0;t=600");
    assertThat(refused.body()).doesNotContain(number.substring(4));
    assertThat(notificationCount()).as("a refusal writes nothing").isEqualTo(before);

    assertThat(send("voice", number).status()).as("voice is counted apart").isEqualTo(202);
    gw.clock.advance(Duration.ofMinutes(2));
    try {
      assertThat(send("sms", number).status()).as("a permit came back after 2 minutes").isEqualTo(202);
      assertThat(send("sms", number).status()).isEqualTo(429);
    } finally {
      gw.clock.advance(Duration.ofMinutes(-2));
    }
  }

  @Test
  void aBurstTowardsOneBlockTripsItsBreakerWhichStopsSendsThereAndRaisesAnAlert() {
    String el = gw.openElection();
    String block = freshBlock();
    for (int i = 0; i < 20; i++) {
      Http.Res r = gw.http.post("/v1/notifications", PLATFORM, code("sms", block + String.format("%04d", i), el));
      assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
    Http.Res tripping = gw.http.post("/v1/notifications", PLATFORM, code("sms", block + "0020", el));
    assertThat(tripping.status()).isEqualTo(429);
    assertThat(tripping.problemType()).isEqualTo("/problems/sends-suspended");
    assertThat(tripping.headers().get("Retry-After")).isEqualTo("3600");
    assertThat(tripping.headers().get("RateLimit")).contains("\"phone-prefix\";r=0");

    // stopped for the whole block, even for a number never sent to, and even after the cap would refill
    gw.clock.advance(Duration.ofMinutes(30));
    try {
      Http.Res later = send("sms", block + "9999");
      assertThat(later.status()).isEqualTo(429);
      assertThat(later.problemType()).isEqualTo("/problems/sends-suspended");
      assertThat(later.body()).contains("sms prefix " + block);
      assertThat(send("sms", freshBlock() + "0001").status()).as("other blocks still receive").isEqualTo(202);
      assertThat(send("voice", block + "9998").status()).as("voice has its own breakers").isEqualTo(202);
    } finally {
      gw.clock.advance(Duration.ofMinutes(-30));
    }
    gw.clock.advance(Duration.ofMinutes(61));
    try {
      assertThat(send("sms", block + "9997").status()).as("the breaker closes after its cooldown").isEqualTo(202);
    } finally {
      gw.clock.advance(Duration.ofMinutes(-61));
    }

    assertThat(gw.http.get("/metrics", null).body())
        .contains("sesame_fraud_breaker_trips_total{channel=\"sms\",scope=\"prefix\"} 1.0")
        .contains("sesame_paid_sends_refused_total{channel=\"sms\",reason=\"suspended\"}");
    String audit = gw.http.get("/v1/admin/elections/" + el + "/audit", ADMIN).body();
    assertThat(audit).contains("\"type\":\"fraud.breaker.trip\"", "sms prefix " + block);
    // issue 16, point 4: and in the election's incident log
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/incidents", ADMIN).json().getJsonArray("incidents")
        .getJsonObject(0).getString("type")).isEqualTo("fraud.breaker.trip");
  }

  @Test
  void aBurstTowardsAnAllowedForeignCountryTripsTheCountryBreaker() {
    // the breaker is global; a run against a long-lived REDIS_URL may find the previous run's
    TestRedis.sync().del("rl:{nt}:trip:sms:country:BE", "rl:{nt}:phone-country:sms:BE");
    String el = TestGateway.newElectionId();
    JsonObject election = TestGateway.electionBody(gw.clock.instant().minus(Duration.ofDays(1)),
        gw.clock.instant().plus(Duration.ofDays(1))).put("phoneCountries", new JsonArray().add("FR").add("BE"));
    assertThat(gw.http.put("/v1/admin/elections/" + el, ADMIN, election).status()).isEqualTo(201);
    for (int i = 0; i < 30; i++) {
      String belgian = "+32470" + String.format("%06d", 100_000 + i * 3_001); // spread over several blocks
      Http.Res r = gw.http.post("/v1/notifications", PLATFORM, code("sms", belgian, el));
      assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
    Http.Res tripping = gw.http.post("/v1/notifications", PLATFORM, code("sms", "+32471999999", el));
    assertThat(tripping.status()).isEqualTo(429);
    assertThat(tripping.problemType()).isEqualTo("/problems/sends-suspended");
    assertThat(tripping.headers().get("RateLimit")).contains("\"phone-country\";r=0");
    assertThat(gw.http.post("/v1/notifications", PLATFORM, code("sms", freshBlock() + "0002", el)).status())
        .as("France is not Belgium").isEqualTo(202);
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/audit", ADMIN).body())
        .contains("\"type\":\"fraud.breaker.trip\"", "sms country BE");
  }

  @Test
  void aLoginWhoseCodeIsCappedAnswers429AndTheTrailSaysTheCodeDidNotGo() {
    String el = gw.openElection();
    String number = freshBlock() + "4321";
    String roll = "identifier,college,lastName,firstName,birthDate,email,phone,secret\n"
        + "zoe,etudiants,Petit,Zoé,2002-02-02,zoe.petit@univ-test.fr," + number + ",20239999\n";
    assertThat(gw.importRoll(el, roll).status()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      assertThat(send("sms", number).status()).isEqualTo(202);
    }
    Http.Res login = gw.login(el, "zoe", "20239999", "sms");
    assertThat(login.status()).isEqualTo(429);
    assertThat(login.problemType()).isEqualTo("/problems/rate-limited");
    assertThat(login.headers().get("Retry-After")).isNotNull();
    assertThat(gw.status(el, "zoe").json().getInteger("failedAttempts")).as("not a failure").isZero();
    assertThat(gw.login(el, "zoe", "20239999", "email").status()).as("email is not capped").isEqualTo(200);
    assertThat(gw.http.get("/v1/admin/elections/" + el + "/audit", ADMIN).body())
        .contains("\"type\":\"otp.refused\"", "\"outcome\":\"rate-limited\"");
  }
}
