package fr.sesame.loadtests.env;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fast provider for load tests that speaks OVH's SMS API (what the gateway's real {@code ovh-sms} adapter
 * calls: {@code GET /1.0/auth/time}, {@code POST /1.0/sms/{service}/jobs}) and keeps the last code sent to
 * each number, for the simulation to read. It answers at once, as a provider at the far end of a fast
 * network would; signatures are not checked (the adapter's own tests do that).
 */
public final class ProviderSink implements AutoCloseable {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, String> codes = new ConcurrentHashMap<>();
  private final AtomicLong sms = new AtomicLong();

  private ProviderSink(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static ProviderSink start() throws Exception {
    Vertx vertx = Vertx.vertx();
    ProviderSink[] self = new ProviderSink[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().endsWith("/auth/time")) {
        req.response().end(Long.toString(Instant.now().getEpochSecond()));
        return;
      }
      req.body().onSuccess(body -> {
        if (req.path().endsWith("/jobs")) {
          JsonObject job = new JsonObject(body);
          String to = job.getJsonArray("receivers").getString(0);
          Matcher m = CODE.matcher(job.getString("message", "").replace(" ", "").replace(",", ""));
          if (m.find()) {
            self[0].codes.put(to, m.group(1));
          }
          long id = self[0].sms.incrementAndGet();
          req.response().putHeader("Content-Type", "application/json").end("{\"ids\":[" + id
              + "],\"validReceivers\":[\"" + to + "\"],\"invalidReceivers\":[],\"totalCreditsRemoved\":1}");
        } else {
          req.response().setStatusCode(404).end();
        }
      });
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    self[0] = new ProviderSink(vertx, server);
    return self[0];
  }

  /** The OVH API's base URL, for the {@code ovh-sms} provider's {@code endpoint}. */
  public String ovhEndpoint() {
    return "http://127.0.0.1:" + server.actualPort() + "/1.0";
  }

  /** Takes the last code sent to {@code phone}; null when none arrived (yet). */
  public String takeCode(String phone) {
    return codes.remove(phone);
  }

  public long smsReceived() {
    return sms.get();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
