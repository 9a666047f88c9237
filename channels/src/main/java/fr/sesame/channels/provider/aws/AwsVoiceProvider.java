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
import software.amazon.awssdk.services.pinpointsmsvoicev2.PinpointSmsVoiceV2AsyncClient;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.SendVoiceMessageRequest;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.VoiceMessageBodyTextType;

/**
 * Voice calls through AWS End User Messaging SMS and Voice v2 ({@code SendVoiceMessage}): a synthetic voice
 * reads the message (the login-code template spells the code digit by digit, twice).
 */
public final class AwsVoiceProvider extends NamedProvider {
  private final PinpointSmsVoiceV2AsyncClient client;
  private final String originationIdentity;
  private final String voiceId;
  private final Clock clock;

  /** @param clock gives the receipts' acceptance time */
  public AwsVoiceProvider(String name, PinpointSmsVoiceV2AsyncClient client, String originationIdentity,
                          String voiceId, Clock clock) {
    super(name, ChannelKind.VOICE);
    this.client = client;
    this.originationIdentity = originationIdentity;
    this.voiceId = voiceId;
    this.clock = clock;
  }

  @Override
  public Future<Receipt> send(Message message) {
    SendVoiceMessageRequest request = SendVoiceMessageRequest.builder()
        .destinationPhoneNumber(message.to())
        .originationIdentity(originationIdentity)
        .messageBody(message.text())
        .messageBodyTextType(VoiceMessageBodyTextType.TEXT)
        .voiceId(voiceId)
        .build();
    return AwsClients.call(name, client.sendVoiceMessage(request))
        .map(r -> new Receipt(name, r.messageId(), clock.instant()));
  }

  /**
   * Type {@code aws-voice}. Options: {@code region} (eu-west-3), {@code endpoint}, {@code originationIdentity}
   * (required: a phone number or pool able to call), {@code voiceId} (LEA, a French voice), {@code timeout}.
   * Secrets as for {@code ses}.
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "aws-voice";
    }

    @Override
    public List<ProviderOption> options() {
      return List.of(ProviderOption.required("originationIdentity"), ProviderOption.text("voiceId"),
          ProviderOption.text("region"), ProviderOption.text("endpoint"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return List.of("accessKeyId", "secretAccessKey");
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      return new AwsVoiceProvider(s.name(), AwsClients.build(PinpointSmsVoiceV2AsyncClient.builder(), s),
          s.required("originationIdentity"), s.optional("voiceId", "LEA"), context.clock());
    }
  }
}
