package fr.sesame.gateway.http;

import fr.sesame.gateway.admission.Admission;
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

  /**
   * How long a request whose body has been read may go unanswered before the gateway answers it 500 itself: no
   * route legitimately takes that long before its first byte (a login waits seconds at most for its code's send),
   * so this only ever catches a bug (an exception lost in an asynchronous callback, a future never completed) and
   * turns what would be a hang into an answer and an ERROR naming the route. A streamed answer (a CSV, a PDF) has
   * begun by then; an upload still being read is left to its own limits.
   */
  public static final java.time.Duration UNANSWERED = java.time.Duration.ofSeconds(60);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiRouter.class);

  /** Mounts {@code groups} on a new router of {@code vertx}. */
  public static Router create(Vertx vertx, HttpConfig http, GatewayMetrics metrics, List<RouteGroup> groups) {
    return create(vertx, http, metrics, groups, UNANSWERED, null);
  }

  /**
   * As {@link #create(Vertx, HttpConfig, GatewayMetrics, List)}, feeding {@code admission} its signals: the
   * requests in flight, their latency, and this event loop's delay (a probe timer every
   * {@link Admission#PROBE_MILLIS} ms on the calling verticle's context).
   */
  public static Router create(Vertx vertx, HttpConfig http, GatewayMetrics metrics, List<RouteGroup> groups,
                              Admission admission) {
    if (admission != null && admission.enabled()) {
      long[] due = {System.nanoTime() + Admission.PROBE_MILLIS * 1_000_000L};
      vertx.setPeriodic(Admission.PROBE_MILLIS, id -> {
        long now = System.nanoTime();
        admission.loopDelay(Math.max(0, now - due[0]));
        due[0] = now + Admission.PROBE_MILLIS * 1_000_000L;
      });
    }
    return create(vertx, http, metrics, groups, UNANSWERED, admission);
  }

  /** The context key set on a request held back at the door: its latency is not a load signal. */
  public static final String HELD = "sesame.held";

  /** As {@link #create(Vertx, HttpConfig, GatewayMetrics, List)}, a request unanswered after {@code unanswered}. */
  static Router create(Vertx vertx, HttpConfig http, GatewayMetrics metrics, List<RouteGroup> groups,
                       java.time.Duration unanswered) {
    return create(vertx, http, metrics, groups, unanswered, null);
  }

  private static Router create(Vertx vertx, HttpConfig http, GatewayMetrics metrics, List<RouteGroup> groups,
                               java.time.Duration unanswered, Admission admission) {
    boolean signals = admission != null && admission.enabled();
    Router router = Router.router(vertx);
    router.allowForward(switch (http.forwarded()) {
      case "forward" -> AllowForwardHeaders.FORWARD;
      case "x-forward" -> AllowForwardHeaders.X_FORWARD;
      case "all" -> AllowForwardHeaders.ALL;
      default -> AllowForwardHeaders.NONE;
    });
    router.route().handler(ctx -> {
      long start = System.nanoTime();
      if (signals) {
        admission.requestStarted();
        ctx.addEndHandler(v -> admission.requestEnded(Boolean.TRUE.equals(ctx.get(HELD))
            || !Admission.journeyStep(ctx.get(Routes.ROUTE)) ? -1 : System.nanoTime() - start));
      }
      String id = FailureHandler.requestId(ctx);
      ctx.response().putHeader("X-Request-Id", id).putHeader("X-Content-Type-Options", "nosniff");
      ctx.addBodyEndHandler(v -> {
        String route = ctx.get(Routes.ROUTE);
        String method = method(ctx.request().method());
        long nanos = System.nanoTime() - start;
        metrics.request(route == null ? "unmatched" : route, method, ctx.response().getStatusCode(), nanos);
        access(method, route == null ? "unmatched" : route, ctx.response().getStatusCode(), nanos, id);
      });
      long timer = vertx.setTimer(unanswered.toMillis(), t -> {
        if (!ctx.response().ended() && !ctx.response().headWritten() && ctx.request().isEnded()
            && !ctx.response().closed()) {
          LOG.error("request {} (route {}) had no answer after {} ms: answered 500 (a bug: a failure was lost)", id,
              (Object) ctx.get(Routes.ROUTE), unanswered.toMillis());
          fr.sesame.gateway.http.problem.FailureHandler.write(ctx, fr.sesame.gateway.problem.ProblemType.INTERNAL,
              null, new io.vertx.core.json.JsonObject());
        }
      });
      ctx.addEndHandler(v -> vertx.cancelTimer(timer));
      ctx.next();
    });
    Routes routes = new Routes(http.maxJsonBytes());
    groups.forEach(g -> g.mount(router, routes));
    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 414, 415, 431, 500, 501, 503}) {
      router.errorHandler(status, failures.forStatus(status));
    }
    return router;
  }

  /**
   * A route of a router: its method, its path in Vert.x syntax ({@code /v1/notifications/:id}) and its name
   * (null for a route mounted without {@link Routes}).
   */
  public record RouteEntry(String method, String path, String name) {}

  /**
   * Every route of {@code router} that has a path, one entry per method (in mounting order); the handlers that
   * run for every path (request id, failures) are left out.
   */
  public static List<RouteEntry> table(Router router) {
    List<RouteEntry> entries = new java.util.ArrayList<>();
    for (io.vertx.ext.web.Route route : router.getRoutes()) {
      if (route.getPath() == null) {
        continue;
      }
      java.util.Set<io.vertx.core.http.HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        entries.add(new RouteEntry("*", route.getPath(), route.getName()));
      } else {
        methods.forEach(m -> entries.add(new RouteEntry(m.name(), route.getPath(), route.getName())));
      }
    }
    return List.copyOf(entries);
  }

  /**
   * The access log: one line per request, with the route's name (never the raw path, which may hold an id, a
   * token or a contact), the status, the duration and the request id. Logger {@code fr.sesame.gateway.access}.
   */
  public static void access(String method, String route, int status, long nanos, String requestId) {
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info("{} {} {} {}ms {}", method, route, status, millis(nanos), requestId);
    }
  }

  /** {@code nanos} in milliseconds with one decimal, rounded half up, as {@code "%.1f"} wrote it (without a Formatter). */
  static String millis(long nanos) {
    long tenths = (Math.max(0, nanos) + 50_000) / 100_000;
    return (tenths / 10) + "." + (tenths % 10);
  }

  private static final org.slf4j.Logger ACCESS = org.slf4j.LoggerFactory.getLogger("fr.sesame.gateway.access");
  private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE",
      "PATCH", "OPTIONS");

  /** The method as a label: one of the standard ones, else {@code OTHER} (a client may send any token). */
  public static String method(io.vertx.core.http.HttpMethod method) {
    String name = method.name();
    return METHODS.contains(name) ? name : "OTHER";
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(fr.sesame.gateway.domain.JsonText.encode(body));
  }

  /** A sink that writes chunks to a chunked response, each written before the next is asked for. */
  public static Function<String, Future<Void>> chunks(RoutingContext ctx) {
    return chunk -> ctx.response().write(chunk);
  }
}
