package fr.sesame.gateway.http.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser without JavaScript does, over real HTTP: follows nothing by itself, keeps the cookies the
 * gateway sets (by hand: the JDK's cookie store never sends a {@code Secure} cookie over http, which a browser
 * does to localhost), reads forms' hidden fields and posts them.
 */
public final class FormClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  public final Map<String, String> cookies = new LinkedHashMap<>();
  public String acceptLanguage = "fr-FR,fr;q=0.9";

  public FormClient(int port) {
    this.base = "http://localhost:" + port;
  }

  public record Page(int status, String location, String body, HttpResponse<String> raw) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String csrf() {
      Matcher m = CSRF.matcher(body);
      if (!m.find()) {
        throw new AssertionError("no CSRF field in\n" + body);
      }
      return m.group(1);
    }
  }

  public Page get(String pathOrUrl) {
    return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET());
  }

  public Page post(String pathOrUrl, Map<String, String> form) {
    return postRaw(pathOrUrl, "application/x-www-form-urlencoded", encode(form));
  }

  public Page postBytes(String pathOrUrl, String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Page postRaw(String pathOrUrl, String contentType, String body) {
    return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public static String encode(Map<String, String> form) {
    return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  private URI uri(String pathOrUrl) {
    return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
  }

  private Page send(HttpRequest.Builder builder) {
    builder.timeout(Duration.ofSeconds(20)).header("Accept-Language", acceptLanguage);
    if (!cookies.isEmpty()) {
      builder.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining("; ")));
    }
    try {
      HttpResponse<String> r = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      for (String set : r.headers().allValues("Set-Cookie")) {
        String pair = set.split(";", 2)[0];
        int eq = pair.indexOf('=');
        cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return new Page(r.statusCode(), r.headers().firstValue("Location").orElse(null), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
