package fr.sesame.gateway.http;

import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.AuditStore;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.LoginService;
import fr.sesame.gateway.auth.SessionService;
import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.problem.FailureHandler;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.gateway.store.VoterStore;
import fr.sesame.ratelimit.redis.RedisAccess;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;

/** Builds the router: every route named for metrics, every error rendered as problem+json. */
public final class ApiRouter {
  private static final String ROUTE = "routeName";

  private ApiRouter() {}

  /** Adds the shared handlers of a route. */
  static final class Routes {
    private final BodyHandler body;

    Routes(int maxJsonBytes) {
      this.body = BodyHandler.create(false).setBodyLimit(maxJsonBytes);
    }

    /** A route whose body (if any) is JSON, read in memory up to the configured limit. */
    @SafeVarargs
    final void json(Route route, String name, Handler<RoutingContext>... chain) {
      route.handler(body); // Vert.x wants body handlers first: a 413 is counted as "unmatched"
      route.handler(named(name));
      for (Handler<RoutingContext> h : chain) {
        route.handler(h);
      }
    }

    /** A route without a body, or one that streams it itself. */
    @SafeVarargs
    final void plain(Route route, String name, Handler<RoutingContext>... chain) {
      route.handler(named(name));
      for (Handler<RoutingContext> h : chain) {
        route.handler(h);
      }
    }

    private static Handler<RoutingContext> named(String name) {
      return ctx -> {
        ctx.put(ROUTE, name);
        ctx.next();
      };
    }
  }

  /** What the routes serve. {@code devOutbox} is null outside dev mode. */
  public record Services(GatewayConfig config, Clock clock, LoginService logins, SessionService sessions,
                         SupportService support, ElectionService elections, VoterStore voters,
                         EmargementStore emargements, AuditTrail audit, AuditStore auditStore, VoterKeys keys,
                         KeyedHasher hasher, FieldCipher cipher, GatewayMetrics metrics,
                         PrometheusMeterRegistry registry, RedisAccess redis, DevOutbox devOutbox,
                         NotificationService notifications, TemplateCatalog templates,
                         fr.sesame.channels.Notifier notifier) {}

  public static Router create(Vertx vertx, Services s) {
    GatewayConfig c = s.config();
    int maxJsonBytes = c.http().maxJsonBytes();
    String forwarded = c.http().forwarded();
    GatewayMetrics metrics = s.metrics();
    ApiKeyAuth auth = new ApiKeyAuth(c.apiKeys(), s.hasher());
    RollUpload rolls = new RollUpload(s.elections(), s.voters(), s.keys(), s.hasher(), s.cipher(), s.audit(),
        s.clock(), c.http().maxRollBytes());
    Router router = Router.router(vertx);
    router.allowForward(switch (forwarded) {
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
        String route = ctx.get(ROUTE);
        metrics.request(route == null ? "unmatched" : route, ctx.request().method().name(),
            ctx.response().getStatusCode(), System.nanoTime() - start);
      });
      ctx.next();
    });
    Routes routes = new Routes(maxJsonBytes);
    new LoginHandlers(s.logins(), s.elections(), s.clock(), c.otp().digits()).mount(router, routes);
    new PlatformHandlers(s.sessions(), s.support(), s.elections(), s.emargements(), s.clock())
        .mount(router, routes, auth);
    new SupportHandlers(s.support(), s.elections()).mount(router, routes, auth);
    new AdminHandlers(s.elections(), s.audit(), s.auditStore(), rolls, s.clock()).mount(router, routes, auth);
    new OpsHandlers(s.redis(), s.registry()).mount(router, routes);
    new NotificationHandlers(s.notifications(), s.templates(), s.notifier(), s.elections(), s.audit(), s.clock())
        .mount(router, routes, auth);
    if (s.devOutbox() != null) {
      new DevHandlers(s.devOutbox()).mount(router, routes);
    }
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
}
