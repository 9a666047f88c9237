package fr.sesame.channels.provider.smtp;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.NamedProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderOption;
import fr.sesame.channels.spi.ProviderSettings;
import io.vertx.core.Future;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Email through an SMTP server (the operator's own mail service at OVH), with the Vert.x mail client:
 * pooled, non-blocking connections. SMTP 4xx replies are transient; 530/534/535 mean our credentials are
 * wrong; a 5xx reply to {@code RCPT TO} (RFC 5321: 550 no such mailbox, 553 mailbox name not allowed...)
 * rejects the recipient, unless its enhanced status is a policy one (5.7.x, e.g. relaying denied); any other
 * 5xx (to {@code MAIL FROM}, {@code DATA}, a command) is about our sender or our message: a misconfiguration.
 */
public final class SmtpEmailProvider extends NamedProvider {
  /** How the Vert.x mail client (5.0) starts the message of a refused {@code RCPT TO}. */
  static final String RCPT_REFUSED = "recipient address not accepted";
  private final MailClient client;
  private final String from;
  private final Clock clock;

  /** @param clock gives the receipts' acceptance time */
  public SmtpEmailProvider(String name, MailClient client, String from, Clock clock) {
    super(name, ChannelKind.EMAIL);
    this.client = client;
    this.from = from;
    this.clock = clock;
  }

  @Override
  public Future<Receipt> send(Message message) {
    MailMessage mail = new MailMessage().setFrom(from).setTo(message.to())
        .setSubject(message.subject() == null ? "" : message.subject()).setText(message.text());
    if (!message.attachments().isEmpty()) {
      mail.setAttachment(message.attachments().stream().map(a -> MailAttachment.create()
          .setData(io.vertx.core.buffer.Buffer.buffer(a.content())).setContentType(a.contentType()).setName(a.filename())
          .setDisposition("attachment")).toList());
    }
    return client.sendMail(mail)
        .map(r -> new Receipt(name, r.getMessageID(), clock.instant()))
        .recover(e -> Future.failedFuture(classify(e)));
  }

  private ProviderException classify(Throwable e) {
    if (e instanceof SMTPException s) {
      int code = s.getReplyCode();
      SMTPException.EnhancedStatus status = s.getEnhancedStatus();
      String enhanced = status == null || status == SMTPException.EnhancedStatus.OTHER_UNDEFINED ? ""
          : " " + (s.isPermanent() ? 5 : 4) + "." + status.getSubject() + "." + status.getDetail();
      String what = name + " answered SMTP " + code + enhanced;
      if (s.isTransient()) {
        return ProviderException.transientFailure(what, null);
      }
      if (code == 530 || code == 534 || code == 535) {
        return ProviderException.misconfigured(what + " (authentication)");
      }
      // the Vert.x mail client says which command was refused; only RCPT TO is about the recipient, and
      // not when the refusal is a policy one (5.7.x: relay denied, our authentication)
      boolean rcpt = s.getMessage() != null && s.getMessage().startsWith(RCPT_REFUSED);
      if (rcpt && status != SMTPException.EnhancedStatus.OTHER_SECURITY) {
        return ProviderException.rejected(what + " to RCPT TO");
      }
      return ProviderException.misconfigured(what);
    }
    return ProviderException.transientFailure(name + " failed: " + e.getClass().getSimpleName(), e);
  }

  /**
   * Type {@code smtp}. Options: {@code host} (required), {@code port} (587), {@code starttls}
   * ({@code required}, {@code optional} or {@code disabled}; default required), {@code ssl} (false: TLS from
   * the first byte, port 465), {@code username} (then the password comes from
   * {@code SESAME_PROVIDER_<NAME>_PASSWORD}), {@code from} (required), {@code maxPoolSize} (16).
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "smtp";
    }

    @Override
    public List<ProviderOption> options() {
      return List.of(ProviderOption.required("host"), ProviderOption.required("from"), ProviderOption.integer("port"),
          ProviderOption.oneOf("starttls", "disabled", "optional", "required"), ProviderOption.bool("ssl"),
          ProviderOption.integer("maxPoolSize"), ProviderOption.text("username"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return s.options().containsKey("username") ? List.of("password") : List.of();
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      String starttls = s.optional("starttls", "required").toUpperCase(Locale.ROOT);
      MailConfig config = new MailConfig().setHostname(s.required("host")).setPort(s.integer("port", 587))
          .setStarttls(StartTLSOptions.valueOf(starttls)).setSsl(Boolean.parseBoolean(s.optional("ssl", "false")))
          .setMaxPoolSize(s.integer("maxPoolSize", 16)).setKeepAlive(true);
      String username = s.optional("username", null);
      if (username != null) {
        config.setUsername(username).setPassword(s.secret("password")).setLogin(LoginOption.REQUIRED);
      } else {
        config.setLogin(LoginOption.DISABLED);
      }
      return new SmtpEmailProvider(s.name(), MailClient.createShared(context.vertx(), config,
          "sesame-" + s.name()), s.required("from"), context.clock());
    }
  }
}
