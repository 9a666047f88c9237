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
