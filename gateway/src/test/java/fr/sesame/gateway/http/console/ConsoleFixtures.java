package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Staff invitations for the console tests, on the gateway each test class owns (a helper holding no gateway of
 * its own: a second gateway on the same Redis would take the first one's messages into its own outbox).
 */
final class ConsoleFixtures {
  private static final Pattern LINK = Pattern.compile("/console/invitation/([A-Za-z0-9_-]{43})");

  private ConsoleFixtures() {}

  private static final Map<String, String> NOTIFICATIONS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Invites through {@code gw}'s API (each test class its own gateway: its outbox gets the message). */
  static Http.Res invite(TestGateway gw, String email, String election, String role) {
    return invite(gw, email, election, role, null);
  }

  /** {@link #invite(TestGateway, String, String, String)} with a mobile phone (as typed), or none when null. */
  static Http.Res invite(TestGateway gw, String email, String election, String role, String phone) {
    JsonObject body = new JsonObject().put("email", email).put("name", "Agent " + role).put("roles",
        new JsonArray().add(new JsonObject().put("election", election).put("role", role)));
    if (phone != null) {
      body.put("phone", phone);
    }
    Http.Res r = gw.http.post("/v1/admin/staff", TestGateway.ADMIN, body);
    if (r.status() == 201) {
      NOTIFICATIONS.put(email, r.json().getString("notificationId"));
    }
    return r;
  }

  /** How long a test waits for a message the outbox sends after answering. */
  static final java.time.Duration MESSAGE_WAIT = java.time.Duration.ofSeconds(10);

  static String invitationToken(TestGateway gw, String email) {
    // the invitation goes through the outbox: it arrives when the dispatcher has sent it
    assertThat(gw.outbox.await(email, 1, MESSAGE_WAIT)).as("an invitation to " + email + ": " + gw.http.get(
        "/v1/notifications/" + NOTIFICATIONS.get(email), TestGateway.PLATFORM).body()).isNotEmpty();
    Matcher m = LINK.matcher(gw.outbox.last(email).message().text());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /**
   * Waits (10 s at most) until {@code to} has received {@code count} messages: the outbox sends after answering.
   * The dev outbox wakes the test as each message arrives (no polling, no sleep).
   */
  static void awaitMessages(TestGateway gw, String to, int count) {
    assertThat(gw.outbox.await(to, count, MESSAGE_WAIT)).as("messages to " + to).hasSizeGreaterThanOrEqualTo(count);
  }

  static final String PASSWORD = "Bureau-de-vote-2026";
  private static final Pattern KEY = Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<");

  /** Sets the password and the app from the invitation; @return the app's secret */
  static byte[] enrol(TestGateway gw, FormClient b, String token) {
    FormClient.Page form = b.get("/console/invitation/" + token);
    assertThat(form.status()).isEqualTo(200);
    FormClient.Page set = b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password", PASSWORD,
        "confirm", PASSWORD));
    assertThat(set.status()).as(set.body()).isEqualTo(303);
    FormClient.Page enrolPage = b.get("/console/invitation/" + token);
    Matcher k = KEY.matcher(enrolPage.body());
    assertThat(k.find()).as(enrolPage.body()).isTrue();
    byte[] secret = base32(k.group(1).replace(" ", ""));
    assertThat(enrolPage.body()).contains("otpauth://totp/Sesame");
    FormClient.Page done = b.post("/console/invitation/" + token + "/code", Map.of("csrf", enrolPage.csrf(),
        "code", new Totp().code(secret, gw.clock.instant())));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(done.location()).isEqualTo("/console/connexion?active=1");
    return secret;
  }

  /** Both factors; the clock moves a step on first, so the code is one not used yet. */
  static FormClient.Page login(TestGateway gw, FormClient b, String email, String password, byte[] secret) {
    gw.clock.advance(Duration.ofSeconds(30));
    FormClient.Page form = b.get("/console/connexion");
    FormClient.Page first = b.post("/console/connexion", Map.of("csrf", form.csrf(), "email", email,
        "password", password));
    if (first.status() != 303) {
      return first;
    }
    assertThat(first.location()).isEqualTo("/console/connexion/code");
    FormClient.Page codeForm = b.get(first.location());
    return b.post("/console/connexion/code", Map.of("csrf", codeForm.csrf(), "code",
        new Totp().code(secret, gw.clock.instant())));
  }

  /** Invites {@code email} with {@code role} in {@code election}, enrols the app and signs {@code b} in. */
  static byte[] agent(TestGateway gw, FormClient b, String email, String election, String role) {
    assertThat(invite(gw, email, election, role).status()).isEqualTo(201);
    byte[] secret = enrol(gw, b, invitationToken(gw, email));
    FormClient.Page in = login(gw, b, email, PASSWORD, secret);
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    assertThat(in.location()).isEqualTo("/console");
    return secret;
  }

  /** The key the enrolment page shows, as an authenticator app reads it. */
  static byte[] base32(String s) {
    return Totp.fromBase32(s);
  }
}
