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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.pinpointsmsvoicev2.PinpointSmsVoiceV2AsyncClient;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictException;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictExceptionReason;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.SendVoiceMessageRequest;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.ValidationException;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.VoiceId;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.VoiceMessageBodyTextType;

/**
 * Voice calls through AWS End User Messaging SMS and Voice v2 ({@code SendVoiceMessage}): a synthetic voice
 * reads the message (the login-code template spells the code digit by digit, twice), in the voice of the
 * message's language.
 *
 * <p>A {@code ValidationException} naming the {@code DestinationPhoneNumber} field, or a
 * {@code ConflictException} because the number opted out, is a rejection; any other validation error is
 * about our request (our origination identity, our voice) and falls back; credentials and
 * {@code AccessDeniedException} are misconfigurations, throttling is transient.
 */
public final class AwsVoiceProvider extends NamedProvider {
  /**
   * Voices of languages other than French when the configuration names none: Amy (en-GB). French, and any
   * language without a voice, is read by {@code voiceId} (Léa, fr-FR, by default).
   */
  public static final Map<String, String> DEFAULT_VOICES = Map.of("en", "AMY");
  private final PinpointSmsVoiceV2AsyncClient client;
  private final String originationIdentity;
  private final String voiceId;
  private final Map<String, String> voices;
  private final Clock clock;

  /** A provider reading every language with {@code voiceId}. */
  public AwsVoiceProvider(String name, PinpointSmsVoiceV2AsyncClient client, String originationIdentity,
                          String voiceId, Clock clock) {
    this(name, client, originationIdentity, voiceId, Map.of(), clock);
  }

  /**
   * @param voiceId the voice for a message whose language has none in {@code voices}, or has no language
   * @param voices  the voice of each language ({@code en} → {@code AMY})
   * @param clock   gives the receipts' acceptance time
   */
  public AwsVoiceProvider(String name, PinpointSmsVoiceV2AsyncClient client, String originationIdentity,
                          String voiceId, Map<String, String> voices, Clock clock) {
    super(name, ChannelKind.VOICE);
    this.client = client;
    this.originationIdentity = originationIdentity;
    this.voiceId = voiceId;
    this.voices = Map.copyOf(voices);
    this.clock = clock;
  }

  /** The voice that reads {@code message}: its language's, else the default one. */
  String voiceFor(Message message) {
    return message.lang() == null ? voiceId : voices.getOrDefault(message.lang(), voiceId);
  }

  @Override
  public Future<Receipt> send(Message message) {
    SendVoiceMessageRequest request = SendVoiceMessageRequest.builder()
        .destinationPhoneNumber(message.to())
        .originationIdentity(originationIdentity)
        .messageBody(message.text())
        .messageBodyTextType(VoiceMessageBodyTextType.TEXT)
        .voiceId(voiceFor(message))
        .build();
    return AwsClients.call(name, client.sendVoiceMessage(request), AwsVoiceProvider::aboutTheRecipient)
        .map(r -> new Receipt(name, r.messageId(), clock.instant()));
  }

  private static boolean aboutTheRecipient(AwsServiceException e) {
    if (e instanceof ValidationException v) {
      return v.hasFields() && !v.fields().isEmpty()
          && v.fields().stream().allMatch(f -> "DestinationPhoneNumber".equals(f.name()));
    }
    return e instanceof ConflictException c && c.reason() == ConflictExceptionReason.DESTINATION_PHONE_NUMBER_OPTED_OUT;
  }

  /**
   * Type {@code aws-voice}. Options: {@code region} (eu-west-3), {@code endpoint}, {@code originationIdentity}
   * (required: a phone number or pool able to call), {@code voiceId} (the voice of French and of any
   * language without its own; LEA), {@code voiceId.<lang>} (the voice of one language, e.g.
   * {@code voiceId.en: JOANNA}; {@code en} is AMY by default), {@code timeout}. Every voice must be one AWS knows, or start-up fails.
   * Secrets as for {@code ses}.
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "aws-voice";
    }

    @Override
    public List<ProviderOption> options() {
      // one voice per language the templates are written in
      return List.of(ProviderOption.required("originationIdentity"), ProviderOption.text("voiceId"),
          ProviderOption.text("voiceId.fr"), ProviderOption.text("voiceId.en"),
          ProviderOption.text("region"), ProviderOption.text("endpoint"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return List.of("accessKeyId", "secretAccessKey");
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      String fallback = voice(s, "voiceId", s.optional("voiceId", "LEA"));
      Map<String, String> voices = new HashMap<>(DEFAULT_VOICES);
      s.options().forEach((key, value) -> {
        if (key.startsWith("voiceId.")) {
          String lang = key.substring("voiceId.".length());
          if (!lang.matches("[a-z]{2,3}")) {
            throw new IllegalArgumentException("channels.providers." + s.name() + "." + key
                + ": a voice is given per language, as voiceId.en");
          }
          voices.put(lang, voice(s, key, value));
        }
      });
      return new AwsVoiceProvider(s.name(), AwsClients.build(PinpointSmsVoiceV2AsyncClient.builder(), s),
          s.required("originationIdentity"), fallback, voices, context.clock());
    }

    private static String voice(ProviderSettings s, String key, String value) {
      String v = value.trim().toUpperCase(Locale.ROOT);
      if (VoiceId.fromValue(v) == VoiceId.UNKNOWN_TO_SDK_VERSION) {
        throw new IllegalArgumentException("channels.providers." + s.name() + "." + key + ": " + value
            + " is not an AWS voice (LEA, CELINE, MATHIEU, AMY, JOANNA, BRIAN...)");
      }
      return v;
    }
  }
}
