package fr.sesame.gateway;

import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.TlsConfig;
import fr.sesame.gateway.http.HttpEdge;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop serving the API. Several instances share the port and the services the composition root
 * built; each has a router of its own, and its Redis commands go over its loop's own connection.
 *
 * <p>With {@link HttpConfig#tls()} it serves HTTPS only: TLS 1.2 and 1.3, HTTP/2 or HTTP/1.1 chosen by ALPN, and
 * {@code Strict-Transport-Security} on every answer. Every {@link TlsConfig#checkEvery()} it compares the PEM
 * files' stamps with the loaded ones; a change that has held still for one period is loaded into the running
 * server (new connections get the new certificate, open ones keep theirs) and logged at INFO, once per gateway.
 * A certificate or key that cannot be loaded is logged at WARN and the previous one kept.
 */
final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** One year; no {@code includeSubDomains}: the gateway does not speak for its domain's other hosts. */
  static final String HSTS = "max-age=31536000";
  private final HttpConfig http;
  private final Function<Vertx, Router> routers;
  private final Duration grace;
  private HttpServer server;
  private TlsFiles.Stamp loaded;
  private TlsFiles.Stamp seen;

  /** @param grace how long {@link #stop()} lets the requests being served finish */
  HttpVerticle(HttpConfig http, Function<Vertx, Router> routers, Duration grace) {
    this.http = http;
    this.routers = routers;
    this.grace = grace;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions().setPort(http.port()).setHost(http.host())
        .setIdleTimeout(120).setCompressionSupported(false)
        // no HTTP/2 in clear text (h2c): HTTP/2 only over TLS, where ALPN negotiates it
        .setHttp2ClearTextEnabled(false)
        // the roll upload streams its body itself: answer "Expect: 100-continue" for it
        .setHandle100ContinueAutomatically(true);
    // HTTP/2: the codec answers a header block over this itself (a bare 431); HttpEdge checks the 8 KB limit
    options.getInitialSettings().setMaxHeaderListSize(HttpEdge.H2_HEADER_LIST_LIMIT);
    if (!HttpEdge.webSocketsDisabled()
        && vertx.sharedData().getLocalMap("sesame.https").putIfAbsent("websockets", Boolean.TRUE) == null) {
      LOG.warn("Vert.x's WebSocket dispatch is on (its HTTP server loaded before {} was set): a WebSocket "
          + "upgrade gets Vert.x's plain-text 400 instead of a problem", "vertx.disableWebsockets");
    }
    Handler<HttpServerRequest> requests = HttpEdge.guard(routers.apply(vertx));
    Handler<HttpServerRequest> invalid = HttpEdge::invalid;
    TlsConfig tls = http.tls();
    if (tls != null) {
      loaded = TlsFiles.Stamp.of(tls);
      seen = loaded;
      options.setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setEnabledSecureTransportProtocols(TlsConfig.PROTOCOLS).setKeyCertOptions(TlsFiles.keyCert(tls));
      requests = hsts(requests);
      invalid = hsts(invalid);
    }
    server = vertx.createHttpServer(options)
        .requestHandler(requests)
        .invalidRequestHandler(invalid)
        .webSocketHandshakeHandler(HttpEdge::noWebSocket);
    Future<HttpServer> listening = server.listen();
    if (tls == null) {
      return listening;
    }
    return listening.onSuccess(s -> {
      logOnce("started", "HTTPS on {}:{} (TLSv1.2, TLSv1.3; h2, http/1.1): certificate {}, {}", http.host(),
          s.actualPort(), tls.cert(), TlsFiles.describe(tls.cert()));
      vertx.setPeriodic(tls.checkEvery().toMillis(), id -> checkFiles(tls));
    });
  }

  /** The port it listens on, once started (the one chosen when {@code http.port} is 0). */
  int actualPort() {
    return server.actualPort();
  }

  private static Handler<HttpServerRequest> hsts(Handler<HttpServerRequest> next) {
    return req -> {
      req.response().putHeader("Strict-Transport-Security", HSTS);
      next.handle(req);
    };
  }

  /** Loads the PEM files again once their stamp has changed and then held still for one period. */
  private void checkFiles(TlsConfig tls) {
    TlsFiles.Stamp now = TlsFiles.Stamp.of(tls);
    if (now == null || now.equals(loaded) || !now.equals(seen)) {
      seen = now; // missing (being replaced), unchanged, or still changing: look again next period
      return;
    }
    loaded = now; // tried once per change: a bad pair is reported once, not every period
    server.updateSSLOptions(TlsFiles.sslOptions(tls), true).onComplete(done -> {
      if (done.succeeded()) {
        logOnce("reloaded-" + now, "HTTPS certificate reloaded from {}: {}", tls.cert(),
            TlsFiles.describe(tls.cert()));
      } else {
        // the cause names the file or the PEM structure, never the key's bytes
        LOG.warn("HTTPS certificate {} and key {} could not be loaded ({}); still serving the previous ones",
            tls.cert(), tls.key(), done.cause().toString());
      }
    });
  }

  /** Logs {@code event} at INFO from one of the gateway's event loops only (they all load the same files). */
  private void logOnce(String event, String format, Object... args) {
    if (vertx.sharedData().getLocalMap("sesame.https").putIfAbsent(event, Boolean.TRUE) == null) {
      LOG.info(format, args);
    }
  }

  /**
   * Stops accepting connections at once, closes the idle ones, lets the requests in flight be answered (each of
   * their connections closes after its answer), and closes what is still open after the grace period.
   */
  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    Future<Void> done = server.shutdown(grace);
    LOG.info("HTTP event loop {}: no longer accepts connections; answering the requests in flight", context.deploymentID());
    return done;
  }
}
