package fr.sesame.gateway;

import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.http.HttpEdge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop serving the API. Several instances share the port and the services the composition root
 * built; each has a router of its own, and its Redis commands go over its loop's own connection.
 */
final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private final HttpConfig http;
  private final Function<Vertx, Router> routers;
  private final Duration grace;
  private HttpServer server;

  /** @param grace how long {@link #stop()} lets the requests being served finish */
  HttpVerticle(HttpConfig http, Function<Vertx, Router> routers, Duration grace) {
    this.http = http;
    this.routers = routers;
    this.grace = grace;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setPort(http.port()).setHost(http.host())
            .setIdleTimeout(120).setCompressionSupported(false)
            // no HTTP/2 in clear text (h2c): HTTP/2 only over TLS, where ALPN negotiates it
            .setHttp2ClearTextEnabled(false)
            // the roll upload streams its body itself: answer "Expect: 100-continue" for it
            .setHandle100ContinueAutomatically(true))
        .requestHandler(HttpEdge.guard(routers.apply(vertx)))
        .invalidRequestHandler(HttpEdge::invalid)
        .webSocketHandshakeHandler(HttpEdge::noWebSocket);
    return server.listen();
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
