package fr.sesame.gateway.http;

import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.http.problem.FailureHandler;
import fr.sesame.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/** Builds the router: every route named for metrics, every error rendered as problem+json. */
public final class ApiRouter {
  private ApiRouter() {}

  /** Mounts {@code groups} on a new router of {@code vertx}. */
  public static Router create(Vertx vertx, HttpConfig http, GatewayMetrics metrics, List<RouteGroup> groups) {
    Router router = Router.router(vertx);
    router.allowForward(switch (http.forwarded()) {
      case "forward" -> AllowForwardHeaders.FORWARD;
      case "x-forward" -> AllowForwardHeaders.X_FORWARD;
      case "all" -> AllowForwardHeaders.ALL;
      default -> AllowForwardHeaders.NONE;
    });
    router.route().handler(ctx -> {
      long start = System.nanoTime();
      String id = FailureHandler.requestId(ctx);
      ctx.response().putHeader("X-Request-Id", id).putHeader("X-Content-Type-Options", "nosniff");
      ctx.addBodyEndHandler(v -> {
        String route = ctx.get(Routes.ROUTE);
        metrics.request(route == null ? "unmatched" : route, ctx.request().method().name(),
            ctx.response().getStatusCode(), System.nanoTime() - start);
      });
      ctx.next();
    });
    Routes routes = new Routes(http.maxJsonBytes());
    groups.forEach(g -> g.mount(router, routes));
    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 415, 500, 503}) {
      router.errorHandler(status, failures);
    }
    return router;
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }

  /** A sink that writes chunks to a chunked response, each written before the next is asked for. */
  static Function<String, Future<Void>> chunks(RoutingContext ctx) {
    return chunk -> ctx.response().write(chunk);
  }
}
