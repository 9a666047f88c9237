package fr.sesame.gateway;

import fr.sesame.gateway.config.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Function;

/**
 * One event loop serving the API. Several instances share the port and the services the composition root
 * built; each has a router of its own, and its Redis commands go over its loop's own connection.
 */
final class HttpVerticle extends VerticleBase {
  private final HttpConfig http;
  private final Function<Vertx, Router> routers;

  HttpVerticle(HttpConfig http, Function<Vertx, Router> routers) {
    this.http = http;
    this.routers = routers;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(http.port()).setHost(http.host())
            .setIdleTimeout(120).setCompressionSupported(false)
            // the roll upload streams its body itself: answer "Expect: 100-continue" for it
            .setHandle100ContinueAutomatically(true))
        .requestHandler(routers.apply(vertx))
        .listen();
  }
}
