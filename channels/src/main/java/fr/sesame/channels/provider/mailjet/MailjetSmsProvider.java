package fr.sesame.channels.provider.mailjet;

import com.mailjet.client.MailjetClient;
import com.mailjet.client.MailjetRequest;
import com.mailjet.client.MailjetResponse;
import com.mailjet.client.resource.sms.SmsSend;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.NamedProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import org.json.JSONException;
import org.json.JSONObject;

/** SMS through Mailjet's SMS API ({@code POST /v4/sms-send}, Bearer token), with the official Java SDK. */
public final class MailjetSmsProvider extends NamedProvider {
  private final MailjetClient client;
  private final String sender;

  public MailjetSmsProvider(String name, MailjetClient client, String sender) {
    super(name, ChannelKind.SMS);
    this.client = client;
    this.sender = sender;
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
      return Future.succeededFuture(new Receipt(name, id, Instant.now()));
    } catch (JSONException e) {
      return Future.failedFuture(ProviderException.transientFailure(name + " answered an unexpected body", e));
    }
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
    public ChannelProvider create(Vertx vertx, ProviderSettings s) {
      MailjetClient client = new MailjetClient(MailjetCalls.options(s).bearerAccessToken(s.secret("apiToken")).build());
      return new MailjetSmsProvider(s.name(), client, s.required("sender"));
    }
  }
}
