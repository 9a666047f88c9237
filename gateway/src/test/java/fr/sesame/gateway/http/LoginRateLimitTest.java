package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The login routes' limits, with the production defaults, decided in the login scripts themselves. Every
 * request here comes from 127.0.0.1, like thousands of voters behind one campus NAT.
 */
class LoginRateLimitTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  /** An election whose roll has {@code n} voters v0..v(n-1), who log in with their birth date and email. */
  private static String electionOf(int n) {
    String el = gw.openElection();
    StringBuilder roll = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < n; i++) {
      roll.append("v").append(i).append(",externes,Nom,Prenom,1990-06-15,v").append(i).append("@univ-test.fr,,\n");
    }
    assertThat(gw.importRoll(el, roll.toString()).status()).isEqualTo(200);
    return el;
  }

  @Test
  void aCampusNatLetsItsVotersInButItsFailuresAreLimited() {
    String el = electionOf(300);
    for (int i = 0; i < 300; i++) {
      Http.Res r = gw.login(el, "v" + i, "1990-06-15", "email");
      assertThat(r.status()).as("voter %d behind the NAT", i).isEqualTo(200);
    }
    for (int i = 0; i < 120; i++) { // one wrong secret each: no account locks
      assertThat(gw.login(el, "v" + i, "1990-01-01", "email").status()).isEqualTo(401);
    }
    Http.Res refused = gw.login(el, "v200", "1990-01-01", "email");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.problemType()).isEqualTo("/problems/rate-limited");
    assertThat(refused.contentType()).isEqualTo("application/problem+json");
    assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
    assertThat(refused.headers().get("RateLimit-Policy"))
        .contains("\"login-ip\";q=500;w=10", "\"login-ip-failures\";q=120;w=60", "\"login-voter\";q=8;w=2880",
            "\"login-election\";q=10000;w=2");
    assertThat(refused.headers().get("RateLimit")).contains("\"login-ip-failures\";r=0;t=60", "\"login-ip\";r=");
    assertThat(gw.status(el, "v200").json().getInteger("failedAttempts")).as("a refused attempt counts nothing")
        .isZero();
    // the right secret waits too: until a permit comes back, nothing from that address is decided
    assertThat(gw.login(el, "v201", "1990-06-15", "email").status()).isEqualTo(429);

    gw.clock.advance(Duration.ofSeconds(1)); // 2 failures a second come back
    try {
      assertThat(gw.login(el, "v201", "1990-06-15", "email").status()).isEqualTo(200);
      assertThat(gw.login(el, "v202", "1990-01-01", "email").status()).isEqualTo(401);
      assertThat(gw.login(el, "v203", "1990-01-01", "email").status()).isEqualTo(401);
      assertThat(gw.login(el, "v204", "1990-01-01", "email").status()).isEqualTo(429);
    } finally {
      gw.clock.advance(Duration.ofSeconds(-1));
    }
  }

  @Test
  void wrongCodesCountAgainstTheAddressToo() {
    String el = electionOf(130);
    for (int i = 0; i < 120; i++) {
      Http.Res login = gw.login(el, "v" + i, "1990-06-15", "email");
      assertThat(login.status()).isEqualTo(200);
      assertThat(gw.verify(el, login.json().getString("challengeId"), "000000").status()).isEqualTo(401);
    }
    Http.Res login = gw.login(el, "v125", "1990-06-15", "email");
    assertThat(login.status()).isEqualTo(429);
    assertThat(login.headers().get("RateLimit")).contains("\"login-ip-failures\";r=0");
  }

  @Test
  void aVoterGetsEightCodesThenOneEverySixMinutesAndAStrangersGuessesUseNoneOfThem() {
    String el = gw.openElection();
    for (int i = 0; i < 4; i++) {
      assertThat(gw.login(el, "alice", "00000000", "email").status()).isEqualTo(401);
    }
    String challenge = null;
    for (int i = 0; i < 8; i++) {
      Http.Res r = gw.login(el, "alice", "20231234", "email");
      assertThat(r.status()).as("code %d", i + 1).isEqualTo(200);
      challenge = r.json().getString("challengeId");
    }
    Http.Res ninth = gw.login(el, "alice", "20231234", "email");
    assertThat(ninth.status()).isEqualTo(429);
    assertThat(ninth.headers().get("RateLimit")).contains("\"login-voter\";r=0");
    assertThat(ninth.headers().get("Retry-After")).isEqualTo("360");
    Http.Res resend = gw.http.post("/v1/elections/" + el + "/login/" + challenge + "/resend", new JsonObject());
    assertThat(resend.status()).as("a resend is a code too").isEqualTo(429);

    gw.clock.advance(Duration.ofMinutes(6));
    try {
      assertThat(gw.login(el, "alice", "20231234", "email").status()).isEqualTo(200);
      assertThat(gw.login(el, "alice", "20231234", "email").status()).isEqualTo(429);
    } finally {
      gw.clock.advance(Duration.ofMinutes(-6));
    }
    assertThat(gw.login(gw.openElection(), "alice", "20231234", "email").status())
        .as("another election has its own limits").isEqualTo(200);
  }

  @Test
  void aPhoneGivenAtLoginServesOneVoterOfTheElectionOnly() {
    String el = gw.openElection();
    String roll = "identifier,college,lastName,firstName,birthDate,email,phone,secret\n"
        + "noa,etudiants,Roux,Noa,2002-03-03,,,20230001\n"
        + "lea,etudiants,Roux,Léa,2002-03-03,,,20230002\n";
    assertThat(gw.importRoll(el, roll).status()).isEqualTo(200);
    String phone = TestGateway.randomPhone();
    JsonObject noa = new JsonObject().put("identifier", "noa").put("secret", "20230001").put("channel", "sms")
        .put("phone", phone);
    assertThat(gw.http.post("/v1/elections/" + el + "/login", noa).status()).isEqualTo(200);

    JsonObject lea = new JsonObject().put("identifier", "lea").put("secret", "20230002").put("channel", "sms")
        .put("phone", phone);
    int sent = gw.outbox.list(phone).size();
    Http.Res taken = gw.http.post("/v1/elections/" + el + "/login", lea);
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.problemType()).isEqualTo("/problems/phone-in-use");
    assertThat(taken.body()).doesNotContain(phone.substring(4));
    assertThat(gw.outbox.list(phone)).as("no code went").hasSize(sent);
    assertThat(gw.status(el, "lea").json().getString("phone")).as("nothing remembered").isNull();
    assertThat(gw.status(el, "lea").json().getInteger("failedAttempts")).isZero();

    assertThat(gw.http.post("/v1/elections/" + el + "/login", noa).status()).as("its owner still can").isEqualTo(200);
    Http.Res own = gw.http.post("/v1/elections/" + el + "/login", lea.copy().put("phone", TestGateway.randomPhone()));
    assertThat(own.status()).as(own.body()).isEqualTo(200);

    String other = gw.openElection();
    assertThat(gw.importRoll(other, roll).status()).isEqualTo(200);
    assertThat(gw.http.post("/v1/elections/" + other + "/login", lea).status())
        .as("in another election the number is free").isEqualTo(200);
  }
}
