package fr.sesame.channels.provider.ovh;

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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/**
 * SMS through the OVHcloud API, {@code POST /sms/{serviceName}/jobs}, signed as OVH asks (no OVH Java
 * client exists on Maven Central): headers {@code X-Ovh-Application}, {@code X-Ovh-Consumer},
 * {@code X-Ovh-Timestamp} and {@code X-Ovh-Signature} =
 * {@code "$1$" + hex(SHA-1(appSecret+"+"+consumerKey+"+"+METHOD+"+"+url+"+"+body+"+"+timestamp))}.
 * The timestamp is corrected by the delta to {@code GET /auth/time}, read once. A number OVH lists in
 * {@code invalidReceivers} is a rejection; every error OVH answers in its body
 * ({@code {"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":...}}) is about our
 * credentials, our clock or our request, never the recipient: {@code QUERY_TIME_OUT} (our timestamp is out
 * of OVH's window) is transient and reads OVH's clock again, the others are misconfigurations.
 */
public final class OvhSmsProvider extends NamedProvider implements DeliveryReports {
  private final WebClient http;
  private final String endpoint;
  private final String serviceName;
  private final String sender;
  private final int validityMinutes;
  private final String applicationKey;
  private final String applicationSecret;
  private final String consumerKey;
  private final Clock clock;
  // read by every event loop sharing this provider; a race only reads OVH's clock twice
  private volatile Future<Long> timeDelta;

  public OvhSmsProvider(String name, WebClient http, String endpoint, String serviceName, String sender,
                        int validityMinutes, String applicationKey, String applicationSecret, String consumerKey,
                        Clock clock) {
    super(name, ChannelKind.SMS);
    this.http = http;
    this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    this.serviceName = serviceName;
    this.sender = sender;
    this.validityMinutes = validityMinutes;
    this.applicationKey = applicationKey;
    this.applicationSecret = applicationSecret;
    this.consumerKey = consumerKey;
    this.clock = clock;
  }

  @Override
  public Future<Receipt> send(Message message) {
    String url = endpoint + "/sms/" + serviceName + "/jobs";
    JsonObject job = new JsonObject().put("charset", "UTF-8").put("message", message.text())
        .put("noStopClause", true).put("priority", "high").put("receivers", new JsonArray().add(message.to()))
        .put("validityPeriod", validityMinutes);
    if (sender == null) {
      job.put("senderForResponse", true);
    } else {
      job.put("sender", sender).put("senderForResponse", false);
    }
    String body = job.encode();
    return delta().compose(delta -> {
      String timestamp = Long.toString(clock.instant().getEpochSecond() + delta);
      return http.postAbs(url)
          .putHeader("Content-Type", "application/json")
          .putHeader("X-Ovh-Application", applicationKey)
          .putHeader("X-Ovh-Consumer", consumerKey)
          .putHeader("X-Ovh-Timestamp", timestamp)
          .putHeader("X-Ovh-Signature", sign(applicationSecret, consumerKey, "POST", url, body, timestamp))
          .sendBuffer(Buffer.buffer(body, "UTF-8"));
    }).recover(e -> Future.failedFuture(e instanceof ProviderException ? e
        : ProviderException.transientFailure(name + " unreachable: " + e.getClass().getSimpleName(), e)))
        .compose(res -> answer(res, message.to()));
  }

  private Future<Receipt> answer(HttpResponse<Buffer> res, String to) {
    if (res.statusCode() / 100 != 2) {
      return Future.failedFuture(failure(res));
    }
    JsonObject json;
    try {
      json = res.bodyAsJsonObject();
    } catch (DecodeException | NullPointerException e) {
      return Future.failedFuture(ProviderException.transientFailure(name + " answered no JSON", e));
    }
    JsonArray invalid = json.getJsonArray("invalidReceivers", new JsonArray());
    JsonArray ids = json.getJsonArray("ids", new JsonArray());
    if (invalid.contains(to)) {
      return Future.failedFuture(ProviderException.rejected(name + " refused the receiver"));
    }
    if (ids.isEmpty()) { // no job and our number not named: OVH's answer, not the recipient, is at fault
      return Future.failedFuture(ProviderException.misconfigured(name + " created no job and refused no receiver"));
    }
    return Future.succeededFuture(new Receipt(name, String.valueOf(ids.getValue(0)), clock.instant()));
  }

