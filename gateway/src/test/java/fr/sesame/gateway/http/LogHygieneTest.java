package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.LeakGuard;
import fr.sesame.testkit.LogCapture;
import fr.sesame.testkit.Ports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests whose content would reach the log through an exception's message or a raw URI: a JSON body
 * sent as a form with a stray {@code %}, a webhook (its token in the path) with a bad escape in its query, a
 * contact in a broken query. Whatever they are answered, no log line holds the secret, the token or the contact
 * (each line at INFO and above, DEBUG for our code, is checked here and by the test kit's LeakGuard).
 */
class LogHygieneTest {
  static final String TOKEN = LeakGuard.secret("ovh-webhook-token-4d8e1f0a9b");
  static TestGateway gw;
  final LogCapture logs = LogCapture.all();

  @BeforeAll
  static void start() {
    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of("sms", Map.of("chain", List.of("ovh"), "providers",
            Map.of("ovh", Map.of("type", "ovh-sms", "endpoint", "http://127.0.0.1:" + Ports.unused() + "/1.0",
                "serviceName", "sms-t-1", "sender", "S")))),
        Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "a", "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "b",
            "SESAME_PROVIDER_OVH_CONSUMER_KEY", "c", "SESAME_PROVIDER_OVH_WEBHOOK_TOKEN", TOKEN));
    gw = TestGateway.withProviders(1, channels);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @AfterEach
  void close() {
    logs.close();
  }

  private void send(HttpMethod method, String path, String contentType, String body) {
    gw.http.call(method, path, null, contentType, body == null ? null : Buffer.buffer(body));
  }

  private void assertNoLineHolds(String... values) {
    List<String> lines = logs.events.all().stream().map(e -> {
      StringBuilder sb = new StringBuilder(e.getFormattedMessage());
      for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      return sb.toString();
    }).toList();
    for (String v : values) {
      assertThat(lines).as("log lines holding " + v).noneMatch(l -> l.contains(v));
    }
  }

  @Test
  void aJsonBodySentAsAFormWithAStrayPercentIsNotLogged() {
    String el = gw.openElection();
    send(HttpMethod.POST, "/v1/elections/" + el + "/login", "application/x-www-form-urlencoded",
        "{\"identifier\":\"alice\",\"secret\":\"20231234\",\"channel\":\"sms\",\"phone\":\"+33612345678\",\"x\":\"%\"}");
    send(HttpMethod.POST, "/v1/elections/" + el + "/login", "application/x-www-form-urlencoded",
        "identifier=alice&secret=20231234&email=alice.martin%40univ-test.fr&x=%zz");
    assertNoLineHolds("20231234", "612345678", "alice.martin");
  }

  @Test
  void aWebhookWithABadEscapeInItsQueryDoesNotLogItsToken() {
    send(HttpMethod.GET, "/v1/webhooks/ovh/" + TOKEN + "?id=%zz&description=2", null, null);
    send(HttpMethod.GET, "/v1/webhooks/ovh/" + TOKEN + "?id=1&description=%", null, null);
    send(HttpMethod.POST, "/v1/webhooks/ovh/" + TOKEN + "%zz", "application/json", "{}");
    assertNoLineHolds(TOKEN);
  }

  @Test
  void aContactInABrokenQueryIsNotLogged() {
    send(HttpMethod.GET, "/v1/notifications?to=%2B33612345678%&email=alice.martin@univ-test.fr", null, null);
    send(HttpMethod.GET, "/%zz?to=+33612345678", null, null);
    assertNoLineHolds("612345678", "alice.martin");
  }
}
