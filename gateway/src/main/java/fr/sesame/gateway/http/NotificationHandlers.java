package fr.sesame.gateway.http;

import fr.sesame.gateway.domain.SendRefusal;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.DeliveryReports;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.notify.DeliveryReportApplier;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.ratelimit.fraud.PhoneRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code POST /v1/notifications} (202, durable) and {@code GET /v1/notifications/{id}}; role platform. */
public final class NotificationHandlers implements RouteGroup {
  private final NotificationService notifications;
  private final DeliveryReportApplier deliveryReports;
  private final TemplateCatalog templates;
  private final Notifier notifier;
  private final ElectionService elections;
  private final ApiKeyAuth auth;

  public NotificationHandlers(NotificationService notifications, DeliveryReportApplier deliveryReports,
                              TemplateCatalog templates, Notifier notifier, ElectionService elections,
                              ApiKeyAuth auth) {
    this.notifications = notifications;
    this.deliveryReports = deliveryReports;
    this.templates = templates;
    this.notifier = notifier;
    this.elections = elections;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.json(router.post("/v1/notifications"), "notification-accept", auth.require(Role.PLATFORM), this::accept);
    routes.plain(router.get("/v1/notifications/:id"), "notification-status", auth.require(Role.PLATFORM),
        this::status);
    // Providers call these; each authenticates with its own secret token in the path. Two names: each is an
    // operationId in openapi.yaml, which must be unique (the metrics tell the two apart by method anyway).
    routes.plain(router.get("/v1/webhooks/:provider/:token"), "webhook-get", this::webhook);
    routes.json(router.post("/v1/webhooks/:provider/:token"), "webhook-post", this::webhook);
  }

  /** A provider's delivery report (OVH: GET with a query string; Mailjet: POST of JSON events). */
  private void webhook(RoutingContext ctx) {
    String provider = ctx.pathParam("provider");
    DeliveryReports reader = notifier.webhook(provider, ctx.pathParam("token")).orElseThrow(() ->
        new ProblemException(ProblemType.UNAUTHORIZED, "unknown webhook or wrong token"));
    List<DeliveryReports.Report> reports = reports(ctx, reader);
    deliveryReports.apply(provider, reports)
        .onSuccess(n -> ApiRouter.json(ctx, 200, new JsonObject().put("reports", reports.size()).put("applied", n)))
        .onFailure(ctx::fail);
  }

  private static List<DeliveryReports.Report> reports(RoutingContext ctx, DeliveryReports reader) {
    Map<String, String> query = new HashMap<>();
    ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
    try {
      return reader.reports(new DeliveryReports.Call(ctx.request().method().name(), query, body));
    } catch (IllegalArgumentException e) {
      throw JsonInput.invalid(e.getMessage());
    }
  }

  private void accept(RoutingContext ctx) {
    NotificationService.Request request = NotificationRequest.parse(JsonInput.read(ctx, NotificationRequest.FIELDS), templates);
    regions(request).compose(allowed -> {
          PhoneChecks.requireAllowed("to", request.to(), allowed, request.channel());
          return notifications.accept(request, ApiKeyAuth.client(ctx));
        })
        .compose(a -> a.refused() == null ? Future.succeededFuture(a) : Future.failedFuture(refusal(a.refused())))
        .onSuccess(a -> ApiRouter.json(ctx, 202, new JsonObject().put("id", a.id()))).onFailure(ctx::fail);
  }

  /** The countries whose numbers may receive it: the election's, else France with its overseas territories. */
  private Future<Set<String>> regions(NotificationService.Request request) {
    return request.electionId() == null ? Future.succeededFuture(PhoneRules.FRANCE_WITH_OVERSEAS)
        : elections.find(request.electionId()).compose(e -> e.isPresent()
            ? Future.succeededFuture(e.get().phoneRegions())
            : Future.failedFuture(new ProblemException(ProblemType.ELECTION_NOT_FOUND, null)));
  }

  private static ProblemException refusal(SendRefusal refused) {
    return refused.suspended()
        ? RateLimitHeaders.tooMany(refused.decision(), ProblemType.SENDS_SUSPENDED,
            "sends to this number's block or country are suspended (" + refused.breaker().name() + ")")
        : RateLimitHeaders.tooMany(refused.decision(), ProblemType.RATE_LIMITED,
            "this number has received as many messages as allowed for now");
  }

  private void status(RoutingContext ctx) {
    notifications.status(ctx.pathParam("id"))
        .compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
            : Future.failedFuture(new ProblemException(ProblemType.NOTIFICATION_NOT_FOUND, null)))
        .onSuccess(json -> ApiRouter.json(ctx, 200, json)).onFailure(ctx::fail);
  }
}
