package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.provider.aws.AwsVoiceProvider;
import fr.sesame.channels.provider.aws.SesEmailProvider;
import fr.sesame.channels.provider.maileva.MailevaPostProvider;
import fr.sesame.channels.provider.mailjet.MailjetEmailProvider;
import fr.sesame.channels.provider.mailjet.MailjetSmsProvider;
import fr.sesame.channels.provider.ovh.OvhSmsProvider;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderException.Kind;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.channels.support.FixedContext;
import fr.sesame.testkit.FakeHttpServer;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP rows of the provider error table (docs/design.md, "Provider errors"), one test a row: each
 * provider's real client against a fake of its API answering the documented error.
 */
class ProviderErrorTableTest {
  static final Message SMS = new Message(ChannelKind.SMS, "+33612345678", null, "Code 123456", "login-code");
  static final Message EMAIL = new Message(ChannelKind.EMAIL, "alice@univ.fr", "Code", "Code 123456", "login-code");
  static final Message CALL = new Message(ChannelKind.VOICE, "+33612345678", null, "1, 2, 3", "login-code");
  static final Message LETTER = new Message(ChannelKind.POST, "Mme Chloé Bernard\n12 rue de la Paix\n75002 Paris",
      "Vos codes", "Code 7H3K", "access-letter");
  final Vertx vertx = Vertx.vertx();
  final FakeHttpServer api = new FakeHttpServer(vertx);

  @AfterEach
  void close() {
    api.close();
    vertx.close();
  }

