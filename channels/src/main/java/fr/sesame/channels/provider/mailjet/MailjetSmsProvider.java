package fr.sesame.channels.provider.mailjet;

import com.mailjet.client.MailjetClient;
import com.mailjet.client.MailjetRequest;
import com.mailjet.client.MailjetResponse;
import com.mailjet.client.resource.sms.Sms;
import com.mailjet.client.resource.sms.SmsSend;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.DeliveryReports;
import fr.sesame.channels.DeliveryStatusPolling;
import fr.sesame.channels.spi.NamedProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderOption;
import fr.sesame.channels.spi.ProviderSettings;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * SMS through Mailjet's SMS API ({@code POST /v4/sms-send}, Bearer token), with the official Java SDK.
 * Mailjet's SMS API has no delivery webhook: the gateway asks {@code GET /v4/sms/{MessageId}} until the
 * status is final (Mailjet's status codes: 1 sent_pending, 2 sent, 3 delivered, 4 to 16 rejected or
 * undelivered, 0 unknown).
 */
public final class MailjetSmsProvider extends NamedProvider implements DeliveryStatusPolling {
  private static final int DELIVERED = 3;
  private static final int FIRST_FAILURE = 4;
  private static final int LAST_FAILURE = 16;
  private final MailjetClient client;
  private final String sender;
  private final Clock clock;

  /** @param clock gives the receipts' acceptance time */
  public MailjetSmsProvider(String name, MailjetClient client, String sender, Clock clock) {
    super(name, ChannelKind.SMS);
    this.client = client;
    this.sender = sender;
    this.clock = clock;
  }

  @Override
  public Future<Receipt> send(Message message) {
    MailjetRequest request = new MailjetRequest(SmsSend.resource).property(SmsSend.FROM, sender)
        .property(SmsSend.TO, message.to()).property(SmsSend.TEXT, message.text());
    return MailjetCalls.post(name, client, request).compose(this::receipt);
  }

  private Future<Receipt> receipt(MailjetResponse response) {
    try {
      JSONObject json = new JSONObject(response.getRawResponseContent());
      String id = json.has("ID") ? String.valueOf(json.get("ID")) : String.valueOf(json.opt("MessageId"));
      return Future.succeededFuture(new Receipt(name, id, clock.instant()));
    } catch (JSONException e) {
      return Future.failedFuture(ProviderException.transientFailure(name + " answered an unexpected body", e));
    }
  }

  @Override
  public Future<Optional<DeliveryReports.Report>> poll(String providerMessageId) {
    return MailjetCalls.get(name, client, new MailjetRequest(Sms.resource, providerMessageId)).compose(response -> {
      try {
        JSONObject json = new JSONObject(response.getRawResponseContent());
        JSONArray data = json.optJSONArray("Data");
        JSONObject sms = data != null && !data.isEmpty() ? data.getJSONObject(0) : json;
        JSONObject status = sms.getJSONObject("Status");
        int code = status.getInt("Code");
        if (code == DELIVERED) {
          return Future.succeededFuture(Optional.of(new DeliveryReports.Report(providerMessageId, true, "")));
        }
        if (code >= FIRST_FAILURE && code <= LAST_FAILURE) {
          return Future.succeededFuture(Optional.of(new DeliveryReports.Report(providerMessageId, false,
              status.optString("Name", "code " + code))));
        }
        return Future.succeededFuture(Optional.empty()); // 0 unknown, 1 being sent, 2 sent: not final
      } catch (JSONException e) {
        return Future.failedFuture(ProviderException.transientFailure(name + " answered an unexpected status body", e));
      }
    });
  }

  /**
   * Type {@code mailjet-sms}. Options: {@code baseUrl} ({@code https://api.mailjet.com}), {@code sender}
   * (required, 3 to 11 characters), {@code timeout}. Secret: {@code SESAME_PROVIDER_<NAME>_API_TOKEN}.
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "mailjet-sms";
    }

    @Override
    public List<ProviderOption> options() {
      return List.of(ProviderOption.required("sender"), ProviderOption.text("baseUrl"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return List.of("apiToken");
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      MailjetClient client = new MailjetClient(MailjetCalls.options(s).bearerAccessToken(s.secret("apiToken")).build());
      return new MailjetSmsProvider(s.name(), client, s.required("sender"), context.clock());
    }
  }
}
