package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.channels.provider.mailjet.MailjetEmailProvider;
import fr.sesame.channels.provider.mailjet.MailjetSmsProvider;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.Ports;
import fr.sesame.channels.support.FixedContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Mailjet SDK, really, against a fake of the Mailjet API that checks what it receives. */
class MailjetProvidersTest {
  static { fr.sesame.testkit.LeakGuard.secret("123456"); } // the code of the messages: never in a log line
  static final Message EMAIL = new Message(ChannelKind.EMAIL, "alice@univ.fr", "Votre code de connexion",
      "Votre code est 123456", "login-code");
  static final Message SMS = new Message(ChannelKind.SMS, "+33612345678", null, "Votre code est 123456", "login-code");
  final Vertx vertx = Vertx.vertx();
  final FakeHttpServer mailjet = new FakeHttpServer(vertx);

  @AfterEach
  void close() {
    mailjet.close();
    vertx.close();
  }

  ChannelProvider email() {
    return new MailjetEmailProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("mailjet",
        "mailjet-email", Map.of("baseUrl", mailjet.url(), "from", "no-reply@sesame.fr"),
        Map.of("SESAME_PROVIDER_MAILJET_API_KEY", "pub", "SESAME_PROVIDER_MAILJET_API_SECRET", "priv")));
  }

  ChannelProvider sms() {
    return new MailjetSmsProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("mailjet-sms",
        "mailjet-sms", Map.of("baseUrl", mailjet.url(), "sender", "SESAME"),
        Map.of("SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "tok")));
  }

  @Test
  void sendsEmailThroughSendApiV31() {
    mailjet.reply(200, "{\"Messages\":[{\"Status\":\"success\",\"To\":[{\"Email\":\"alice@univ.fr\","
        + "\"MessageUUID\":\"1ab23cd4\",\"MessageID\":288230376}]}]}");
    var receipt = await(email().send(EMAIL));
    assertThat(receipt.provider()).isEqualTo("mailjet");
    assertThat(receipt.messageId()).isEqualTo("1ab23cd4");
    assertThat(receipt.acceptedAt()).as("the context's clock, not the wall clock").isEqualTo(FixedContext.NOW);
    FakeHttpServer.Request req = mailjet.requests().get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.uri()).isEqualTo("/v3.1/send");
    assertThat(req.header("Authorization")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("pub:priv".getBytes(StandardCharsets.UTF_8)));
    JsonObject msg = new JsonObject(req.body()).getJsonArray("Messages").getJsonObject(0);
    assertThat(msg.getJsonObject("From").getString("Email")).isEqualTo("no-reply@sesame.fr");
    assertThat(msg.getJsonArray("To").getJsonObject(0).getString("Email")).isEqualTo("alice@univ.fr");
    assertThat(msg.getString("Subject")).isEqualTo("Votre code de connexion");
    assertThat(msg.getString("TextPart")).isEqualTo("Votre code est 123456");
  }

  @Test
  void attachmentsGoAsBase64() {
    mailjet.reply(200, "{\"Messages\":[{\"Status\":\"success\",\"To\":[{\"MessageUUID\":\"u\"}]}]}");
    await(email().send(new Message(ChannelKind.EMAIL, "alice@univ.fr", "s", "t", "vote-receipt",
        java.util.List.of(new fr.sesame.channels.Attachment("recu.pdf", "application/pdf", "%PDF-x".getBytes())))));
    JsonObject file = new JsonObject(mailjet.requests().get(0).body()).getJsonArray("Messages").getJsonObject(0)
        .getJsonArray("Attachments").getJsonObject(0);
    assertThat(file.getString("Filename")).isEqualTo("recu.pdf");
    assertThat(file.getString("ContentType")).isEqualTo("application/pdf");
    assertThat(Base64.getDecoder().decode(file.getString("Base64Content"))).isEqualTo("%PDF-x".getBytes());
  }

  @Test
  void messageLevelErrorIsARejection() {
    mailjet.reply(400, "{\"Messages\":[{\"Status\":\"error\",\"Errors\":[{\"ErrorCode\":\"mj-0013\","
        + "\"StatusCode\":400,\"ErrorMessage\":\"is an invalid email address.\",\"ErrorRelatedTo\":[\"To[0].Email\"]}]}]}");
    var e = (ProviderException) failure(email().send(EMAIL));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.REJECTED);
    assertThat(e.getMessage()).contains("mj-0013").doesNotContain("alice");
  }

  @Test
  void classifiesHttpFailures() {
    mailjet.reply(503, "{}").reply(401, "{}").reply(429, "{}");
    ChannelProvider p = email();
    assertThat(((ProviderException) failure(p.send(EMAIL))).kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(((ProviderException) failure(p.send(EMAIL))).kind()).isEqualTo(ProviderException.Kind.MISCONFIGURED);
    assertThat(((ProviderException) failure(p.send(EMAIL))).kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
  }

  @Test
  void sendsSmsWithTheBearerToken() {
    mailjet.reply(200, "{\"From\":\"SESAME\",\"To\":\"+33612345678\",\"Text\":\"x\",\"MessageId\":\"2034075536\","
        + "\"SmsCount\":1,\"Status\":{\"Code\":2,\"Name\":\"sent\"}}");
    var receipt = await(sms().send(SMS));
    assertThat(receipt.messageId()).isEqualTo("2034075536");
    assertThat(receipt.acceptedAt()).as("the context's clock, not the wall clock").isEqualTo(FixedContext.NOW);
    FakeHttpServer.Request req = mailjet.requests().get(0);
    assertThat(req.uri()).isEqualTo("/v4/sms-send");
    assertThat(req.header("Authorization")).isEqualTo("Bearer tok");
    JsonObject body = new JsonObject(req.body());
    assertThat(body.getString("From")).isEqualTo("SESAME");
    assertThat(body.getString("To")).isEqualTo("+33612345678");
    assertThat(body.getString("Text")).isEqualTo(SMS.text());
  }

  @Test
  void unreachableApiIsTransient() {
    ChannelProvider p = new MailjetSmsProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings(
        "mailjet-sms", "mailjet-sms",
        Map.of("baseUrl", "http://127.0.0.1:" + Ports.unused(), "sender", "SESAME"),
        Map.of("SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "tok")));
    assertThat(((ProviderException) failure(p.send(SMS))).kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
  }

  /** Mailjet's SMS status body, as its API documentation shows it. */
  static String smsStatus(int code, String name) {
    return "{\"Data\":[{\"From\":\"SESAME\",\"To\":\"+33612345678\",\"Status\":{\"Code\":" + code
        + ",\"Name\":\"" + name + "\",\"Description\":\"d\"},\"MessageId\":\"744ecf8c\",\"SMSCount\":1}]}";
  }

  @Test
  void smsDeliveryStatusIsAskedOfTheSmsApiAndOnlyFinalStatusesAnswer() {
    var polling = (fr.sesame.channels.DeliveryStatusPolling) sms();
    mailjet.reply(200, smsStatus(2, "sent"));
    assertThat(await(polling.poll("744ecf8c"))).as("sent is not final").isEmpty();
    FakeHttpServer.Request req = mailjet.requests().get(0);
    assertThat(req.method()).isEqualTo("GET");
    assertThat(req.uri()).isEqualTo("/v4/sms/744ecf8c");
    assertThat(req.header("Authorization")).isEqualTo("Bearer tok");

    mailjet.reply(200, smsStatus(3, "delivered"));
    var delivered = await(polling.poll("744ecf8c"));
    assertThat(delivered).hasValueSatisfying(r -> assertThat(r.delivered()).isTrue());

    mailjet.reply(200, smsStatus(5, "rejected_undelivered"));
    var undelivered = await(polling.poll("744ecf8c")).orElseThrow();
    assertThat(undelivered.delivered()).isFalse();
    assertThat(undelivered.reason()).isEqualTo("rejected_undelivered");

    mailjet.reply(200, smsStatus(1, "sent_pending"));
    assertThat(await(polling.poll("744ecf8c"))).isEmpty();
    mailjet.reply(503, "{}");
    assertThat(failure(polling.poll("744ecf8c"))).isInstanceOf(ProviderException.class);
    mailjet.reply(200, "not json");
    assertThat(failure(polling.poll("744ecf8c"))).isInstanceOf(ProviderException.class);
  }
}