  ChannelProvider ovh() {
    api.answerAside("/auth/time", Long.toString(FixedContext.NOW.getEpochSecond()));
    return new OvhSmsProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("ovh", "ovh-sms",
        Map.of("endpoint", api.url(), "serviceName", "sms-ab12345-1", "sender", "SESAME"),
        Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "ak", "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "as",
            "SESAME_PROVIDER_OVH_CONSUMER_KEY", "ck")));
  }

  ChannelProvider mailjetEmail() {
    return new MailjetEmailProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("mailjet",
        "mailjet-email", Map.of("baseUrl", api.url(), "from", "no-reply@sesame.fr"),
        Map.of("SESAME_PROVIDER_MAILJET_API_KEY", "pub", "SESAME_PROVIDER_MAILJET_API_SECRET", "priv")));
  }

  ChannelProvider mailjetSms() {
    return new MailjetSmsProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("mailjet-sms",
        "mailjet-sms", Map.of("baseUrl", api.url(), "sender", "SESAME"),
        Map.of("SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "tok")));
  }

  ChannelProvider ses() {
    return new SesEmailProvider.Factory().create(FixedContext.of(vertx), aws("ses", Map.of("from", "no-reply@sesame.fr")));
  }

  ChannelProvider voice() {
    return new AwsVoiceProvider.Factory().create(FixedContext.of(vertx),
        aws("aws-voice", Map.of("originationIdentity", "+33900000000")));
  }

  ProviderSettings aws(String type, Map<String, String> extra) {
    Map<String, String> options = new java.util.HashMap<>(Map.of("endpoint", api.url(), "region", "eu-west-3"));
    options.putAll(extra);
    return new ProviderSettings("aws", type, options, Map.of("SESAME_PROVIDER_AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
        "SESAME_PROVIDER_AWS_SECRET_ACCESS_KEY", "secret"));
  }

  ChannelProvider maileva() {
    return new MailevaPostProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("maileva", "maileva",
        Map.of("authUrl", api.url() + "/auth", "apiUrl", api.url() + "/mail/v2", "clientId", "sesame-client"),
        Map.of("SESAME_PROVIDER_MAILEVA_CLIENT_SECRET", "s3cret")));
  }

  static ProviderException fails(ChannelProvider p, Message m) {
    return (ProviderException) failure(p.send(m));
  }

  // ---- OVH: {"errorCode":..., "httpCode":..., "message":...}

  @Test
  void ovhInvalidSignatureIsAMisconfiguration() {
    api.reply(400, "{\"errorCode\":\"INVALID_SIGNATURE\",\"httpCode\":\"400 Bad Request\",\"message\":\"Invalid signature\"}");
    ProviderException e = fails(ovh(), SMS);
    assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURED);
    assertThat(e.getMessage()).contains("INVALID_SIGNATURE");
  }

  @Test
  void ovhInvalidCredentialIsAMisconfiguration() {
    api.reply(403, "{\"errorCode\":\"INVALID_CREDENTIAL\",\"httpCode\":\"403 Forbidden\",\"message\":\"This credential is not valid\"}");
    assertThat(fails(ovh(), SMS).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void ovhNotCredentialIsAMisconfiguration() {
    api.reply(403, "{\"errorCode\":\"NOT_CREDENTIAL\",\"httpCode\":\"403 Forbidden\",\"message\":\"This credential does not exist\"}");
    assertThat(fails(ovh(), SMS).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void ovhQueryTimeOutIsTransientAndOvhsClockIsReadAgain() {
    ChannelProvider p = ovh();
    api.reply(400, "{\"errorCode\":\"QUERY_TIME_OUT\",\"httpCode\":\"400 Bad Request\",\"message\":\"Query out of time\"}")
        .reply(200, "{\"ids\":[1],\"invalidReceivers\":[]}");
    assertThat(fails(p, SMS).kind()).isEqualTo(Kind.TRANSIENT);
    api.answerAside("/auth/time", Long.toString(FixedContext.NOW.getEpochSecond() + 600));
    fr.sesame.testkit.Await.await(p.send(SMS));
    assertThat(api.requests().get(1).header("X-Ovh-Timestamp"))
        .as("signed with OVH's clock read again").isEqualTo(Long.toString(FixedContext.NOW.getEpochSecond() + 600));
  }

  @Test
  void ovhListingTheNumberInInvalidReceiversIsARejection() {
    api.reply(200, "{\"ids\":[],\"validReceivers\":[],\"invalidReceivers\":[\"+33612345678\"],\"totalCreditsRemoved\":0}");
    assertThat(fails(ovh(), SMS).kind()).isEqualTo(Kind.REJECTED);
  }

  @Test
  void ovhCreatingNoJobWithoutNamingTheNumberIsAMisconfiguration() {
    api.reply(200, "{\"ids\":[],\"validReceivers\":[],\"invalidReceivers\":[],\"totalCreditsRemoved\":0}");
    assertThat(fails(ovh(), SMS).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void ovhBadRequestWithoutACodeIsAMisconfiguration() {
    api.reply(400, "{\"message\":\"Invalid value for property receivers\"}");
    assertThat(fails(ovh(), SMS).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  // ---- Mailjet: 401 bad keys; {"ErrorCode":..., "ErrorRelatedTo":[...], "StatusCode":400}

  @Test
  void mailjetEmail401IsAMisconfiguration() {
    api.reply(401, "{\"ErrorMessage\":\"API key authentication/authorization failure\",\"StatusCode\":401}");
    assertThat(fails(mailjetEmail(), EMAIL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void mailjetEmailInvalidToAddressIsARejection() {
    api.reply(400, "{\"Messages\":[{\"Status\":\"error\",\"Errors\":[{\"ErrorIdentifier\":\"e1\",\"ErrorCode\":\"mj-0013\","
        + "\"StatusCode\":400,\"ErrorMessage\":\"\\\"alice@univ.fr\\\" is an invalid email address.\","
        + "\"ErrorRelatedTo\":[\"To[0].Email\"]}]}]}");
    ProviderException e = fails(mailjetEmail(), EMAIL);
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).contains("mj-0013").doesNotContain("alice");
  }

  @Test
  void mailjetEmailInvalidFromAddressIsAMisconfiguration() {
    api.reply(400, "{\"Messages\":[{\"Status\":\"error\",\"Errors\":[{\"ErrorIdentifier\":\"e1\",\"ErrorCode\":\"mj-0013\","
        + "\"StatusCode\":400,\"ErrorMessage\":\"\\\"no-reply@sesame.fr\\\" is an invalid email address.\","
        + "\"ErrorRelatedTo\":[\"From.Email\"]}]}]}");
    assertThat(fails(mailjetEmail(), EMAIL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void mailjetEmail403IsAMisconfiguration() {
    api.reply(403, "{\"ErrorMessage\":\"Forbidden\",\"StatusCode\":403}");
    assertThat(fails(mailjetEmail(), EMAIL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void mailjetSmsInvalidToIsARejection() {
    api.reply(400, "{\"ErrorIdentifier\":\"e2\",\"ErrorCode\":\"sms-0002\",\"StatusCode\":400,"
        + "\"ErrorMessage\":\"Invalid 'To' phone number\",\"ErrorRelatedTo\":[\"To\"]}");
    assertThat(fails(mailjetSms(), SMS).kind()).isEqualTo(Kind.REJECTED);
  }

  @Test
  void mailjetSmsErrorAboutTheSenderIsAMisconfiguration() {
    api.reply(400, "{\"ErrorIdentifier\":\"e3\",\"ErrorCode\":\"sms-0001\",\"StatusCode\":400,"
        + "\"ErrorMessage\":\"Invalid 'From'\",\"ErrorRelatedTo\":[\"From\"]}");
    assertThat(fails(mailjetSms(), SMS).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void mailjetSms401IsAMisconfiguration() {
    api.reply(401, "{\"ErrorMessage\":\"Unauthorized\",\"StatusCode\":401}");
    assertThat(fails(mailjetSms(), SMS).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  // ---- SES v2 (REST-JSON: the error's type in the body)

  @Test
  void sesInvalidClientTokenIdIsAMisconfiguration() {
    api.reply(403, "{\"__type\":\"InvalidClientTokenId\",\"message\":\"The security token included in the request is invalid.\"}");
    ProviderException e = fails(ses(), EMAIL);
    assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURED);
    assertThat(e.getMessage()).contains("InvalidClientTokenId");
  }

  @Test
  void sesSignatureDoesNotMatchIsAMisconfiguration() {
    api.reply(403, "{\"__type\":\"SignatureDoesNotMatch\",\"message\":\"The request signature we calculated does not match\"}");
    assertThat(fails(ses(), EMAIL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void sesMessageRejectedIsAMisconfiguration() {
    api.reply(400, "{\"__type\":\"MessageRejected\",\"message\":\"Email address is not verified.\"}");
    assertThat(fails(ses(), EMAIL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void sesSuspendedAccountIsAMisconfiguration() {
    api.reply(400, "{\"__type\":\"AccountSuspendedException\",\"message\":\"account suspended\"}");
    assertThat(fails(ses(), EMAIL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void sesBadRequestIsAMisconfigurationNotARejection() {
    api.reply(400, "{\"__type\":\"BadRequestException\",\"message\":\"Missing final '@domain'\"}");
    assertThat(fails(ses(), EMAIL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void sesThrottlingIsTransientEvenWith400() {
    api.reply(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")
        .reply(429, "{\"__type\":\"TooManyRequestsException\",\"message\":\"Too many requests\"}");
    ChannelProvider p = ses();
    assertThat(fails(p, EMAIL).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(fails(p, EMAIL).kind()).isEqualTo(Kind.TRANSIENT);
  }

  // ---- AWS voice (JSON 1.0: {"__type":..., "Reason":..., "Fields":[{"Name":...}]})

  @Test
  void voiceInvalidDestinationNumberIsARejection() {
    api.reply(400, "{\"__type\":\"ValidationException\",\"Message\":\"invalid\",\"Reason\":\"CANNOT_PARSE\","
        + "\"Fields\":[{\"Name\":\"DestinationPhoneNumber\",\"Message\":\"not E.164\"}]}");
    assertThat(fails(voice(), CALL).kind()).isEqualTo(Kind.REJECTED);
  }

  @Test
  void voiceValidationErrorAboutOurRequestIsAMisconfiguration() {
    api.reply(400, "{\"__type\":\"ValidationException\",\"Message\":\"invalid\",\"Reason\":\"INVALID_PARAMETER\","
        + "\"Fields\":[{\"Name\":\"OriginationIdentity\",\"Message\":\"unknown\"}]}");
    assertThat(fails(voice(), CALL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void voiceAccessDeniedIsAMisconfiguration() {
    api.reply(400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"denied\",\"Reason\":\"ACCOUNT_DISABLED\"}");
    assertThat(fails(voice(), CALL).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void voiceOptedOutNumberIsARejection() {
    api.reply(400, "{\"__type\":\"ConflictException\",\"Message\":\"opted out\","
        + "\"Reason\":\"DESTINATION_PHONE_NUMBER_OPTED_OUT\",\"ResourceType\":\"phone-number\",\"ResourceId\":\"x\"}");
    assertThat(fails(voice(), CALL).kind()).isEqualTo(Kind.REJECTED);
  }

  // ---- Maileva: OAuth2 token (RFC 6749 §5.2), then the mail API

  @Test
  void mailevaTokenRefused401IsAMisconfiguration() {
    api.reply(401, "{\"error\":\"invalid_client\"}");
    assertThat(fails(maileva(), LETTER).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void mailevaTokenRefused400IsAMisconfiguration() {
    api.reply(400, "{\"error\":\"invalid_grant\",\"error_description\":\"bad credentials\"}");
    assertThat(fails(maileva(), LETTER).kind()).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void mailevaValidationErrorIsAMisconfiguration() {
    api.reply(200, "{\"access_token\":\"tok\",\"expires_in\":3600}").reply(201, "{\"id\":\"sending-1\"}")
        .reply(400, "{\"code\":\"INVALID_REQUEST\",\"message\":\"address_line_6 is invalid\"}").reply(204, "");
    assertThat(fails(maileva(), LETTER).kind()).isEqualTo(Kind.MISCONFIGURED);
  }
}
