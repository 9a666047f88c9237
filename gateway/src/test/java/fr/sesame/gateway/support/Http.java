package fr.sesame.gateway.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A blocking HTTP client for tests, on Vert.x WebClient. */
public final class Http implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final WebClient client;
  private final int port;

  public Http(int port) {
    this.port = port;
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
  }

  /** A response as the tests read it. */
  public record Res(int status, MultiMap headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String contentType() {
      return headers.get("Content-Type");
    }

    public String problemType() {
      return json().getString("type");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public io.vertx.core.Future<Res> async(HttpMethod method, String path, String key, String contentType, Buffer body) {
    HttpRequest<Buffer> req = client.request(method, port, "127.0.0.1", path);
    if (key != null) {
      req.putHeader("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    var f = body == null ? req.send() : req.sendBuffer(body);
    return f.map(r -> new Res(r.statusCode(), r.headers(), r.bodyAsString() == null ? "" : r.bodyAsString()));
  }

  public Res call(HttpMethod method, String path, String key, String contentType, Buffer body) {
    return await(async(method, path, key, contentType, body));
  }

  public Res post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, null, "application/json", Buffer.buffer(body.encode()));
  }

  public Res post(String path, String key, JsonObject body) {
    return call(HttpMethod.POST, path, key, "application/json", Buffer.buffer(body.encode()));
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

  /** Runs all the calls at once and waits for every answer. */
  public List<Res> parallel(List<io.vertx.core.Future<Res>> calls) {
    List<Res> out = new ArrayList<>();
    for (var f : calls) {
      out.add(await(f));
    }
    return out;
  }

  /**
   * Polls {@code GET /v1/notifications/{id}} (bounded, 15 s) until its status is one of {@code statuses}.
   * @return the notification's status document
   */
  public JsonObject awaitNotification(String platformKey, String id, String... statuses) {
    java.util.Set<String> wanted = java.util.Set.of(statuses);
    long until = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < until) {
      Res r = get("/v1/notifications/" + id, platformKey);
      if (r.status() == 200) {
        last = r.json();
        if (wanted.contains(last.getString("status"))) {
          return last;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("notification " + id + " never reached " + wanted + "; last: " + last);
  }

  /** A French mobile number no other test uses. */
  public static String randomPhone() {
    return "+3361" + String.format("%07d", Math.floorMod(java.util.UUID.randomUUID().hashCode(), 10_000_000));
  }

  public static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("call failed: " + e, e);
    }
  }

  @Override
  public void close() {
    client.close();
    vertx.close();
  }
}
