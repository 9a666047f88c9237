package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
    Http.Res r = gw.http.post("/v1/admin/staff", TestGateway.ADMIN, new JsonObject().put("email", email)
        .put("name", "Agent " + role).put("roles", new JsonArray().add(new JsonObject().put("election", election)
            .put("role", role))));
    if (r.status() == 201) {
      NOTIFICATIONS.put(email, r.json().getString("notificationId"));
    }
    return r;
  }

  static String invitationToken(TestGateway gw, String email) {
    // the invitation goes through the outbox: it arrives when the dispatcher has sent it
    long until = System.nanoTime() + 10_000_000_000L;
    while (gw.outbox.last(email) == null && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    assertThat(gw.outbox.last(email)).as("an invitation to " + email + ": " + gw.http.get("/v1/notifications/"
        + NOTIFICATIONS.get(email), TestGateway.PLATFORM).body()).isNotNull();
    Matcher m = LINK.matcher(gw.outbox.last(email).message().text());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }


  /** Waits (10 s at most) until {@code to} has received {@code count} messages: the outbox sends after answering. */
  static void awaitMessages(TestGateway gw, String to, int count) {
    long until = System.nanoTime() + 10_000_000_000L;
    while (gw.outbox.list(to).size() < count && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    assertThat(gw.outbox.list(to)).as("messages to " + to).hasSizeGreaterThanOrEqualTo(count);
  }

  static final String PASSWORD = "Bureau-de-vote-2026";
  private static final Pattern KEY = Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<");

  /** Sets the password and the app from the invitation; @return the app's secret */
  static byte[] enrol(TestGateway gw, fr.sesame.gateway.http.oidc.FormClient b, String token) {
    var form = b.get("/console/invitation/" + token);
    assertThat(form.status()).isEqualTo(200);
    var set = b.post("/console/invitation/" + token, Map.of("csrf", form.csrf(), "password", PASSWORD,
        "confirm", PASSWORD));
    assertThat(set.status()).as(set.body()).isEqualTo(303);
    var enrolPage = b.get("/console/invitation/" + token);
    Matcher k = KEY.matcher(enrolPage.body());
    assertThat(k.find()).as(enrolPage.body()).isTrue();
    byte[] secret = base32(k.group(1).replace(" ", ""));
    var done = b.post("/console/invitation/" + token + "/code", Map.of("csrf", enrolPage.csrf(),
        "code", new fr.sesame.gateway.staff.Totp().code(secret, gw.clock.instant())));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    return secret;
  }

  /** Both factors; the clock moves a step on first, so the code is one not used yet. */
  static fr.sesame.gateway.http.oidc.FormClient.Page login(TestGateway gw, fr.sesame.gateway.http.oidc.FormClient b,
                                                           String email, String password, byte[] secret) {
    gw.clock.advance(java.time.Duration.ofSeconds(30));
    var form = b.get("/console/connexion");
    var first = b.post("/console/connexion", Map.of("csrf", form.csrf(), "email", email, "password", password));
    if (first.status() != 303) {
      return first;
    }
    var codeForm = b.get(first.location());
    return b.post("/console/connexion/code", Map.of("csrf", codeForm.csrf(), "code",
        new fr.sesame.gateway.staff.Totp().code(secret, gw.clock.instant())));
  }

  /** Invites {@code email} with {@code role} in {@code election} (admin API), enrols and signs in {@code b}. */
  static byte[] agent(TestGateway gw, fr.sesame.gateway.http.oidc.FormClient b, String email, String election,
                      String role) {
    assertThat(invite(gw, email, election, role).status()).isEqualTo(201);
    byte[] secret = enrol(gw, b, invitationToken(gw, email));
    var in = login(gw, b, email, PASSWORD, secret);
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    assertThat(in.location()).isEqualTo("/console");
    return secret;
  }

  /** RFC 4648 base32 decoding, for the key the enrolment page shows. */
  static byte[] base32(String s) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : s.toCharArray()) {
      buffer = buffer << 5 | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        out.write(buffer >> bits - 8 & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
