package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.provider.aws.AwsVoiceProvider;
import fr.sesame.channels.provider.aws.SesEmailProvider;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.Ports;
import fr.sesame.channels.support.FixedContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SES v2 and End User Messaging voice: the AWS SDK, really, against a fake AWS endpoint. */
class AwsProvidersTest {
  static { fr.sesame.testkit.LeakGuard.secret("123456"); } // the code of the messages: never in a log line
  static final Message EMAIL = new Message(ChannelKind.EMAIL, "alice@univ.fr", "Votre code de connexion",
      "Votre code est 123456", "login-code");
  static final Message CALL = new Message(ChannelKind.VOICE, "+33612345678", null,
      "Votre code est : 1, 2, 3, 4, 5, 6.", "login-code");
  final Vertx vertx = Vertx.vertx();
  final FakeHttpServer aws = new FakeHttpServer(vertx);

  @AfterEach
  void close() {
    aws.close();
    vertx.close();
  }

  ChannelProvider provider(String type, String endpoint, Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(Map.of("endpoint", endpoint, "region", "eu-west-3",
        "timeout", "PT10S"));
    options.putAll(extra);
    Map<String, String> env = Map.of("SESAME_PROVIDER_AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
        "SESAME_PROVIDER_AWS_SECRET_ACCESS_KEY", "secret");
    ProviderSettings s = new ProviderSettings("aws", type, options, env);
    return type.equals("ses") ? new SesEmailProvider.Factory().create(FixedContext.of(vertx), s)
        : new AwsVoiceProvider.Factory().create(FixedContext.of(vertx), s);
  }

  ChannelProvider ses() {
    return provider("ses", aws.url(), Map.of("from", "no-reply@sesame.fr"));
  }

  ChannelProvider voice() {
    return provider("aws-voice", aws.url(), Map.of("originationIdentity", "+33900000000"));
  }

  @Test
  void sesSendsASignedSendEmailRequest() {
    aws.reply(200, "{\"MessageId\":\"0102018c-ses-1\"}");
    var receipt = await(ses().send(EMAIL));
    assertThat(receipt.provider()).isEqualTo("aws");
    assertThat(receipt.messageId()).isEqualTo("0102018c-ses-1");
    assertThat(receipt.acceptedAt()).as("the context's clock, not the wall clock").isEqualTo(FixedContext.NOW);
    FakeHttpServer.Request req = aws.requests().get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.uri()).isEqualTo("/v2/email/outbound-emails");
    assertThat(req.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        .contains("/eu-west-3/ses/aws4_request");
    JsonObject body = new JsonObject(req.body());
    assertThat(body.getString("FromEmailAddress")).isEqualTo("no-reply@sesame.fr");
    assertThat(body.getJsonObject("Destination").getJsonArray("ToAddresses").getList()).containsExactly("alice@univ.fr");
    JsonObject simple = body.getJsonObject("Content").getJsonObject("Simple");
    assertThat(simple.getJsonObject("Subject").getString("Data")).isEqualTo("Votre code de connexion");
    assertThat(simple.getJsonObject("Body").getJsonObject("Text").getString("Data")).isEqualTo("Votre code est 123456");
  }

  @Test
  void sesCarriesAttachments() {
    aws.reply(200, "{\"MessageId\":\"m\"}");
    await(ses().send(new Message(ChannelKind.EMAIL, "alice@univ.fr", "s", "t", "vote-receipt",
        java.util.List.of(new fr.sesame.channels.Attachment("recu.pdf", "application/pdf", "%PDF-x".getBytes())))));
    JsonObject file = new JsonObject(aws.requests().get(0).body()).getJsonObject("Content").getJsonObject("Simple")
        .getJsonArray("Attachments").getJsonObject(0);
    assertThat(file.getString("FileName")).isEqualTo("recu.pdf");
    assertThat(file.getString("ContentType")).isEqualTo("application/pdf");
    assertThat(java.util.Base64.getDecoder().decode(file.getString("RawContent"))).isEqualTo("%PDF-x".getBytes());
  }

