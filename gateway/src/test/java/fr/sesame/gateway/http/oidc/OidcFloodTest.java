package fr.sesame.gateway.http.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.LimitsConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every authorization request keeps a login flow in Redis for 15 minutes: a flood from one address is refused
 * with 429 and {@code Retry-After} before it stores anything (the login routes' per-IP policy, in a bucket of
 * its own).
 */
class OidcFloodTest {
  private static final LimitsConfig FIVE_A_SECOND = withLoginIp(LimitsConfig.open("login-ip", 5, Duration.ofSeconds(1), 5));

  @RegisterExtension
  static final TestGateway gw = TestGateway.withOidc(FIVE_A_SECOND);

  private static LimitsConfig withLoginIp(fr.sesame.ratelimit.LimitPolicy ip) {
    LimitsConfig t = TestGateway.TEST_LIMITS;
    return new LimitsConfig(ip, t.loginIpFailures(), t.loginVoter(), t.loginElection(), t.phoneNumber(),
        t.phoneNumberDay(), t.phonePrefix(), t.phoneCountry(), t.phoneCountries(), t.prefixDigits(),
        t.breakerCooldown());
  }

  @Test
  void aFloodOfAuthorizationsFromOneAddressIsRefusedBeforeAnyFlowIsStored() {
    String el = gw.openElection();
    assertThat(gw.http.put("/v1/admin/elections/" + el + "/clients/flood-" + el, TestGateway.ADMIN, new JsonObject()
        .put("name", "Urne").put("redirectUris", new JsonArray().add("https://vote.example.fr/cb"))).status())
        .isEqualTo(201);
    String authorize = "/oidc/authorize?response_type=code&scope=openid&client_id=flood-" + el
        + "&redirect_uri=https%3A%2F%2Fvote.example.fr%2Fcb&code_challenge=" + "a".repeat(43)
        + "&code_challenge_method=S256";
    long before = flows();
    for (int i = 0; i < 5; i++) {
      assertThat(new FormClient(gw.gateway.port()).get(authorize).status()).isEqualTo(303);
    }
    FormClient.Page refused = new FormClient(gw.gateway.port()).get(authorize);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    assertThat(refused.header("Content-Type")).startsWith("text/html");
    assertThat(flows()).isEqualTo(before + 5);

    gw.clock.advance(Duration.ofSeconds(1));
    assertThat(new FormClient(gw.gateway.port()).get(authorize).status()).isEqualTo(303);
  }

  private static long flows() {
    return TestRedis.sync().keys("gw:{of:*").size();
  }
}
