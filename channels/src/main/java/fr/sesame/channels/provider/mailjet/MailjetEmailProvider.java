package fr.sesame.channels.provider.mailjet;

import com.mailjet.client.MailjetClient;
import com.mailjet.client.MailjetRequest;
import com.mailjet.client.MailjetResponse;
import com.mailjet.client.resource.Emailv31;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.DeliveryReports;
import fr.sesame.channels.spi.NamedProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderOption;
import fr.sesame.channels.spi.ProviderSettings;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Email through Mailjet's Send API v3.1 ({@code POST /v3.1/send}, Basic auth), with the official Java SDK.
 * A message-level {@code "Status":"error"} whose errors all point at the recipient ({@code ErrorRelatedTo}
 * {@code To[0].Email}) is a rejection; any other (our sender, our content) is a misconfiguration.
 */
public final class MailjetEmailProvider extends NamedProvider implements DeliveryReports {
  private final MailjetClient client;
  private final String fromEmail;
  private final String fromName;
  private final Clock clock;

  /** @param clock gives the receipts' acceptance time */
  public MailjetEmailProvider(String name, MailjetClient client, String fromEmail, String fromName, Clock clock) {
    super(name, ChannelKind.EMAIL);
    this.client = client;
    this.fromEmail = fromEmail;
    this.fromName = fromName;
    this.clock = clock;
  }

  @Override
  public Future<Receipt> send(Message message) {
    JSONObject mail = new JSONObject()
        .put(Emailv31.Message.FROM, new JSONObject().put("Email", fromEmail).put("Name", fromName))
        .put(Emailv31.Message.TO, new JSONArray().put(new JSONObject().put("Email", message.to())))
        .put(Emailv31.Message.SUBJECT, message.subject() == null ? "" : message.subject())
        .put(Emailv31.Message.TEXTPART, message.text())
        .put(Emailv31.Message.CUSTOMID, message.purpose());
    if (!message.attachments().isEmpty()) {
      JSONArray files = new JSONArray();
      message.attachments().forEach(a -> files.put(new JSONObject().put("ContentType", a.contentType())
          .put("Filename", a.filename()).put("Base64Content", java.util.Base64.getEncoder().encodeToString(a.content()))));
      mail.put(Emailv31.Message.ATTACHMENTS, files);
    }
    MailjetRequest request = new MailjetRequest(Emailv31.resource)
        .property(Emailv31.MESSAGES, new JSONArray().put(mail));
    return MailjetCalls.post(name, client, request).compose(this::receipt);
  }

  private Future<Receipt> receipt(MailjetResponse response) {
    try {
      JSONObject first = new JSONObject(response.getRawResponseContent()).getJSONArray("Messages").getJSONObject(0);
      if (!"success".equals(first.optString("Status"))) {
        String recipient = MailjetCalls.recipientErrorCode(first);
        if (recipient != null) {
          return Future.failedFuture(ProviderException.rejected(name + " refused the recipient (" + recipient + ")"));
        }
        JSONArray errors = first.optJSONArray("Errors");
        String code = errors != null && !errors.isEmpty() ? errors.getJSONObject(0).optString("ErrorCode") : "?";
        return Future.failedFuture(ProviderException.misconfigured(name + " refused the message ("
            + code.replaceAll("[^\\w.-]", "") + ")"));
      }
      JSONObject to = first.getJSONArray("To").getJSONObject(0);
      String id = to.has("MessageUUID") ? to.getString("MessageUUID") : String.valueOf(to.opt("MessageID"));
      return Future.succeededFuture(new Receipt(name, id, clock.instant()));
    } catch (JSONException e) {
      return Future.failedFuture(ProviderException.transientFailure(name + " answered an unexpected body", e));
    }
  }

  /**
   * Mailjet's event webhook posts one event object or an array of them. {@code sent} (accepted by the
   * recipient's server) is delivered; {@code bounce} and {@code blocked} are failures; other events (opens,
   * clicks...) are left out. Messages are matched by {@code Message_GUID}, the MessageUUID of the receipt.
   */
  @Override
  public java.util.List<Report> reports(Call call) {
    java.util.List<Report> out = new java.util.ArrayList<>();
    try {
      String body = call.body() == null ? "" : call.body().strip();
      JSONArray events = body.startsWith("[") ? new JSONArray(body) : new JSONArray().put(new JSONObject(body));
      for (int i = 0; i < events.length(); i++) {
        JSONObject e = events.getJSONObject(i);
        String id = e.optString("Message_GUID", "");
        String event = e.optString("event", "");
        if (id.isEmpty()) {
          continue;
        }
        switch (event) {
          case "sent" -> out.add(new Report(id, true, "mailjet sent"));
          case "bounce", "blocked" -> out.add(new Report(id, false, "mailjet " + event
              + (e.optBoolean("hard_bounce", false) ? " (hard)" : "") + " " + e.optString("error", "")));
          default -> { }
        }
      }
    } catch (JSONException e) {
      throw new IllegalArgumentException("a Mailjet event webhook posts JSON events");
    }
    return out;
  }

  /**
   * Type {@code mailjet-email}. Options: {@code baseUrl} ({@code https://api.mailjet.com}), {@code from}
   * (required), {@code fromName} (Sesame), {@code timeout}. Secrets: {@code SESAME_PROVIDER_<NAME>_API_KEY},
   * {@code SESAME_PROVIDER_<NAME>_API_SECRET}.
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "mailjet-email";
    }

    @Override
    public List<ProviderOption> options() {
      return List.of(ProviderOption.required("from"), ProviderOption.text("fromName"), ProviderOption.text("baseUrl"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return List.of("apiKey", "apiSecret");
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      MailjetClient client = new MailjetClient(MailjetCalls.options(s).apiKey(s.secret("apiKey"))
          .apiSecretKey(s.secret("apiSecret")).build());
      return new MailjetEmailProvider(s.name(), client, s.required("from"), s.optional("fromName", "Sesame"),
          context.clock());
    }
  }
}
