package fr.sesame.channels.provider.mailjet;

import com.mailjet.client.ClientOptions;
import com.mailjet.client.MailjetClient;
import com.mailjet.client.MailjetRequest;
import com.mailjet.client.MailjetResponse;
import com.mailjet.client.errors.MailjetClientRequestException;
import com.mailjet.client.errors.MailjetRateLimitException;
import com.mailjet.client.errors.MailjetServerException;
import com.mailjet.client.errors.MailjetUnauthorizedException;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.channels.spi.SdkCalls;
import io.vertx.core.Future;
import java.time.Duration;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Runs Mailjet SDK calls without blocking: {@code postAsync} (OkHttp's own dispatcher) and back to the
 * caller's Vert.x context; turns the SDK's exceptions into {@link ProviderException}s.
 */
final class MailjetCalls {
  private MailjetCalls() {}

  static ClientOptions.ClientOptionsBuilder options(ProviderSettings s) {
    Duration timeout = s.duration("timeout", Duration.ofSeconds(3));
    // OkHttp allows 5 concurrent requests per host by default: far below a campaign's needs
    Dispatcher dispatcher = new Dispatcher();
    int concurrent = s.integer("maxConcurrent", 200);
    dispatcher.setMaxRequests(concurrent);
    dispatcher.setMaxRequestsPerHost(concurrent);
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(timeout.plusSeconds(1)).dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(Math.min(concurrent, 64), 5, java.util.concurrent.TimeUnit.MINUTES))
        .build();
    return ClientOptions.builder().baseUrl(s.optional("baseUrl", "https://api.mailjet.com")).okHttpClient(http);
  }

  static Future<MailjetResponse> post(String name, MailjetClient client, MailjetRequest request) {
    return SdkCalls.onCaller(client.postAsync(request), t -> classify(name, t));
  }

  static Future<MailjetResponse> get(String name, MailjetClient client, MailjetRequest request) {
    return SdkCalls.onCaller(client.getAsync(request), t -> classify(name, t));
  }

  private static ProviderException classify(String name, Throwable t) {
    if (t instanceof MailjetRateLimitException) {
      return ProviderException.forHttpStatus(name, 429, null);
    }
    if (t instanceof MailjetServerException) {
      return ProviderException.transientFailure(name + " answered a server error", null);
    }
    if (t instanceof MailjetUnauthorizedException) {
      return ProviderException.misconfigured(name + " refused our credentials");
    }
    if (t instanceof MailjetClientRequestException r) {
      // the SDK puts the answer's body in the message: Mailjet's error names what it is about
      String code = recipientErrorCode(r.getMessage());
      return code != null ? ProviderException.rejected(name + " refused the recipient (" + code + ")")
          : ProviderException.forHttpStatus(name, r.getStatusCode(), null);
    }
    return ProviderException.transientFailure(name + " unreachable: " + t.getClass().getSimpleName(), t);
  }

  /**
   * The error code when a Mailjet error body says the recipient is wrong, else null. Mailjet's errors
   * ({@code {"ErrorCode":"mj-0013","ErrorMessage":"...","ErrorRelatedTo":["To[0].Email"],"StatusCode":400}},
   * alone or in a message's {@code Errors}) name the field at fault in {@code ErrorRelatedTo}: only errors
   * that all point at {@code To}, {@code Cc} or {@code Bcc} are the recipient's; the same code on
   * {@code From.Email} is our sender.
   */
  static String recipientErrorCode(String body) {
    try {
      return body == null || !body.trim().startsWith("{") ? null : recipientErrorCode(new JSONObject(body));
    } catch (JSONException e) {
      return null;
    }
  }

  static String recipientErrorCode(JSONObject json) {
    JSONArray errors = json.optJSONArray("Errors");
    if (errors == null) {
      errors = new JSONArray().put(json);
    }
    String code = null;
    for (int i = 0; i < errors.length(); i++) {
      JSONObject e = errors.optJSONObject(i);
      JSONArray related = e == null ? null : e.optJSONArray("ErrorRelatedTo");
      if (related == null || related.isEmpty()) {
        return null;
      }
      for (int j = 0; j < related.length(); j++) {
        if (!related.optString(j).matches("(To|Cc|Bcc)(\\[\\d+\\])?(\\.\\w+)?")) {
          return null;
        }
      }
      code = e.optString("ErrorCode", "?");
    }
    return code == null ? null : code.replaceAll("[^\\w.-]", "");
  }
}