  @Test
  void sesFailuresAreClassified() {
    aws.reply(400, "{\"message\":\"Email address is not verified.\"}").reply(500, "{}").reply(403, "{}");
    ChannelProvider p = ses();
    assertThat(((ProviderException) failure(p.send(EMAIL))).kind()).as("SES sandbox: our account, not the recipient")
        .isEqualTo(ProviderException.Kind.MISCONFIGURED);
    assertThat(((ProviderException) failure(p.send(EMAIL))).kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(((ProviderException) failure(p.send(EMAIL))).kind()).isEqualTo(ProviderException.Kind.MISCONFIGURED);
    assertThat(aws.requests()).as("the SDK does not retry: the guard does").hasSize(3);
  }

  @Test
  void sesUnreachableIsTransient() {
    ChannelProvider p = provider("ses", "http://127.0.0.1:" + Ports.unused(),
        Map.of("from", "no-reply@sesame.fr"));
    assertThat(((ProviderException) failure(p.send(EMAIL))).kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
  }

  @Test
  void voiceCallIsASignedSendVoiceMessage() {
    aws.reply(200, "{\"MessageId\":\"voice-1\"}");
    var receipt = await(voice().send(CALL));
    assertThat(receipt.messageId()).isEqualTo("voice-1");
    assertThat(receipt.acceptedAt()).as("the context's clock, not the wall clock").isEqualTo(FixedContext.NOW);
    FakeHttpServer.Request req = aws.requests().get(0);
    assertThat(req.header("X-Amz-Target")).isEqualTo("PinpointSMSVoiceV2.SendVoiceMessage");
    assertThat(req.header("Authorization")).contains("/eu-west-3/sms-voice/aws4_request");
    JsonObject body = new JsonObject(req.body());
    assertThat(body.getString("DestinationPhoneNumber")).isEqualTo("+33612345678");
    assertThat(body.getString("OriginationIdentity")).isEqualTo("+33900000000");
    assertThat(body.getString("MessageBody")).isEqualTo(CALL.text());
    assertThat(body.getString("MessageBodyTextType")).isEqualTo("TEXT");
    assertThat(body.getString("VoiceId")).isEqualTo("LEA");
  }

  @Test
  void voiceRejectionOfTheNumberDoesNotLookTransient() {
    aws.reply(400, "{\"__type\":\"ValidationException\",\"Message\":\"Invalid destination\",\"Reason\":\"CANNOT_PARSE\","
        + "\"Fields\":[{\"Name\":\"DestinationPhoneNumber\",\"Message\":\"invalid\"}]}");
    assertThat(((ProviderException) failure(voice().send(CALL))).kind()).isEqualTo(ProviderException.Kind.REJECTED);
  }

  static Message call(String lang) {
    return new Message(ChannelKind.VOICE, "+33612345678", null, "Your code is: 1, 2, 3.", "login-code",
        java.util.List.of(), lang);
  }

  String voiceOf(ChannelProvider p, Message m) {
    aws.reply(200, "{\"MessageId\":\"voice-1\"}");
    await(p.send(m));
    var requests = aws.requests();
    return new JsonObject(requests.get(requests.size() - 1).body()).getString("VoiceId");
  }

  @Test
  void anEnglishCallIsReadByAnEnglishVoiceAndAFrenchOneByLea() {
    ChannelProvider p = voice();
    assertThat(voiceOf(p, call("en"))).isEqualTo("AMY");
    assertThat(voiceOf(p, call("fr"))).isEqualTo("LEA");
    assertThat(voiceOf(p, call(null))).as("no language: the default voice").isEqualTo("LEA");
  }

  @Test
  void eachLanguageVoiceIsConfigurable() {
    ChannelProvider p = provider("aws-voice", aws.url(), Map.of("originationIdentity", "+33900000000",
        "voiceId", "CELINE", "voiceId.en", "joanna"));
    assertThat(voiceOf(p, call("en"))).isEqualTo("JOANNA");
    assertThat(voiceOf(p, call("fr"))).isEqualTo("CELINE");
    assertThat(voiceOf(p, call("de"))).as("a language without a voice: voiceId").isEqualTo("CELINE");
  }

  @Test
  void aVoiceAwsDoesNotKnowStopsStartUp() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> provider("aws-voice", aws.url(),
            Map.of("originationIdentity", "+33900000000", "voiceId.en", "Jonana")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voiceId.en").hasMessageContaining("Jonana");
  }
}
