package fr.sesame.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** Adds the shared handlers of a route: its name (for metrics) and, for JSON routes, the bounded body. */
public final class Routes {
  static final String ROUTE = "routeName";
  private final BodyHandler body;

  Routes(int maxJsonBytes) {
    this.body = BodyHandler.create(false).setBodyLimit(maxJsonBytes);
  }

  /** A route whose body (if any) is JSON, read in memory up to the configured limit. */
  @SafeVarargs
  public final void json(Route route, String name, Handler<RoutingContext>... chain) {
    route.handler(body); // Vert.x wants body handlers first: a 413 is counted as "unmatched"
    plain(route, name, chain);
  }

  /** A route without a body, or one that streams it itself. */
  @SafeVarargs
  public final void plain(Route route, String name, Handler<RoutingContext>... chain) {
    route.handler(ctx -> {
      ctx.put(ROUTE, name);
      ctx.next();
    });
    for (Handler<RoutingContext> h : chain) {
      route.handler(h);
    }
  }
}
