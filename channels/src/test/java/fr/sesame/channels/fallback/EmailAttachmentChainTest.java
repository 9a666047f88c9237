package fr.sesame.channels.fallback;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import fr.sesame.channels.Attachment;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.config.ChannelsNotifier;
import fr.sesame.channels.pdf.LetterPdf;
import fr.sesame.testkit.EmailAttachments;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, point 1: an email's PDF goes byte for byte through each email provider, built from configuration as in
 * production (Mailjet's Send API v3.1, SES v2 through the AWS SDK, SMTP as multipart/mixed MIME), and a fallback
 * from one to the next carries the same file. Each fake reads the attachment back as its provider does.
 */
class EmailAttachmentChainTest {
  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());
  static final String MAILJET_OK = "{\"Messages\":[{\"Status\":\"success\",\"To\":[{\"MessageUUID\":\"mj-1\"}]}]}";
  static final String SES_OK = "{\"MessageId\":\"ses-1\"}";

  final Vertx vertx = Vertx.vertx();
  final FakeHttpServer mailjet = new FakeHttpServer(vertx);
  final FakeHttpServer ses = new FakeHttpServer(vertx);
  final TestClock clock = new TestClock(Instant.parse("2026-12-01T09:00:00Z"));

  @AfterEach
  void close() {
    mailjet.close();
    ses.close();
    vertx.close();
  }

  /** A real PDF followed by every byte value: what is not text must survive each encoding. */
  static byte[] pdf() {
    byte[] doc = LetterPdf.render("Procès-verbal de scellement", "Élection test\nScellement n° 1");
    byte[] all = new byte[doc.length + 256];
    System.arraycopy(doc, 0, all, 0, doc.length);
    for (int i = 0; i < 256; i++) {
      all[doc.length + i] = (byte) i;
    }
    return all;
  }

  static final byte[] PDF = pdf();
  static final Message MAIL = new Message(ChannelKind.EMAIL, "bureau@univ-test.fr", "Scellement", "PV joint",
      "bureau-alert", List.of(new Attachment("scellement-e1-1.pdf", "application/pdf", PDF)));

  ChannelsNotifier notifier(List<String> chain) {
    Map<String, Object> providers = Map.of(
        "mailjet", Map.of("type", "mailjet-email", "baseUrl", mailjet.url(), "from", "no-reply@sesame.fr",
            "attempts", 1),
        "ses", Map.of("type", "ses", "endpoint", ses.url(), "region", "eu-west-3", "from", "no-reply@sesame.fr",
            "attempts", 1, "timeout", "PT10S"),
        "smtp", Map.of("type", "smtp", "host", "127.0.0.1", "port", smtp.getSmtp().getPort(), "starttls", "disabled",
            "from", "no-reply@sesame.fr"));
    Map<String, String> env = Map.of("SESAME_PROVIDER_MAILJET_API_KEY", "k", "SESAME_PROVIDER_MAILJET_API_SECRET", "s",
        "SESAME_PROVIDER_SES_ACCESS_KEY_ID", "AKIDEXAMPLE", "SESAME_PROVIDER_SES_SECRET_ACCESS_KEY", "secret");
    return ChannelsConfig.fromMap(Map.of("email", Map.of("chain", chain, "providers", providers)), env)
        .build(vertx, clock, new SimpleMeterRegistry());
  }

  /** The files of the one message GreenMail received, read from its MIME parts. */
  static List<EmailAttachments.File> smtpFiles() throws Exception {
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getContentType()).startsWith("multipart/mixed");
    MimeMultipart parts = (MimeMultipart) received[0].getContent();
    List<EmailAttachments.File> out = new ArrayList<>();
    for (int i = 0; i < parts.getCount(); i++) {
      var part = parts.getBodyPart(i);
      if (part.getFileName() != null) {
        out.add(new EmailAttachments.File(part.getFileName(), part.getContentType().replaceAll(";.*", "").strip(),
            part.getInputStream().readAllBytes()));
      }
    }
    return out;
  }

  static void isThePdf(List<EmailAttachments.File> files) {
    assertThat(files).singleElement().satisfies(f -> {
      assertThat(f.filename()).isEqualTo("scellement-e1-1.pdf");
      assertThat(f.contentType()).isEqualTo("application/pdf");
      assertThat(f.content()).as("byte for byte").isEqualTo(PDF);
    });
  }

  @Test
  void mailjetCarriesThePdfByteForByte() {
    mailjet.reply(200, MAILJET_OK);
    assertThat(await(notifier(List.of("mailjet", "ses", "smtp")).send(MAIL)).provider()).isEqualTo("mailjet");
    isThePdf(EmailAttachments.mailjet(mailjet.requests().get(0)));
    assertThat(ses.requests()).isEmpty();
  }

  @Test
  void sesCarriesThePdfByteForByte() {
    ses.reply(200, SES_OK);
    assertThat(await(notifier(List.of("ses")).send(MAIL)).provider()).isEqualTo("ses");
    isThePdf(EmailAttachments.ses(ses.requests().get(0)));
  }

  @Test
  void smtpCarriesThePdfByteForByteAsMultipartMixed() throws Exception {
    assertThat(await(notifier(List.of("smtp")).send(MAIL)).provider()).isEqualTo("smtp");
    isThePdf(smtpFiles());
  }

  @Test
  void aFallbackFromMailjetToSesCarriesTheSamePdf() {
    mailjet.reply(503, "{}");
    ses.reply(200, SES_OK);
    assertThat(await(notifier(List.of("mailjet", "ses", "smtp")).send(MAIL)).provider()).isEqualTo("ses");
    isThePdf(EmailAttachments.mailjet(mailjet.requests().get(0)));
    isThePdf(EmailAttachments.ses(ses.requests().get(0)));
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void aFallbackDownTheWholeChainToSmtpCarriesTheSamePdf() throws Exception {
    mailjet.reply(503, "{}");
    ses.reply(500, "{}");
    assertThat(await(notifier(List.of("mailjet", "ses", "smtp")).send(MAIL)).provider()).isEqualTo("smtp");
    isThePdf(EmailAttachments.mailjet(mailjet.requests().get(0)));
    isThePdf(EmailAttachments.ses(ses.requests().get(0)));
    isThePdf(smtpFiles());
  }
}
