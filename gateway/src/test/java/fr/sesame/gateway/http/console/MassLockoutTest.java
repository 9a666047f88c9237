package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 2: more locks than {@code lockout.massAlertPerMinute} in a minute of one election raise one
 * alert (audit event, email to each bureau member, none to others); the voters locked in a time window are
 * unlocked together with a reason, each audited.
 */
class MassLockoutTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.withOidc(new LockoutConfig(5, Duration.ofHours(24), 2));

  private static void lock(String el, String identifier) {
    for (int i = 0; i < 5; i++) {
      gw.login(el, identifier, "0000000" + i, "email");
    }
    assertThat(gw.status(el, identifier).json().getString("status")).isEqualTo("locked");
  }

  @Test
  void aWaveOfLocksAlertsTheBureauOnceAndABulkUnlockUndoesItVoterByVoter() {
    String el = gw.openElection();
    assertThat(ConsoleFixtures.invite(gw, "bureau@univ-test.fr", el, "bureau").status()).isEqualTo(201);
    ConsoleFixtures.invitationToken(gw, "bureau@univ-test.fr"); // its invitation came
    assertThat(ConsoleFixtures.invite(gw, "support@univ-test.fr", el, "support").status()).isEqualTo(201);
    ConsoleFixtures.invitationToken(gw, "support@univ-test.fr");
    // the bureau member activates the account (alerts go to active accounts)
    activate("bureau@univ-test.fr");

    OffsetDateTime before = OffsetDateTime.ofInstant(gw.clock.instant(), ZoneOffset.UTC);
    lock(el, "alice");
    lock(el, "bruno");
    assertThat(auditTypes(el)).doesNotContain("alert.mass-lockout");
    lock(el, "chloe"); // the third lock of the minute: over 2
    lock(el, "emma");
    assertThat(auditTypes(el)).filteredOn("alert.mass-lockout"::equals).as("one alert a minute").hasSize(1);
    ConsoleFixtures.awaitMessages(gw, "bureau@univ-test.fr", 2); // the invitation, then the alert
    assertThat(gw.outbox.last("bureau@univ-test.fr").message().text()).contains("verrouillés en une minute");
    assertThat(gw.outbox.list("support@univ-test.fr")).as("support is not the bureau").hasSize(1);

    gw.clock.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 5; i++) { // not on the roll: counted and locked like a voter, outside the window below
      gw.login(el, "david", "0000000" + i, "email");
    }
    OffsetDateTime after = OffsetDateTime.ofInstant(gw.clock.instant(), ZoneOffset.UTC);

    Http.Res noReason = gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", before.toString()).put("to", after.toString()).put("reason", " "));
    assertThat(noReason.status()).isEqualTo(400);
    Http.Res backwards = gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", after.toString()).put("to", before.toString()).put("reason", "incident"));
    assertThat(backwards.status()).isEqualTo(400);
    Http.Res window = gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", before.toString()).put("to", before.plusSeconds(30).toString())
            .put("reason", "Incident du prestataire SMS"));
    assertThat(window.status()).as(window.body()).isEqualTo(200);
    assertThat(window.json().getInteger("unlocked")).isEqualTo(4);
    for (String v : List.of("alice", "bruno", "chloe", "emma")) {
      assertThat(gw.status(el, v).json().getString("status")).as(v).isEqualTo("active");
    }
    assertThat(auditTypes(el)).filteredOn("voter.unlock"::equals).hasSize(4);
    assertThat(gw.http.post("/v1/support/elections/" + el + "/unlock-window", TestGateway.SUPPORT,
        new JsonObject().put("from", before.toString()).put("to", before.plusSeconds(30).toString())
            .put("reason", "again")).json().getInteger("unlocked")).as("nothing left in that window").isZero();
  }

  private static void activate(String email) {
    FormClient b = new FormClient(gw.gateway.port());
    String token = ConsoleFixtures.invitationToken(gw, email);
    FormClient.Page form = b.get("/console/invitation/" + token);
    b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password", "Scrutin-Secret-2026", "confirm",
        "Scrutin-Secret-2026"));
    FormClient.Page enrol = b.get("/console/invitation/" + token);
    java.util.regex.Matcher k = java.util.regex.Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<").matcher(enrol.body());
    assertThat(k.find()).isTrue();
    byte[] secret = ConsoleFixtures.base32(k.group(1).replace(" ", ""));
    FormClient.Page done = b.post("/console/invitation/" + token + "/code", Map.of("csrf", enrol.csrf(), "code",
        new Totp().code(secret, gw.clock.instant())));
    assertThat(done.status()).isEqualTo(303);
  }

  private static List<String> auditTypes(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN);
    return r.body().lines().filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event")
        .getString("type")).toList();
  }
}
