package fr.sesame.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.config.ChannelsNotifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad channel configuration stops start-up with a message that names the setting. */
class ChannelsConfigTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  private static Map<String, Object> sms(Map<String, Object> provider) {
    return Map.of("sms", Map.of("chain", List.of("p"), "providers", Map.of("p", provider)));
  }

  private ChannelsNotifier build(Map<String, Object> section, Map<String, String> env) {
    return ChannelsConfig.fromMap(section, env).build(vertx, Clock.systemUTC(), new SimpleMeterRegistry());
  }

  @Test
  void secretsInTheFileAreRefused() {
    assertThatThrownBy(() -> ChannelsConfig.fromMap(sms(Map.of("type", "mailjet-sms", "sender", "S",
        "apiToken", "oops")), Map.of()))
        .hasMessageContaining("SESAME_PROVIDER_P_API_TOKEN");
  }

  @Test
  void missingSecretInTheEnvironmentIsNamed() {
    assertThatThrownBy(() -> build(sms(Map.of("type", "mailjet-sms", "sender", "S")), Map.of()))
        .hasMessageContaining("SESAME_PROVIDER_P_API_TOKEN");
  }

  @Test
  void unknownTypeListsTheKnownOnes() {
    assertThatThrownBy(() -> build(sms(Map.of("type", "carrier-pigeon")), Map.of()))
        .hasMessageContaining("carrier-pigeon").hasMessageContaining("ovh-sms").hasMessageContaining("smtp");
  }

  @Test
  void aChainMayOnlyNameConfiguredProvidersOfItsChannel() {
    assertThatThrownBy(() -> ChannelsConfig.fromMap(Map.of("sms", Map.of("chain", List.of("nope"),
        "providers", Map.of())), Map.of())).hasMessageContaining("nope");
    assertThatThrownBy(() -> build(Map.of("sms", Map.of("chain", List.of("mail"), "providers", Map.of("mail",
        Map.of("type", "smtp", "host", "h", "from", "a@b.fr")))), Map.of()))
        .hasMessageContaining("sends email, not sms");
    assertThatThrownBy(() -> ChannelsConfig.fromMap(Map.of("fax", Map.of()), Map.of()))
        .hasMessageContaining("fax");
  }

  @Test
  void aValidSectionBuildsOneChainPerChannel() {
    ChannelsNotifier n = build(Map.of(
        "sms", Map.of("chain", List.of("m"), "providers", Map.of("m", Map.of("type", "mailjet-sms", "sender", "S"))),
        "email", Map.of("chain", List.of("s"), "providers", Map.of("s",
            Map.of("type", "smtp", "host", "127.0.0.1", "from", "a@b.fr", "starttls", "optional")))),
        Map.of("SESAME_PROVIDER_M_API_TOKEN", "t"));
    assertThat(n.chains()).containsOnlyKeys(ChannelKind.SMS, ChannelKind.EMAIL);
    assertThat(n.send(new Message(ChannelKind.VOICE, "+33612345678", null, "x", "login-code")).cause())
        .isInstanceOf(NotificationException.class).hasMessageContaining("voice");
  }

  @Test
  void aWebhookAnswersOnlyItsOwnTokenThroughTheNotifierInterface() {
    String token = fr.sesame.testkit.LeakGuard.secret("0123456789abcdef-secret");
    Notifier n = build(Map.of("email", Map.of("chain", List.of("m", "s"), "providers", Map.of(
        "m", Map.of("type", "mailjet-email", "from", "a@b.fr"),
        "s", Map.of("type", "smtp", "host", "127.0.0.1", "from", "a@b.fr")))),
        Map.of("SESAME_PROVIDER_M_API_KEY", "k", "SESAME_PROVIDER_M_API_SECRET", "s",
            "SESAME_PROVIDER_M_WEBHOOK_TOKEN", token));
    assertThat(n.webhook("m", token)).isPresent();
    assertThat(n.webhook("m", token + "x")).isEmpty();
    assertThat(n.webhook("m", null)).isEmpty();
    assertThat(n.webhook("s", token)).as("no webhook secret, no webhook").isEmpty();
    assertThat(n.webhook("nobody", token)).isEmpty();
    assertThat(new NoProviderNotifier().webhook("m", token)).as("the interface's default").isEmpty();
  }

  @Test
  void aMisspeltOptionIsNamedAsUnknownWithTheNearestOneNotAsAnotherMissing() {
    assertThatThrownBy(() -> ChannelsConfig.fromMap(sms(Map.of("type", "mailjet-sms", "sendr", "SESAME")),
        Map.of("SESAME_PROVIDER_P_API_TOKEN", "t")))
        .hasMessageContaining("channels.sms.providers.p.sendr: unknown option 'sendr' of mailjet-sms; did you mean 'sender'?")
        .hasMessageNotContaining("is required");
  }

  @Test
  void everyProblemOfTheSectionIsReportedAtOnceWithItsPath() {
    Map<String, Object> section = Map.of(
        "sms", Map.of("chain", List.of("ovh", "mailjet"), "providers", Map.of(
            "ovh", Map.of("type", "ovh-sms", "serviceName", "sms-1", "validityMinutes", "ten", "timeout", "3s"),
            "mailjet", Map.of("type", "mailjet-sms", "sender", "S"))),
        "email", Map.of("chain", List.of("smtp"), "providers", Map.of(
            "smtp", Map.of("type", "smtpp", "host", "h"))),
        "emial", Map.of());
    assertThatThrownBy(() -> ChannelsConfig.fromMap(section, Map.of()))
        .isInstanceOf(fr.sesame.channels.config.ConfigException.class)
        .hasMessageContaining("channels.sms.providers.ovh.validityMinutes: must be a whole number, not \"ten\"")
        .hasMessageContaining("channels.sms.providers.ovh.timeout: must be an ISO-8601 duration")
        .hasMessageContaining("channels.email.providers.smtp.type: unknown provider type 'smtpp'; did you mean 'smtp'?")
        .hasMessageContaining("channels.emial: unknown channel 'emial'; did you mean 'email'?")
        .hasMessageContaining("environment: missing variables SESAME_PROVIDER_OVH_APPLICATION_KEY")
        .hasMessageContaining("SESAME_PROVIDER_OVH_APPLICATION_SECRET")
        .hasMessageContaining("SESAME_PROVIDER_OVH_CONSUMER_KEY")
        .hasMessageContaining("SESAME_PROVIDER_MAILJET_API_TOKEN");
  }
}
