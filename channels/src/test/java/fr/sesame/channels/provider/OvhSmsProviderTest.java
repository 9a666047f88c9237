package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.provider.ovh.OvhSmsProvider;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.Ports;
import fr.sesame.channels.support.FixedContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OVH SMS adapter against a fake of the OVH API that checks the request signature. */
class OvhSmsProviderTest {
  static { fr.sesame.testkit.LeakGuard.secret("123456"); } // the code of the messages: never in a log line
  static final Message SMS = new Message(ChannelKind.SMS, "+33612345678", null, "Sesame : votre code est 123456.",
      "login-code");
  final Vertx vertx = Vertx.vertx();
  final FakeHttpServer ovh = new FakeHttpServer(vertx);
  final Clock clock = Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC);

  /** OVH's clock ({@code GET /auth/time}) reads {@code epochSeconds}; those reads stay out of requests(). */
  FakeHttpServer ovhClockAt(long epochSeconds) {
    return ovh.answerAside("/auth/time", Long.toString(epochSeconds));
  }

  @AfterEach
  void close() {
    ovh.close();
    vertx.close();
  }

  OvhSmsProvider provider(String endpoint) {
    return new OvhSmsProvider("ovh", WebClient.create(vertx), endpoint, "sms-ab12345-1", "SESAME", 10, "app-key",
        "app-secret", "consumer-key", clock);
  }

  @Test
  void sendsASignedJobWithTheClockCorrectedByOvhTime() {
    long ovhNow = clock.instant().getEpochSecond() + 42;
    ovhClockAt(ovhNow).reply(200, "{\"ids\":[123456789],\"validReceivers\":[\"+33612345678\"],"
        + "\"invalidReceivers\":[],\"totalCreditsRemoved\":1}");
    var receipt = await(provider(ovh.url()).send(SMS));
    assertThat(receipt.provider()).isEqualTo("ovh");
    assertThat(receipt.messageId()).isEqualTo("123456789");
    assertThat(receipt.acceptedAt()).isEqualTo(clock.instant());

    FakeHttpServer.Request req = ovh.requests().get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.uri()).isEqualTo("/sms/sms-ab12345-1/jobs");
    assertThat(req.header("X-Ovh-Application")).isEqualTo("app-key");
    assertThat(req.header("X-Ovh-Consumer")).isEqualTo("consumer-key");
    assertThat(req.header("X-Ovh-Timestamp")).isEqualTo(Long.toString(ovhNow));
    String expected = OvhSmsProvider.sign("app-secret", "consumer-key", "POST", ovh.url() + "/sms/sms-ab12345-1/jobs",
        req.body(), Long.toString(ovhNow));
    assertThat(req.header("X-Ovh-Signature")).isEqualTo(expected).startsWith("$1$").hasSize(43);
    JsonObject body = new JsonObject(req.body());
    assertThat(body.getJsonArray("receivers").getList()).containsExactly("+33612345678");
    assertThat(body.getString("message")).isEqualTo(SMS.text());
    assertThat(body.getString("sender")).isEqualTo("SESAME");
    assertThat(body.getBoolean("noStopClause")).isTrue();
  }

  @Test
  void theFactoryTakesTheClockFromTheContext() {
    ovhClockAt(FixedContext.NOW.getEpochSecond() + 42).reply(200, "{\"ids\":[7],\"invalidReceivers\":[]}");
    ChannelProvider p = new OvhSmsProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("ovh",
        "ovh-sms", Map.of("endpoint", ovh.url(), "serviceName", "sms-ab12345-1", "sender", "SESAME"),
        Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "app-key", "SESAME_PROVIDER_OVH_APPLICATION_SECRET",
            "app-secret", "SESAME_PROVIDER_OVH_CONSUMER_KEY", "consumer-key")));
    var receipt = await(p.send(SMS));
    assertThat(receipt.acceptedAt()).as("the context's clock, not the wall clock").isEqualTo(FixedContext.NOW);
    assertThat(ovh.requests().get(0).header("X-Ovh-Timestamp"))
        .as("the context's clock corrected by OVH's").isEqualTo(Long.toString(FixedContext.NOW.getEpochSecond() + 42));
  }

  @Test
  void signatureIsOvhsKnownAnswer() {
    // expected computed outside Java: printf '%s' 'secret+consumer+POST+<url>+{"message":"x"}+1700000000' | sha1sum
    assertThat(OvhSmsProvider.sign("secret", "consumer", "POST", "https://eu.api.ovh.com/1.0/sms/sms-ab12345-1/jobs",
        "{\"message\":\"x\"}", "1700000000")).isEqualTo("$1$006e9a7323c0cf5eee6eeec7e3f097ff826cde02");
  }

  @Test
  void anInvalidReceiverIsARejection() {
    ovhClockAt(clock.instant().getEpochSecond()).reply(200,
        "{\"ids\":[],\"validReceivers\":[],\"invalidReceivers\":[\"+33612345678\"],\"totalCreditsRemoved\":0}");
    var e = (ProviderException) failure(provider(ovh.url()).send(SMS));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.REJECTED);
    assertThat(e.getMessage()).doesNotContain("612345678");
  }

  @Test
  void classifiesHttpFailures() {
    ovhClockAt(clock.instant().getEpochSecond()).reply(500, "{}").reply(401, "{\"message\":\"Invalid signature\"}")
        .reply(400, "{}").replyRetryAfter(429, "7");
    OvhSmsProvider p = provider(ovh.url());
    assertThat(((ProviderException) failure(p.send(SMS))).kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(((ProviderException) failure(p.send(SMS))).kind()).isEqualTo(ProviderException.Kind.MISCONFIGURED);
    assertThat(((ProviderException) failure(p.send(SMS))).kind()).as("a bare 400 is not the recipient's fault")
        .isEqualTo(ProviderException.Kind.MISCONFIGURED);
    ProviderException throttled = (ProviderException) failure(p.send(SMS));
    assertThat(throttled.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(throttled.retryAfter()).hasSeconds(7);
  }

  @Test
  void unreachableApiIsTransient() {
    var e = (ProviderException) failure(provider("http://127.0.0.1:" + Ports.unused()).send(SMS));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
  }
}