  /**
   * An error answer. OVH's error body names the error in {@code errorCode} (its own clients switch on it:
   * {@code INVALID_CREDENTIAL}, {@code NOT_CREDENTIAL}, {@code INVALID_KEY}, {@code NOT_GRANTED_CALL} with
   * 403, {@code INVALID_SIGNATURE} with 400); the code, never the message, goes into ours.
   */
  private ProviderException failure(HttpResponse<Buffer> res) {
    String code = errorCode(res);
    if ("QUERY_TIME_OUT".equals(code)) {
      timeDelta = null; // our timestamp left OVH's window: read OVH's clock again before the retry
      return ProviderException.transientFailure(name + " found our timestamp out of time (QUERY_TIME_OUT)", null);
    }
    ProviderException p = ProviderException.forHttpStatus(name, res.statusCode(),
        ProviderException.retryAfter(res.getHeader("Retry-After")));
    return code == null ? p
        : new ProviderException(p.kind(), p.getMessage() + " (" + code + ")", p.retryAfter(), null);
  }

  private static String errorCode(HttpResponse<Buffer> res) {
    try {
      JsonObject body = res.bodyAsJsonObject();
      String code = body == null ? null : body.getString("errorCode");
      return code != null && code.matches("[A-Z_]{1,64}") ? code : null;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /**
   * OVH calls the SMS account's {@code callBack} URL (a service-level setting, not per job) with {@code id},
   * {@code ptt}, {@code date}, {@code description} and {@code descriptionDlr} in the query string.
   * {@code description} 1 is delivered, 2 and 16 are failures, 0, 4 and 8 are intermediate (left out).
   */
  @Override
  public java.util.List<Report> reports(Call call) {
    String id = call.query().get("id");
    String dlr = call.query().get("description");
    if (id == null || id.isBlank() || dlr == null) {
      throw new IllegalArgumentException("an OVH delivery report has id and description");
    }
    String reason = "OVH DLR " + dlr + (call.query().get("ptt") == null ? "" : " (ptt " + call.query().get("ptt") + ")");
    return switch (dlr.trim()) {
      case "1" -> java.util.List.of(new Report(id, true, reason));
      case "2", "16" -> java.util.List.of(new Report(id, false, reason));
      case "0", "4", "8" -> java.util.List.of();
      default -> throw new IllegalArgumentException("unknown OVH DLR description " + dlr);
    };
  }

  /** The difference between OVH's clock and ours, in seconds; 0 when it cannot be read (tried again later). */
  private Future<Long> delta() {
    if (timeDelta == null || timeDelta.failed()) {
      timeDelta = http.getAbs(endpoint + "/auth/time").send().map(r -> {
        long ovh = Long.parseLong(r.bodyAsString().trim());
        return ovh - clock.instant().getEpochSecond();
      }).otherwise(e -> {
        timeDelta = null;
        return 0L;
      });
    }
    return timeDelta;
  }

  /** The OVH signature: {@code "$1$" + hex(SHA-1(secret+"+"+consumer+"+"+method+"+"+url+"+"+body+"+"+timestamp))}. */
  public static String sign(String applicationSecret, String consumerKey, String method, String url, String body,
                            String timestamp) {
    String toSign = String.join("+", applicationSecret, consumerKey, method, url, body, timestamp);
    try {
      return "$1$" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(toSign.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Type {@code ovh-sms}. Options: {@code endpoint} (default {@code https://eu.api.ovh.com/1.0}),
   * {@code serviceName} (required, e.g. {@code sms-ab12345-1}), {@code sender} (a registered sender; absent:
   * a short number that can receive answers), {@code validityMinutes} (10: a code is useless after that).
   * Secrets: {@code SESAME_PROVIDER_<NAME>_APPLICATION_KEY}, {@code _APPLICATION_SECRET}, {@code _CONSUMER_KEY}.
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "ovh-sms";
    }

    @Override
    public List<ProviderOption> options() {
      return List.of(ProviderOption.required("serviceName"), ProviderOption.text("sender"),
          ProviderOption.text("endpoint"), ProviderOption.integer("validityMinutes"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return List.of("applicationKey", "applicationSecret", "consumerKey");
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      WebClient http = WebClient.create(context.vertx(), new WebClientOptions().setUserAgent("sesame-gateway")
          .setConnectTimeout(2000).setKeepAlive(true));
      return new OvhSmsProvider(s.name(), http, s.optional("endpoint", "https://eu.api.ovh.com/1.0"),
          s.required("serviceName"), s.optional("sender", null), s.integer("validityMinutes", 10),
          s.secret("applicationKey"), s.secret("applicationSecret"), s.secret("consumerKey"), context.clock());
    }
  }
}
