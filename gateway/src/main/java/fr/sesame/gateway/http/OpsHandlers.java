package fr.sesame.gateway.http;

import fr.sesame.ratelimit.redis.RedisAccess;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** Liveness, readiness (Redis answers PING within a second) and Prometheus metrics. */
final class OpsHandlers {
  private final RedisAccess redis;
  private final PrometheusMeterRegistry registry;

  OpsHandlers(RedisAccess redis, PrometheusMeterRegistry registry) {
    this.redis = redis;
    this.registry = registry;
  }

  void mount(Router router, ApiRouter.Routes routes) {
    routes.plain(router.get("/health/live"), "health-live",
        ctx -> ApiRouter.json(ctx, 200, new JsonObject().put("status", "UP")));
    routes.plain(router.get("/health/ready"), "health-ready", this::ready);
    routes.plain(router.get("/metrics"), "metrics", ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
  }

  private void ready(RoutingContext ctx) {
    redis.await(redis.commands().ping()).timeout(Duration.ofSeconds(1))
        .onSuccess(pong -> ApiRouter.json(ctx, 200, new JsonObject().put("status", "UP").put("redis", "UP")))
        .onFailure(e -> ApiRouter.json(ctx, 503, new JsonObject().put("status", "DOWN").put("redis", "DOWN")));
  }
}
