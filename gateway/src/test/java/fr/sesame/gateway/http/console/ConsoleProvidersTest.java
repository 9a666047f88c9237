package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.config.ChannelsNotifier;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeHttpServer.Reply;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 3, the providers' health page: an SMS chain whose first provider (OVH) refuses our credentials, so
 * a login code falls back to the second (Mailjet); the page shows each provider's circuit, sends, failures, rate and
 * fallbacks, and an open circuit once it opens; support gets 403, another election 404.
 */
class ConsoleProvidersTest {
  static final Vertx vertx = Vertx.vertx();
  static final FakeHttpServer providers = new FakeHttpServer(vertx)
      .route(r -> r.path().endsWith("/auth/time"), r -> Reply.of(200, Long.toString(Instant.now().getEpochSecond())))
      .route(r -> r.path().endsWith("/jobs"), r -> Reply.of(403, "{\"message\":\"Invalid credentials\"}"))
      .route(r -> r.path().endsWith("/v3.1/send"), r -> Reply.of(200, "{\"Messages\":[{\"Status\":\"success\","
          + "\"To\":[{\"Email\":\"x\",\"MessageUUID\":\"u-1\",\"MessageID\":1}]}]}"))
      .route(r -> true, r -> Reply.of(200, "{\"MessageId\":\"mj-1\"}"));
  static final AtomicReference<ChannelsNotifier> built = new AtomicReference<>();
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated((v, registry) -> {
    ChannelsNotifier n = ChannelsConfig.fromMap(Map.of("email", Map.of("chain", List.of("mailjet"), "providers",
        Map.of("mailjet", Map.of("type", "mailjet-email", "from", "no-reply@univ-test.fr", "baseUrl",
            providers.url()))), "sms", Map.of("chain", List.of("ovh", "mailjet-sms"),
        "providers", Map.of(
            "ovh", Map.of("type", "ovh-sms", "endpoint", providers.url() + "/1.0", "serviceName", "sms-t-1",
                "sender", "S"),
            "mailjet-sms", Map.of("type", "mailjet-sms", "baseUrl", providers.url(), "sender", "SESAME")))),
        Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "a", "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "b",
            "SESAME_PROVIDER_OVH_CONSUMER_KEY", "c", "SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "t",
            "SESAME_PROVIDER_MAILJET_API_KEY", "k", "SESAME_PROVIDER_MAILJET_API_SECRET", "s"))
        .build(v, java.time.Clock.systemUTC(), registry);
    built.set(n);
    return n;
  });

  @AfterAll
  static void stop() {
    providers.close();
    vertx.close();
  }

  private static final Pattern LINK = Pattern.compile("/console/invitation/([A-Za-z0-9_-]{43})");

  /** The invitation link of the email sent to {@code to} through the fake Mailjet. */
  static String invitation(String to) {
    FakeHttpServer.Request mail = providers.awaitRequest(r -> r.path().endsWith("/v3.1/send") && r.body().contains(to),
        "the invitation to " + to);
    Matcher m = LINK.matcher(mail.body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String row(String body, String provider) {
    Matcher m = Pattern.compile("<tr id=\"provider-" + provider + "\">(.*?)</tr>").matcher(body);
    assertThat(m.find()).as(provider + " in\n" + body).isTrue();
    return m.group(1);
  }

  @Test
  void theHealthPageShowsEachProvidersCircuitSendsAndFallbacks() throws Exception {
    String el = gw.openElection();
    String other = gw.openElection();
    FormClient organiser = ConsoleOversightTest.staff("orga.providers@univ-test.fr", el, "organiser", gw,
        ConsoleProvidersTest::invitation);
    FormClient support = ConsoleOversightTest.staff("support.providers@univ-test.fr", el, "support", gw,
        ConsoleProvidersTest::invitation);

    assertThat(gw.login(el, "alice", "20231234", "sms").status()).isEqualTo(200);
    long until = System.nanoTime() + 15_000_000_000L;
    while (providers.requests().stream().noneMatch(r -> r.path().contains("sms-send")) && System.nanoTime() < until) {
      Thread.sleep(20);
    }

    FormClient.Page page = organiser.get("/console/e/" + el + "/fournisseurs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("data-seconds=").contains("?auto&#x3D;1");
    assertThat(row(page.body(), "ovh")).contains("SMS", "Fermé (normal)", "<td>0</td><td>1</td>")
        .containsPattern("<td>0\\W%</td>").endsWith("<td>1</td>");
    assertThat(row(page.body(), "mailjet-sms")).contains("Fermé (normal)", "<td>1</td><td>0</td>")
        .containsPattern("<td>100\\W%</td>");
    assertThat(page.body().indexOf("provider-ovh")).as("the chain's order").isLessThan(
        page.body().indexOf("provider-mailjet-sms"));

    built.get().chains().get(ChannelKind.SMS).providers().get(0).circuit().transitionToOpenState();
    FormClient.Page open = organiser.get("/console/e/" + el + "/fournisseurs?auto=1");
    assertThat(row(open.body(), "ovh")).contains("class=\"circuit-open\"", "Ouvert (fournisseur évité)");
    assertThat(open.body()).contains("data-seconds=\"30\"");
    assertThat(organiser.get("/console/e/" + el).body()).contains("href=\"/console/e/" + el + "/fournisseurs\"");

    assertThat(support.get("/console/e/" + el + "/fournisseurs").status()).isEqualTo(403);
    assertThat(organiser.get("/console/e/" + other + "/fournisseurs").status()).isEqualTo(404);
  }
}
