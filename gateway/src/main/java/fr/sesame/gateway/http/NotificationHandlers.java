package fr.sesame.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.auth.Contacts;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.http.problem.ProblemException;
import fr.sesame.gateway.http.problem.ProblemType;
import fr.sesame.gateway.notify.NotificationService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code POST /v1/notifications} (202, durable) and {@code GET /v1/notifications/{id}}; role platform. */
final class NotificationHandlers {
  private static final Set<String> FIELDS = Set.of("channel", "to", "template", "lang", "data", "idempotencyKey",
      "electionId");
  private final NotificationService notifications;
  private final TemplateCatalog templates;
  private final fr.sesame.channels.Notifier notifier;
  private final fr.sesame.gateway.election.ElectionService elections;
  private final fr.sesame.gateway.audit.AuditTrail audit;
  private final java.time.Clock clock;

  NotificationHandlers(NotificationService notifications, TemplateCatalog templates,
                       fr.sesame.channels.Notifier notifier, fr.sesame.gateway.election.ElectionService elections,
                       fr.sesame.gateway.audit.AuditTrail audit, java.time.Clock clock) {
    this.notifications = notifications;
    this.templates = templates;
    this.notifier = notifier;
    this.elections = elections;
    this.audit = audit;
    this.clock = clock;
  }

  void mount(Router router, ApiRouter.Routes routes, ApiKeyAuth auth) {
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
    var reader = notifier.webhook(provider, ctx.pathParam("token"));
    if (reader.isEmpty()) {
      throw new ProblemException(ProblemType.UNAUTHORIZED, "unknown webhook or wrong token");
    }
    Map<String, String> query = new HashMap<>();
    ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
    java.util.List<fr.sesame.channels.spi.DeliveryReports.Report> reports;
    try {
      reports = reader.get().reports(new fr.sesame.channels.spi.DeliveryReports.Call(ctx.request().method().name(),
          query, body));
    } catch (IllegalArgumentException e) {
      throw JsonInput.invalid(e.getMessage());
    }
    notifications.applyReports(provider, reports)
        .onSuccess(n -> ApiRouter.json(ctx, 200, new JsonObject().put("reports", reports.size()).put("applied", n)))
        .onFailure(ctx::fail);
  }

  private void accept(RoutingContext ctx) {
    NotificationService.Request request = parse(JsonInput.read(ctx, FIELDS));
    var client = ApiKeyAuth.client(ctx);
    Future<java.util.Set<String>> regions = request.electionId() == null
        ? Future.succeededFuture(fr.sesame.ratelimit.fraud.PhoneRules.FRANCE_WITH_OVERSEAS)
        : elections.find(request.electionId()).compose(e -> e.isPresent() ? Future.succeededFuture(e.get().phoneRegions())
            : Future.failedFuture(new ProblemException(ProblemType.ELECTION_NOT_FOUND, null)));
    regions.<Void>map(allowed -> {
      PhoneChecks.requireAllowed("to", request.to(), allowed, request.channel());
      return null;
    }).compose(v -> notifications.accept(request, client)).compose(a -> {
      if (a.refused() != null) {
        return Future.failedFuture(a.refused().suspended()
            ? RateLimitHeaders.tooMany(a.refused().decision(), ProblemType.SENDS_SUSPENDED,
                "sends to this number's block or country are suspended (" + a.refused().breaker().name() + ")")
            : RateLimitHeaders.tooMany(a.refused().decision(), ProblemType.RATE_LIMITED,
                "this number has received as many messages as allowed for now"));
      }
      if (!a.created() || request.electionId() == null) {
        return Future.succeededFuture(a);
      }
      String masked = switch (request.channel()) {
        case EMAIL -> Contacts.maskEmail(request.to());
        case POST -> "*** " + request.to().substring(request.to().lastIndexOf('\n') + 1, request.to().lastIndexOf('\n') + 3)
            + "***"; // the department only
        default -> Contacts.maskPhone(request.to());
      };
      return audit.record(request.electionId(), AuditEvent.of(clock.instant(), "notification.accepted",
          client.actor(), client.ip(), "queued", "notification", a.id(), "template", request.template(),
          "channel", request.channel().wireName(), "to", masked)).map(a);
    }).onSuccess(a -> ApiRouter.json(ctx, 202, new JsonObject().put("id", a.id()))).onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    notifications.status(ctx.pathParam("id")).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(new ProblemException(ProblemType.NOTIFICATION_NOT_FOUND, null));
      } else {
        ApiRouter.json(ctx, 200, found.get());
      }
    }).onFailure(ctx::fail);
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
    if (electionId != null && !fr.sesame.gateway.election.Election.ID.matcher(electionId).matches()) {
      throw JsonInput.invalid("'electionId' must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    return new NotificationService.Request(channel, to.get(), name, lang, values, key, electionId);
  }
}
