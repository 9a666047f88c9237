package fr.sesame.gateway.http;

import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.evidence.EvidenceBundle;
import fr.sesame.gateway.evidence.IncidentLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * The election's incident log ({@link IncidentLog}), and the evidence for the independent expert: an election's evidence bundle ({@link EvidenceBundle}), verified
 * offline by {@code verify-bundle}, and the public key that signs it.
 */
public final class EvidenceHandlers implements RouteGroup {
  private final ElectionService elections;
  private final EvidenceBundle bundle;
  private final EvidenceKey key;
  private final Clock clock;
  private final ApiKeyAuth auth;
  private final IncidentLog incidents;
  private static final java.util.Set<String> INCIDENT_FIELDS = java.util.Set.of("severity", "summary");

  public EvidenceHandlers(ElectionService elections, EvidenceBundle bundle, EvidenceKey key,
                          IncidentLog incidents, Clock clock, ApiKeyAuth auth) {
    this.incidents = incidents;
    this.elections = elections;
    this.bundle = bundle;
    this.key = key;
    this.clock = clock;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get("/v1/admin/elections/:electionId/evidence"), "evidence-export", auth.require(Role.ADMIN),
        this::export);
    routes.plain(router.get("/v1/admin/evidence/key"), "evidence-key", auth.require(Role.ADMIN), this::key);
    routes.json(router.post("/v1/admin/elections/:electionId/incidents"), "incident-record", auth.require(Role.ADMIN),
        this::recordIncident);
    routes.plain(router.get("/v1/admin/elections/:electionId/incidents"), "incident-list", auth.require(Role.ADMIN),
        this::listIncidents);
  }

  /** An incident an organiser records: audited, and the bureau alerted. */
  private void recordIncident(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, INCIDENT_FIELDS);
    String severity = in.string("severity", 16);
    if (!IncidentLog.SEVERITIES.contains(severity)) {
      throw JsonInput.invalid("'severity' must be one of " + String.join(", ", IncidentLog.SEVERITIES));
    }
    String summary = in.string("summary", IncidentLog.MAX_SUMMARY).strip();
    if (summary.isEmpty()) {
      throw JsonInput.invalid("'summary' must say what happened");
    }
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).compose(e -> incidents.record(e, severity, summary, client))
        .onSuccess(incident -> ApiRouter.json(ctx, 201, incident)).onFailure(ctx::fail);
  }

  private void listIncidents(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> incidents.list(e.id()))
        .onSuccess(list -> ApiRouter.json(ctx, 200, new JsonObject().put("incidents", new JsonArray(list))))
        .onFailure(ctx::fail);
  }

  /** The bundle, JSON lines; its export is audited first (so the bundle holds its own export's event). */
  private void export(RoutingContext ctx) {
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).onSuccess(e -> bundle.export(e.id(), client, () -> {
      ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson")
          .putHeader("Content-Disposition", "attachment; filename=\"evidence-" + e.id() + ".jsonl\"");
      return ApiRouter.chunks(ctx);
    }).onSuccess(v -> ctx.response().end()).onFailure(err -> {
      if (ctx.response().headWritten()) {
        ctx.response().reset(); // cut part-way: the file has no manifest, the verifier says it is truncated
      } else {
        ctx.fail(err);
      }
    })).onFailure(ctx::fail);
  }

  private void key(RoutingContext ctx) {
    ApiRouter.json(ctx, 200, EvidenceBundle.publicKey(key).put("pem", key.publicKeyPem()));
  }
}
