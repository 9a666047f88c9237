package fr.sesame.testkit;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking HTTP client for tests, on Vert.x {@link WebClient} and a Vert.x of its own (keep-alive, up to
 * 64 connections). Each call waits for its answer (bounded by {@link Await#DEFAULT_TIMEOUT}); {@link #async}
 * and {@link #parallel} send several at once. Close it after the test class.
 */
public final class Http implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final WebClient client;
  private final String host;
  private final int port;
  private final String prefix;

  /** A client of {@code http://127.0.0.1:<port>}. */
  public Http(int port) {
    this("http://127.0.0.1:" + port);
  }

  /**
   * A client of {@code baseUrl} ({@code http://host:port} or {@code https://host:port}, whose certificate is
   * trusted whatever it is, maybe with a path prefix): paths are appended as
   * they are, not parsed, so a test can send malformed ones.
   */
  public Http(String baseUrl) {
    URI uri = URI.create(baseUrl);
    boolean https = "https".equals(uri.getScheme());
    if (!https && !"http".equals(uri.getScheme()) || uri.getPort() < 0) {
      throw new IllegalArgumentException("an http or https URL with a port: " + baseUrl);
    }
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.prefix = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    WebClientOptions options = new WebClientOptions().setKeepAlive(true);
    if (https) { // a test server's self-signed certificate
      options.setSsl(true).setTrustAll(true).setVerifyHost(false);
    }
    this.client = WebClient.create(vertx, options,
        new PoolOptions().setHttp1MaxSize(64));
  }

  /** A response as the tests read it. */
  public record Res(int status, MultiMap headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String contentType() {
      return headers.get("Content-Type");
    }

    /** The {@code type} of an RFC 9457 problem document. */
    public String problemType() {
      return json().getString("type");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /**
   * Sends a request without waiting.
   * @param key         a bearer token for {@code Authorization}, or null
   * @param contentType or null
   * @param body        or null for none
   */
  public Future<Res> async(HttpMethod method, String path, String key, String contentType, Buffer body) {
    HttpRequest<Buffer> req = client.request(method, port, host, prefix + path);
    if (key != null) {
      req.putHeader("Authorization", "Bearer " + LeakGuard.secret(key));
    }
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    if (body != null && body.length() < 1 << 20) {
      LeakGuard.fromRequest(contentType, body.toString());
    }
    var f = body == null ? req.send() : req.sendBuffer(body);
    return f.map(Http::res);
  }

  public Res call(HttpMethod method, String path, String key, String contentType, Buffer body) {
    return Await.await(async(method, path, key, contentType, body));
  }

  public Res post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, null, "application/json", Buffer.buffer(body.encode()));
  }

  public Res post(String path, String key, JsonObject body) {
    return call(HttpMethod.POST, path, key, "application/json", Buffer.buffer(body.encode()));
  }

  /** A JSON POST with these extra request headers (e.g. {@code Idempotency-Key}), without an API key. */
  public Res post(String path, java.util.Map<String, String> headers, JsonObject body) {
    HttpRequest<Buffer> req = client.request(HttpMethod.POST, port, host, prefix + path);
    headers.forEach(req::putHeader);
    req.putHeader("Content-Type", "application/json");
    LeakGuard.fromRequest("application/json", body.encode());
    return Await.await(req.sendBuffer(Buffer.buffer(body.encode())).map(Http::res));
  }

  /** The response, whose tokens the {@link LeakGuard} learns. */
  private static Res res(io.vertx.ext.web.client.HttpResponse<Buffer> r) {
    String body = r.bodyAsString() == null ? "" : r.bodyAsString();
    LeakGuard.fromResponse(body);
    return new Res(r.statusCode(), r.headers(), body);
  }

  public Res postRaw(String path, String key, String contentType, byte[] body) {
    return call(HttpMethod.POST, path, key, contentType, Buffer.buffer(body));
  }

  public Res put(String path, String key, JsonObject body) {
    return call(HttpMethod.PUT, path, key, "application/json", Buffer.buffer(body.encode()));
  }

  public Res get(String path, String key) {
    return call(HttpMethod.GET, path, key, null, null);
  }

  /** Waits for every answer of calls already sent (with {@link #async}), in their order. */
  public List<Res> parallel(List<Future<Res>> calls) {
    List<Res> out = new ArrayList<>();
    for (var f : calls) {
      out.add(Await.await(f));
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
    vertx.close();
  }
}
