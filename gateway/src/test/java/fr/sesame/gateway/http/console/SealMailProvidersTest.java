package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.evidence.Seal;
import fr.sesame.gateway.evidence.SealNotice;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.EmailAttachments;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeHttpServer.Reply;
import fr.sesame.testkit.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, point 1, end to end with the real email adapters: an election sealed through the API, its notice queued
 * in the outbox with the sealing PDF, Mailjet down for it (503), the fallback to SES carrying the same PDF. Each
 * fake reads the file back as its provider would; PDFBox reads the election and the seal's number in it.
 */
class SealMailProvidersTest {
  static final String MAILJET_OK = "{\"Messages\":[{\"Status\":\"success\",\"To\":[{\"MessageUUID\":\"mj-1\"}]}]}";
  static final Pattern LINK = Pattern.compile("/console/invitation/([A-Za-z0-9_-]{43})");
  static Vertx vertx;
  static FakeHttpServer mailjet;
  static FakeHttpServer ses;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    // Mailjet sends the invitations and is down for the seal's notice: the chain falls back to SES
    mailjet = new FakeHttpServer(vertx)
        .route(r -> r.body().contains("scellement-"), r -> Reply.of(503, "{}"))
        .route(r -> true, r -> Reply.of(200, MAILJET_OK));
    ses = new FakeHttpServer(vertx).route(r -> true, r -> Reply.of(200, "{\"MessageId\":\"ses-1\"}"));
    Map<String, Object> providers = Map.of(
        "mailjet", Map.of("type", "mailjet-email", "baseUrl", mailjet.url(), "from", "no-reply@sesame.fr"),
        "ses", Map.of("type", "ses", "endpoint", ses.url(), "region", "eu-west-3", "from", "no-reply@sesame.fr",
            "timeout", "PT10S"));
    Map<String, String> env = Map.of("SESAME_PROVIDER_MAILJET_API_KEY", "k", "SESAME_PROVIDER_MAILJET_API_SECRET", "s",
        "SESAME_PROVIDER_SES_ACCESS_KEY_ID", "AKIDEXAMPLE", "SESAME_PROVIDER_SES_SECRET_ACCESS_KEY", "secret");
    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of("email",
        Map.of("chain", List.of("mailjet", "ses"), "providers", providers)), env);
    // with the console (its issuer set): the bureau member is invited and activated through it
    gw = TestGateway.isolated((v, registry) -> channels.build(v, java.time.Clock.systemUTC(), registry));
  }

  @AfterAll
  static void stop() {
    gw.close();
    mailjet.close();
    ses.close();
    vertx.close();
  }

  /** Invites a bureau member, reads the invitation where Mailjet received it, and activates the account. */
  private static void bureauMember(String email, String el) {
    assertThat(ConsoleFixtures.invite(gw, email, el, "bureau").status()).isEqualTo(201);
    FakeHttpServer.Request invitation = mailjet.awaitRequest(r -> r.body().contains(email)
        && r.body().contains("/console/invitation/"), "the invitation to " + email);
    String text = new JsonObject(invitation.body()).getJsonArray("Messages").getJsonObject(0).getString("TextPart");
    Matcher m = LINK.matcher(text);
    assertThat(m.find()).isTrue();
    ConsoleFixtures.enrol(gw, new FormClient(gw.gateway.port()), m.group(1));
  }

  @Test
  void theSealingPdfReachesTheBureauThroughAFallbackFromMailjetToSesByteForByte() throws Exception {
    String el = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))).status())
        .isEqualTo(201);
    assertThat(gw.importRoll(el, TestGateway.ROLL).status()).isEqualTo(200);
    bureauMember("bureau.mail@univ-test.fr", el);

    Http.Res sealed = gw.http.postRaw("/v1/admin/elections/" + el + "/seal", TestGateway.ADMIN, "application/json",
        new byte[0]);
    assertThat(sealed.status()).as(sealed.body()).isEqualTo(201);
    Seal seal = Seal.parse(sealed.json().encode());
    String file = SealNotice.filename(el, 1);

    FakeHttpServer.Request bySes = ses.awaitRequest(r -> r.body().contains(file), "the seal's notice at SES");
    JsonObject body = new JsonObject(bySes.body());
    assertThat(body.getJsonObject("Destination").getJsonArray("ToAddresses").getList())
        .containsExactly("bureau.mail@univ-test.fr");
    List<EmailAttachments.File> atSes = EmailAttachments.ses(bySes);
    assertThat(atSes).singleElement().satisfies(f -> {
      assertThat(f.filename()).isEqualTo(file);
      assertThat(f.contentType()).isEqualTo("application/pdf");
    });
    byte[] pdf = atSes.get(0).content();
    try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
      assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(doc)).contains(
          "Procès-verbal de scellement n° 1", "Élection : Test election (" + el + ")", seal.digest(), seal.sig());
    }
    // the content is never logged: a piece of its Base64 (as the providers' requests carry it) and its text
    fr.sesame.testkit.LeakGuard.secrets(java.util.Base64.getEncoder().encodeToString(
        java.util.Arrays.copyOfRange(pdf, pdf.length / 2, pdf.length / 2 + 48)), seal.sig());
    // Mailjet had it first, refused it (503): the file it was given is the one SES sent, byte for byte
    List<FakeHttpServer.Request> atMailjet = mailjet.requests().stream().filter(r -> r.body().contains(file)).toList();
    assertThat(atMailjet).isNotEmpty();
    for (FakeHttpServer.Request r : atMailjet) {
      assertThat(EmailAttachments.mailjet(r)).singleElement()
          .satisfies(f -> assertThat(f.content()).isEqualTo(pdf));
    }
  }
}
