package fr.sesame.gateway.http;

import fr.sesame.gateway.domain.SendRefusal;
import com.fasterxml.jackson.databind.JsonNode;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.DeliveryReports;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.Election;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code POST /v1/notifications} (202, durable) and {@code GET /v1/notifications/{id}}; role platform. */
public final class NotificationHandlers implements RouteGroup {
  private static final Set<String> FIELDS = Set.of("channel", "to", "template", "lang", "data", "idempotencyKey",
      "electionId");
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
    // Providers call these; each authenticates with its own secret token in the path.
    routes.plain(router.get("/v1/webhooks/:provider/:token"), "webhook", this::webhook);
    routes.json(router.post("/v1/webhooks/:provider/:token"), "webhook", this::webhook);
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
    NotificationService.Request request = parse(JsonInput.read(ctx, FIELDS));
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

  private NotificationService.Request parse(JsonInput in) {
    String channelName = in.string("channel", 16);
    ChannelKind channel = ChannelKind.fromWire(channelName).orElseThrow(() ->
        JsonInput.invalid("'channel' must be email, sms, voice or post"));
    String name = in.string("template", 64);
    TemplateCatalog.Spec spec = templates.spec(name).orElseThrow(() ->
        JsonInput.invalid("unknown 'template'; known: login-code, access-codes, access-letter, vote-receipt, "
            + "bureau-alert"));
    if (!spec.channels().contains(channel)) {
      throw JsonInput.invalid("template " + name + " is not sent by " + channel.wireName());
    }
    String rawTo = in.string("to", 254);
    Optional<String> to = switch (channel) {
      case EMAIL -> Contacts.email(rawTo);
      case POST -> Contacts.postalAddress(rawTo);
      default -> Contacts.phone(rawTo, null);
    };
    if (to.isEmpty()) {
      throw JsonInput.invalid(switch (channel) {
        case EMAIL -> "'to' must be an email address";
        case POST -> "'to' must be a French postal address: 2 to 6 lines of at most 38 characters, "
            + "the last one the postal code and town";
        default -> "'to' must be a valid phone number in E.164 form, such as +33612345678";
      });
    }
    String lang = Optional.ofNullable(in.optionalString("lang", 2)).orElse("fr");
    if (!TemplateCatalog.LANGUAGES.contains(lang)) {
      throw JsonInput.invalid("'lang' must be fr or en");
    }
    JsonNode data = in.node("data");
    if (data == null || !data.isObject()) {
      throw JsonInput.invalid("'data' must be an object with the template's fields " + spec.fields());
    }
    Map<String, String> values = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!spec.fields().contains(f.getKey())) {
        throw JsonInput.invalid("'data' has a field the template does not use; it takes " + spec.fields());
      }
      JsonNode v = f.getValue();
      if (!(v.isTextual() || v.isNumber()) || v.asText().length() > 1000) {
        throw JsonInput.invalid("data." + f.getKey() + " must be a string or a number of at most 1000 characters");
      }
      values.put(f.getKey(), v.asText());
    }
    for (String field : spec.fields()) {
      if (!values.containsKey(field)) {
        throw JsonInput.invalid("data." + field + " is required");
      }
    }
    String key = in.string("idempotencyKey", 128);
    String electionId = in.optionalString("electionId", 64);
    if (electionId != null && !Election.ID.matcher(electionId).matches()) {
      throw JsonInput.invalid("'electionId' must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    return new NotificationService.Request(channel, to.get(), name, lang, values, key, electionId);
  }
}
