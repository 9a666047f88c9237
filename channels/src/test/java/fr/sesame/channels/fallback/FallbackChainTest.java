package fr.sesame.channels.fallback;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.config.ChannelsNotifier;
import fr.sesame.channels.Message;
import fr.sesame.channels.NotificationException;
import fr.sesame.channels.RejectedMessageException;
import ch.qos.logback.classic.Level;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.LogCapture;
import fr.sesame.testkit.Ports;
import fr.sesame.testkit.TestClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SMS chain OVH → Mailjet, built from configuration as in production, the real adapters talking to fakes
 * of both APIs.
 */
class FallbackChainTest {
  static { fr.sesame.testkit.LeakGuard.secret("123456"); } // the code of the messages: never in a log line
  static final Message SMS = new Message(ChannelKind.SMS, "+33612345678", null, "Votre code est 123456", "login-code");
  static final String OVH_OK = "{\"ids\":[42],\"validReceivers\":[\"+33612345678\"],\"invalidReceivers\":[]}";
  static final String MAILJET_OK = "{\"MessageId\":\"mj-1\",\"Status\":{\"Code\":2,\"Name\":\"sent\"}}";

  final Vertx vertx = Vertx.vertx();
  final FakeHttpServer ovh = new FakeHttpServer(vertx)
      .answerAside("/auth/time", Long.toString(Instant.now().getEpochSecond()));
  final FakeHttpServer mailjet = new FakeHttpServer(vertx);
  // far from the machine's clock: a time read from the wall clock would not match it
  final TestClock clock = new TestClock(Instant.parse("2020-03-15T09:30:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final LogCapture logs = new LogCapture(GuardedProvider.class, FallbackChain.class);

  @AfterEach
  void close() {
    logs.close();
    ovh.close();
    mailjet.close();
    vertx.close();
  }

  ChannelsNotifier notifier(String ovhEndpoint, String ovhTimeout) {
    Map<String, Object> ovhBlock = new HashMap<>(Map.of("type", "ovh-sms", "endpoint", ovhEndpoint,
        "serviceName", "sms-ab12345-1", "sender", "SESAME", "timeout", ovhTimeout, "backoff", "PT0.01S",
        "circuitWaitInOpen", "PT30S"));
    Map<String, Object> section = Map.of("sms", Map.of("chain", List.of("ovh", "mailjet-sms"), "providers", Map.of(
        "ovh", ovhBlock,
        "mailjet-sms", Map.of("type", "mailjet-sms", "baseUrl", mailjet.url(), "sender", "SESAME"))));
    Map<String, String> env = Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "ak",
        "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "as", "SESAME_PROVIDER_OVH_CONSUMER_KEY", "ck",
        "SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "tok");
    return ChannelsConfig.fromMap(section, env).build(vertx, clock, registry);
  }

  ChannelsNotifier notifier() {
    return notifier(ovh.url(), "PT1S");
  }

  @Test
  void usesThePrimaryWhenItWorks() {
    ovh.reply(200, OVH_OK);
    assertThat(await(notifier().send(SMS)).provider()).isEqualTo("ovh");
    assertThat(mailjet.requests()).isEmpty();
  }

  @Test
  void fallsBackWhenThePrimaryAnswers500AfterRetryingIt() {
    ovh.reply(500, "{}");
    mailjet.reply(200, MAILJET_OK);
    var receipt = await(notifier().send(SMS));
    assertThat(receipt.provider()).isEqualTo("mailjet-sms");
    assertThat(ovh.requests()).hasSize(2); // one retry on the primary
    assertThat(mailjet.requests()).hasSize(1);
    assertThat(registry.counter("sesame.provider.fallbacks", "from", "ovh", "to", "mailjet-sms").count()).isEqualTo(1);
  }

  @Test
  void logsEachFailedCallAndTheFallbackWithoutTheRecipientOrTheText() {
    ovh.reply(500, "{}");
    mailjet.reply(200, MAILJET_OK);
    assertThat(await(notifier().send(SMS)).provider()).isEqualTo("mailjet-sms");
    assertThat(logs.lines(Level.WARN)).hasSize(3).satisfiesExactly(
        l -> assertThat(l).startsWith("WARN GuardedProvider: provider ovh failed: transient (ovh answered HTTP 500); "
            + "retry 2 of 2 in "),
        l -> assertThat(l).isEqualTo("WARN GuardedProvider: provider ovh failed: transient (ovh answered HTTP 500); "
            + "no more attempts on it (attempt 2)"),
        l -> assertThat(l).isEqualTo(
            "WARN FallbackChain: sms fallback from ovh to mailjet-sms: transient (ovh answered HTTP 500)"));
    assertThat(String.join("\n", logs.lines(Level.TRACE))).doesNotContain("612345678", "123456", "Votre code");
  }

  @Test
  void aRejectedRecipientIsOneFailureLineAndNoFallback() {
    ovh.reply(200, "{\"ids\":[],\"validReceivers\":[],\"invalidReceivers\":[\"+33612345678\"]}");
    failure(notifier().send(SMS));
    assertThat(logs.lines(Level.WARN)).containsExactly(
        "WARN GuardedProvider: provider ovh failed: rejected (ovh refused the receiver); no more attempts on it (attempt 1)");
  }

  @Test
  void attemptAndReceiptTimesComeFromTheInjectedClock() {
    ovh.reply(500, "{}");
    mailjet.reply(200, MAILJET_OK);
    Instant start = clock.instant();
    List<String> attempts = new CopyOnWriteArrayList<>();
    var receipt = await(notifier().send(SMS, (provider, at, outcome) -> {
      attempts.add(provider + " " + outcome + " " + at);
      clock.advance(Duration.ofMinutes(1)); // each time is read when its attempt ends, not once per send
    }));
    assertThat(attempts).containsExactly(
        "ovh transient " + start,                              // retried
        "ovh transient " + start.plusSeconds(60),              // given up: the next provider
        "mailjet-sms accepted " + start.plusSeconds(120));
    assertThat(receipt.acceptedAt()).isEqualTo(start.plusSeconds(120));
  }

  @Test
  void fallsBackWhenThePrimaryTimesOut() {
    ovh.replyAfter(1500, 200, OVH_OK);
    mailjet.reply(200, MAILJET_OK);
    assertThat(await(notifier(ovh.url(), "PT0.3S").send(SMS)).provider()).isEqualTo("mailjet-sms");
  }

  @Test
  void fallsBackWhenThePrimaryRefusesConnections() {
    mailjet.reply(200, MAILJET_OK);
    var notifier = notifier("http://127.0.0.1:" + Ports.unused(), "PT1S");
    assertThat(await(notifier.send(SMS)).provider()).isEqualTo("mailjet-sms");
  }

  @Test
  void aPermanentRejectionDoesNotFallBack() {
    ovh.reply(200, "{\"ids\":[],\"validReceivers\":[],\"invalidReceivers\":[\"+33612345678\"]}");
    mailjet.reply(200, MAILJET_OK);
    Throwable e = failure(notifier().send(SMS));
    assertThat(e).isInstanceOf(RejectedMessageException.class);
    assertThat(ovh.requests()).hasSize(1); // no retry either
    assertThat(mailjet.requests()).isEmpty();
  }

  @Test
  void aWrongOvhSecretFallsBackAtOnceAndChargesOvhsCircuit() {
    // what OVH answers a request signed with a wrong application secret
    ovh.reply(400, "{\"errorCode\":\"INVALID_SIGNATURE\",\"httpCode\":\"400 Bad Request\",\"message\":\"Invalid signature\"}");
    mailjet.reply(200, MAILJET_OK);
    ChannelsNotifier notifier = notifier();
    assertThat(await(notifier.send(SMS)).provider()).isEqualTo("mailjet-sms");
    assertThat(ovh.requests()).as("no retry: the same signature would fail again").hasSize(1);
    CircuitBreaker circuit = notifier.chains().get(ChannelKind.SMS).providers().get(0).circuit();
    assertThat(circuit.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void aRevokedOvhConsumerKeyFallsBack() {
    ovh.reply(403, "{\"errorCode\":\"INVALID_CREDENTIAL\",\"httpCode\":\"403 Forbidden\",\"message\":\"This credential is not valid\"}");
    mailjet.reply(200, MAILJET_OK);
    assertThat(await(notifier().send(SMS)).provider()).isEqualTo("mailjet-sms");
  }

  @Test
  void anInvalidNumberAtTheSecondProviderStopsTheChainWithoutChargingItsCircuit() {
    ovh.reply(503, "{}");
    mailjet.reply(400, "{\"ErrorIdentifier\":\"e\",\"ErrorCode\":\"sms-0002\",\"StatusCode\":400,"
        + "\"ErrorMessage\":\"Invalid 'To'\",\"ErrorRelatedTo\":[\"To\"]}");
    ChannelsNotifier notifier = notifier();
    assertThat(failure(notifier.send(SMS))).isInstanceOf(RejectedMessageException.class);
    assertThat(mailjet.requests()).hasSize(1);
    CircuitBreaker circuit = notifier.chains().get(ChannelKind.SMS).providers().get(1).circuit();
    assertThat(circuit.getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void honoursRetryAfterOnThrottling() {
    ovh.replyRetryAfter(429, "0").reply(200, OVH_OK);
    assertThat(await(notifier().send(SMS)).provider()).isEqualTo("ovh");
    assertThat(ovh.requests()).hasSize(2);
    assertThat(mailjet.requests()).isEmpty();
  }

  @Test
  void aThrottleLongerThanTheBackoffLimitMovesOnAtOnce() {
    ovh.replyRetryAfter(429, "60");
    mailjet.reply(200, MAILJET_OK);
    assertThat(await(notifier().send(SMS)).provider()).isEqualTo("mailjet-sms");
    assertThat(ovh.requests()).hasSize(1);
  }

  @Test
  void exhaustedChainFailsVisibly() {
    ovh.reply(503, "{}");
    mailjet.reply(503, "{}");
    Throwable e = failure(notifier().send(SMS));
    assertThat(e).isInstanceOf(NotificationException.class).isNotInstanceOf(RejectedMessageException.class);
    assertThat(e.getMessage()).contains("every sms provider failed").doesNotContain("612345678");
    assertThat(registry.counter("sesame.channel.exhausted", "channel", "sms").count()).isEqualTo(1);
  }

  @Test
  void circuitOpensAfterRepeatedFailuresThenClosesWhenThePrimaryRecovers() {
    ovh.reply(500, "{}");
    mailjet.reply(200, MAILJET_OK);
    ChannelsNotifier notifier = notifier();
    CircuitBreaker circuit = notifier.chains().get(ChannelKind.SMS).providers().get(0).circuit();
    for (int i = 0; i < 5; i++) { // 2 attempts each: 10 failed calls reach the minimum of the window
      assertThat(await(notifier.send(SMS)).provider()).isEqualTo("mailjet-sms");
    }
    assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(logs.lines(Level.WARN)).filteredOn(l -> l.contains("circuit")).singleElement().asString()
        .startsWith("WARN GuardedProvider: provider ovh circuit open (CLOSED -> OPEN): sends skip it for a while; "
            + "failure rate 100.0%");
    int ovhCalls = ovh.requests().size();
    assertThat(await(notifier.send(SMS)).provider()).isEqualTo("mailjet-sms");
    assertThat(ovh.requests()).as("an open circuit skips the primary").hasSize(ovhCalls);

    ovh.reply(200, OVH_OK);
    clock.advance(Duration.ofSeconds(31));
    for (int i = 0; i < 3; i++) { // the half-open trial calls succeed
      assertThat(await(notifier.send(SMS)).provider()).isEqualTo("ovh");
    }
    assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(logs.lines(Level.INFO)).filteredOn(l -> l.contains("circuit")).containsExactly(
        "WARN GuardedProvider: provider ovh circuit open (CLOSED -> OPEN): sends skip it for a while; "
            + "failure rate 100.0%, slow calls 0.0%",
        "INFO GuardedProvider: provider ovh circuit OPEN -> HALF_OPEN",
        "WARN GuardedProvider: provider ovh circuit closed again (HALF_OPEN -> CLOSED): sends go to it");
  }
}
