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
      return ProviderException.forHttpStatus(name, r.getStatusCode(), null);
    }
    return ProviderException.transientFailure(name + " unreachable: " + t.getClass().getSimpleName(), t);
  }
}
