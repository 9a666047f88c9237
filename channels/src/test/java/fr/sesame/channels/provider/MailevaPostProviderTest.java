package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.pdf.LetterPdf;
import fr.sesame.channels.provider.maileva.MailevaPostProvider;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.channels.support.FixedContext;
import fr.sesame.testkit.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Letters through a fake of Maileva's simple-mail API, the PDF rendered for real. */
class MailevaPostProviderTest {
  static final Message LETTER = new Message(ChannelKind.POST,
      "Mme Chloé Bernard\nRésidence Les Tilleuls\n12 rue de la Paix\n75002 Paris", "Vos codes d'accès au vote",
      "Votre identifiant de vote : chloe\nVotre code secret : 7H3K-92QX", "access-letter");
  final Vertx vertx = Vertx.vertx();
  final FakeHttpServer maileva = new FakeHttpServer(vertx);

  @AfterEach
  void close() {
    maileva.close();
    vertx.close();
  }

  ProviderSettings settings() {
    return new ProviderSettings("maileva", "maileva",
        Map.of("authUrl", maileva.url() + "/auth", "apiUrl", maileva.url() + "/mail/v2", "clientId", "sesame-client"),
        Map.of("SESAME_PROVIDER_MAILEVA_CLIENT_SECRET", "s3cret"));
  }

  ChannelProvider provider() {
    return new MailevaPostProvider.Factory().create(FixedContext.of(vertx), settings());
  }

  FakeHttpServer scriptOneSending(boolean withToken) {
    if (withToken) {
      maileva.reply(200, "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }
    return maileva.reply(201, "{\"id\":\"sending-1\",\"status\":\"DRAFT\"}").reply(201, "{\"id\":\"recipient-1\"}")
        .reply(201, "{\"id\":\"document-1\"}").reply(200, "{}");
  }

  @Test
  void buildsAndSubmitsASendingWithThePdfLetter() throws Exception {
    scriptOneSending(true);
    var receipt = await(provider().send(LETTER));
    assertThat(receipt.provider()).isEqualTo("maileva");
    assertThat(receipt.messageId()).isEqualTo("sending-1");
    assertThat(receipt.acceptedAt()).as("the context's clock, not the wall clock").isEqualTo(FixedContext.NOW);

    var requests = maileva.requests();
    assertThat(requests).extracting(r -> r.method() + " " + r.uri()).containsExactly(
        "POST /auth/oauth2/token", "POST /mail/v2/sendings", "POST /mail/v2/sendings/sending-1/recipients",
        "POST /mail/v2/sendings/sending-1/documents", "POST /mail/v2/sendings/sending-1/submit");
    assertThat(requests.get(0).header("Authorization")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("sesame-client:s3cret".getBytes(StandardCharsets.UTF_8)));
    assertThat(requests.get(0).body()).isEqualTo("grant_type=client_credentials");
    assertThat(requests.get(1).header("Authorization")).isEqualTo("Bearer tok-1");
    JsonObject sending = new JsonObject(requests.get(1).body());
    assertThat(sending.getBoolean("optional_address_sheet")).isTrue();
    assertThat(sending.getString("name")).isEqualTo("access-letter " + FixedContext.NOW);
    JsonObject recipient = new JsonObject(requests.get(2).body());
    assertThat(recipient.getString("address_line_1")).isEqualTo("Mme Chloé Bernard");
    assertThat(recipient.getString("address_line_3")).isEqualTo("Résidence Les Tilleuls");
    assertThat(recipient.getString("address_line_4")).isEqualTo("12 rue de la Paix");
    assertThat(recipient.getString("address_line_6")).isEqualTo("75002 Paris");
    assertThat(recipient.getString("country_code")).isEqualTo("FR");
    assertThat(requests.get(3).header("Content-Type")).startsWith("multipart/form-data");
    assertThat(requests.get(3).body()).contains("name=\"metadata\"", "name=\"document\"", "%PDF-");
  }

  @Test
  void theTokenIsReusedUntilItExpires() {
    scriptOneSending(true);
    ChannelProvider p = provider();
    await(p.send(LETTER));
    scriptOneSending(false);
    await(p.send(LETTER));
    assertThat(maileva.requests().stream().filter(r -> r.uri().endsWith("/oauth2/token"))).hasSize(1);
  }

  @Test
  void theTokenIsRenewedOnceTheContextClockPassesItsExpiry() {
    TestClock clock = new TestClock(FixedContext.NOW);
    ChannelProvider p = new MailevaPostProvider.Factory().create(new ProviderContext(vertx, clock,
        new SimpleMeterRegistry()), settings());
    scriptOneSending(true);
    await(p.send(LETTER));
    clock.advance(Duration.ofSeconds(3600 - 60 - 1)); // renewed a minute before it expires
    scriptOneSending(false);
    await(p.send(LETTER));
    clock.advance(Duration.ofSeconds(1));
    scriptOneSending(true);
    var receipt = await(p.send(LETTER));
    assertThat(maileva.requests().stream().filter(r -> r.uri().endsWith("/oauth2/token"))).hasSize(2);
    assertThat(receipt.acceptedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aFailedStepDeletesTheDraftSending() {
    maileva.reply(200, "{\"access_token\":\"tok-1\",\"expires_in\":3600}").reply(201, "{\"id\":\"sending-9\"}")
        .reply(201, "{\"id\":\"r\"}").reply(503, "{}").reply(204, "");
    var e = (ProviderException) failure(provider().send(LETTER));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(maileva.requests()).extracting(r -> r.method() + " " + r.uri())
        .endsWith("DELETE /mail/v2/sendings/sending-9");
  }

  @Test
  void badCredentialsAreAMisconfigurationAndAnAddressOfOneLineIsRejected() {
    maileva.reply(401, "{\"error\":\"invalid_client\"}");
    assertThat(((ProviderException) failure(provider().send(LETTER))).kind())
        .isEqualTo(ProviderException.Kind.MISCONFIGURED);
    Message oneLine = new Message(ChannelKind.POST, "75002 Paris", "t", "x", "access-letter");
    assertThat(((ProviderException) failure(provider().send(oneLine))).kind())
        .isEqualTo(ProviderException.Kind.REJECTED);
  }

  @Test
  void theLetterPdfCarriesTheTitleAndTextWithFrenchAccents() throws Exception {
    byte[] pdf = LetterPdf.render("Vos codes d'accès au vote", "Élections du CA : votre code est 7H3K-92QX.\n"
        + "Ne le communiquez à personne.");
    try (var doc = Loader.loadPDF(pdf)) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("Vos codes d'accès au vote", "Élections du CA : votre code est 7H3K-92QX.",
          "Ne le communiquez à personne.");
    }
    byte[] longLetter = LetterPdf.render("t", "mot ".repeat(20_000));
    try (var doc = Loader.loadPDF(longLetter)) {
      assertThat(doc.getNumberOfPages()).isGreaterThan(1);
    }
  }
}
