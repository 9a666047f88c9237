package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.provider.smtp.SmtpEmailProvider;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.Ports;
import fr.sesame.channels.support.FixedContext;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SMTP provider against a real SMTP server (GreenMail), with authentication. */
class SmtpEmailProviderTest {
  static { fr.sesame.testkit.LeakGuard.secret("123456"); } // the code of the messages: never in a log line
  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());
  static final Message EMAIL = new Message(ChannelKind.EMAIL, "alice@univ.fr", "Votre code de connexion",
      "Votre code est 123456", "login-code");
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  ChannelProvider provider(int port) {
    return new SmtpEmailProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings("smtp-" + port, "smtp",
        Map.of("host", "127.0.0.1", "port", Integer.toString(port), "starttls", "disabled", "username", "sesame",
            "from", "no-reply@sesame.fr"),
        Map.of(ProviderSettings.envName("smtp-" + port, "password"), "s3cret")));
  }

  @Test
  void deliversToTheSmtpServerWithAuthentication() throws Exception {
    smtp.setUser("sesame", "s3cret");
    var receipt = await(provider(smtp.getSmtp().getPort()).send(EMAIL));
    assertThat(receipt.messageId()).isNotBlank();
    assertThat(receipt.acceptedAt()).as("the context's clock, not the wall clock").isEqualTo(FixedContext.NOW);
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).isEqualTo("Votre code de connexion");
    assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("alice@univ.fr");
    assertThat(received[0].getFrom()[0].toString()).isEqualTo("no-reply@sesame.fr");
    assertThat(GreenMailUtil.getBody(received[0])).contains("Votre code est 123456");
  }

  @Test
  void deliversThePdfAttachment() throws Exception {
    smtp.setUser("sesame", "s3cret");
    Message withPdf = new Message(ChannelKind.EMAIL, "bob@univ.fr", "Accuse", "voir PJ", "vote-receipt",
        java.util.List.of(new fr.sesame.channels.Attachment("recu.pdf", "application/pdf", "%PDF-1.7 test".getBytes())));
    await(provider(smtp.getSmtp().getPort()).send(withPdf));
    MimeMessage received = smtp.getReceivedMessagesForDomain("univ.fr")[0];
    var multipart = (jakarta.mail.internet.MimeMultipart) received.getContent();
    boolean found = false;
    for (int i = 0; i < multipart.getCount(); i++) {
      var part = multipart.getBodyPart(i);
      if ("recu.pdf".equals(part.getFileName())) {
        found = true;
        assertThat(part.getContentType()).startsWith("application/pdf");
        assertThat(part.getInputStream().readAllBytes()).isEqualTo("%PDF-1.7 test".getBytes());
      }
    }
    assertThat(found).as("the PDF part").isTrue();
  }

  @Test
  void wrongPasswordIsAMisconfiguration() {
    smtp.setUser("sesame", "another-password");
    var e = (ProviderException) failure(provider(smtp.getSmtp().getPort()).send(EMAIL));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.MISCONFIGURED);
  }

  @Test
  void serverDownIsTransient() {
    var e = (ProviderException) failure(provider(Ports.unused()).send(EMAIL));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
  }
}
