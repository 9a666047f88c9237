package fr.sesame.gateway.http;

import fr.sesame.gateway.health.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Liveness, readiness (Redis answers PING within a second) and Prometheus metrics. */
public final class OpsHandlers implements RouteGroup {
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;

  public OpsHandlers(Readiness readiness, PrometheusMeterRegistry registry) {
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get("/health/live"), "health-live",
        ctx -> ApiRouter.json(ctx, 200, new JsonObject().put("status", "UP")));
    routes.plain(router.get("/health/ready"), "health-ready", this::ready);
    routes.plain(router.get("/metrics"), "metrics", ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
  }

  private void ready(RoutingContext ctx) {
    readiness.check().onSuccess(up -> ApiRouter.json(ctx, up ? 200 : 503,
        new JsonObject().put("status", up ? "UP" : "DOWN").put("redis", up ? "UP" : "DOWN")));
  }
}
