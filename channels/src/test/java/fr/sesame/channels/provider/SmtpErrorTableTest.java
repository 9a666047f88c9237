package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.provider.smtp.SmtpEmailProvider;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderException.Kind;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.channels.support.FakeSmtpServer;
import fr.sesame.channels.support.FixedContext;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP rows of the provider error table (docs/design.md, "Provider errors"): the Vert.x mail client
 * against a scripted SMTP server answering as real servers do (RFC 5321 replies, RFC 3463 enhanced codes).
 */
class SmtpErrorTableTest {
  static final Message EMAIL = new Message(ChannelKind.EMAIL, "alice@univ.fr", "Votre code", "Code 123456",
      "login-code");
  final Vertx vertx = Vertx.vertx();
  final FakeSmtpServer smtp = new FakeSmtpServer(vertx);

  @AfterEach
  void close() {
    smtp.close();
    vertx.close();
  }

  ChannelProvider provider(boolean login) {
    String name = "smtp-" + smtp.port();
    Map<String, String> options = new HashMap<>(Map.of("host", "127.0.0.1", "port", Integer.toString(smtp.port()),
        "starttls", "disabled", "from", "no-reply@sesame.fr"));
    if (login) {
      options.put("username", "sesame");
    }
    return new SmtpEmailProvider.Factory().create(FixedContext.of(vertx), new ProviderSettings(name, "smtp", options,
        Map.of(ProviderSettings.envName(name, "password"), "wrong")));
  }

  Kind kind(boolean login) {
    return ((ProviderException) failure(provider(login).send(EMAIL))).kind();
  }

  @Test
  void theScriptedServerTakesAMessage() {
    assertThat(await(provider(false).send(EMAIL)).provider()).startsWith("smtp-");
    assertThat(smtp.commands()).anyMatch(c -> c.startsWith("RCPT TO:<alice@univ.fr>"));
  }

  @Test
  void authenticationFailed535IsAMisconfiguration() {
    smtp.reply("AUTH", "535 5.7.8 Error: authentication failed");
    assertThat(kind(true)).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void noSuchMailbox550AtRcptIsARejection() {
    smtp.reply("RCPT", "550 5.1.1 <alice@univ.fr>: Recipient address rejected: User unknown");
    ProviderException e = (ProviderException) failure(provider(false).send(EMAIL));
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).contains("550").doesNotContain("alice");
  }

  @Test
  void mailboxNameNotAllowed553AtRcptIsARejection() {
    smtp.reply("RCPT", "553 5.1.3 <alice@univ.fr>: Recipient address rejected: bad address syntax");
    assertThat(kind(false)).isEqualTo(Kind.REJECTED);
  }

  @Test
  void relayDeniedWithAPolicyCodeAtRcptIsAMisconfiguration() {
    smtp.reply("RCPT", "554 5.7.1 <alice@univ.fr>: Relay access denied");
    assertThat(kind(false)).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void senderRefusedAtMailFromIsAMisconfiguration() {
    smtp.reply("MAIL", "553 5.7.1 <no-reply@sesame.fr>: Sender address rejected: not owned by user");
    assertThat(kind(false)).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void contentRefusedAfterDataIsAMisconfiguration() {
    smtp.reply("DATA", "554 5.6.0 Message content rejected");
    assertThat(kind(false)).isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void greylisted450AtRcptIsTransient() {
    smtp.reply("RCPT", "450 4.2.0 <alice@univ.fr>: Recipient address rejected: Greylisted");
    assertThat(kind(false)).isEqualTo(Kind.TRANSIENT);
  }
}
