package fr.sesame.channels.provider.aws;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.NamedProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderOption;
import fr.sesame.channels.spi.ProviderSettings;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Email through Amazon SES v2 ({@code SendEmail}, simple content), with the AWS SDK's async client.
 * Credentials, signature and clock errors, a suspended or paused account, an unverified sender and
 * {@code MessageRejected} are misconfigurations (the next provider may send it); throttling is transient.
 * SES names no error as the recipient's: none is a rejection.
 */
public final class SesEmailProvider extends NamedProvider {
  private final SesV2AsyncClient client;
  private final String from;
  private final Clock clock;

  /** @param clock gives the receipts' acceptance time */
  public SesEmailProvider(String name, SesV2AsyncClient client, String from, Clock clock) {
    super(name, ChannelKind.EMAIL);
    this.client = client;
    this.from = from;
    this.clock = clock;
  }

  @Override
  public Future<Receipt> send(Message message) {
    SendEmailRequest request = SendEmailRequest.builder()
        .fromEmailAddress(from)
        .destination(Destination.builder().toAddresses(message.to()).build())
        .content(EmailContent.builder().simple(software.amazon.awssdk.services.sesv2.model.Message.builder()
            .subject(Content.builder().charset("UTF-8").data(message.subject() == null ? "" : message.subject()).build())
            .body(Body.builder().text(Content.builder().charset("UTF-8").data(message.text()).build()).build())
            .attachments(message.attachments().stream().map(a -> software.amazon.awssdk.services.sesv2.model.Attachment
                .builder().fileName(a.filename()).contentType(a.contentType())
                .rawContent(software.amazon.awssdk.core.SdkBytes.fromByteArray(a.content()))
                .contentDisposition(software.amazon.awssdk.services.sesv2.model.AttachmentContentDisposition.ATTACHMENT)
                .build()).toList())
            .build()).build())
        .build();
    // SES names no recipient error: a bad address comes back as BadRequestException, as our own bugs do
    return AwsClients.call(name, client.sendEmail(request), e -> false)
        .map(r -> new Receipt(name, r.messageId(), clock.instant()));
  }

  /**
   * Type {@code ses}. Options: {@code region} (eu-west-3), {@code endpoint}, {@code from} (required, a
   * verified identity), {@code timeout}. Secrets: {@code SESAME_PROVIDER_<NAME>_ACCESS_KEY_ID},
   * {@code SESAME_PROVIDER_<NAME>_SECRET_ACCESS_KEY}.
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "ses";
    }

    @Override
    public List<ProviderOption> options() {
      return List.of(ProviderOption.required("from"), ProviderOption.text("region"), ProviderOption.text("endpoint"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return List.of("accessKeyId", "secretAccessKey");
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      return new SesEmailProvider(s.name(), AwsClients.build(SesV2AsyncClient.builder(), s), s.required("from"),
          context.clock());
    }
  }
}
