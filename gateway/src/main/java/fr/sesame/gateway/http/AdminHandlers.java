package fr.sesame.gateway.http;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditStore;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.audit.AuditVerifier;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.election.Election;
import fr.sesame.gateway.election.ElectionService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** Organisers' API: elections, the voter roll, the audit trail. */
final class AdminHandlers {
  private final ElectionService elections;
  private final AuditTrail audit;
  private final AuditStore auditStore;
  private final AuditVerifier verifier;
  private final RollUpload rolls;
  private final Clock clock;

  AdminHandlers(ElectionService elections, AuditTrail audit, AuditStore auditStore, RollUpload rolls, Clock clock) {
    this.elections = elections;
    this.audit = audit;
    this.auditStore = auditStore;
    this.verifier = new AuditVerifier(auditStore);
    this.rolls = rolls;
    this.clock = clock;
  }

  void mount(Router router, ApiRouter.Routes routes, ApiKeyAuth auth) {
    String base = "/v1/admin/elections/:electionId";
    routes.json(router.put(base), "election-put", auth.require(Role.ADMIN), this::put);
    routes.plain(router.get(base), "election-get", auth.require(Role.ADMIN), this::get);
    routes.plain(router.post(base + "/voters"), "roll-import", auth.require(Role.ADMIN), rolls::handle);
    routes.plain(router.get(base + "/audit"), "audit-export", auth.require(Role.ADMIN), this::export);
    routes.plain(router.get(base + "/audit/verify"), "audit-verify", auth.require(Role.ADMIN), this::verify);
  }

  private void put(RoutingContext ctx) {
    String id = ctx.pathParam("electionId");
    if (!Election.ID.matcher(id).matches()) {
      throw JsonInput.invalid("the election id must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    Election election = ElectionRequest.parse(id, JsonInput.read(ctx, ElectionRequest.FIELDS));
    var client = ApiKeyAuth.client(ctx);
    elections.put(election).compose(created -> audit.record(id, AuditEvent.of(clock.instant(), "election.put",
            client.actor(), client.ip(), created ? "created" : "updated", "election", election.toJson()))
        .map(created))
        .onSuccess(created -> ApiRouter.json(ctx, created ? 201 : 200, election.toJson()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    Paths.election(ctx, elections).onSuccess(e -> ApiRouter.json(ctx, 200, e.toJson())).onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> verifier.verify(e.id()))
        .onSuccess(v -> ApiRouter.json(ctx, 200, v.toJson())).onFailure(ctx::fail);
  }

  /**
   * JSON lines, oldest first: {@code {"id":..,"hash":..,"event":{..}}}. {@code hash} is the SHA-256 (hex) of
   * the exact bytes of {@code event} as written here, so anyone can re-check the chains.
   */
  private void export(RoutingContext ctx) {
    Paths.election(ctx, elections).onSuccess(e -> {
      HttpServerResponse res = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
      exportPage(e.id(), "-", res).onSuccess(v -> res.end()).onFailure(err -> res.reset());
    }).onFailure(ctx::fail);
  }

  private Future<Void> exportPage(String electionId, String after, HttpServerResponse res) {
    return auditStore.range(electionId, after, 1000).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture();
      }
      StringBuilder out = new StringBuilder();
      for (AuditStore.Stored s : events) {
        out.append("{\"id\":\"").append(s.id()).append("\",\"hash\":\"").append(s.hash()).append("\",\"event\":")
            .append(s.json()).append("}\n");
      }
      Promise<Void> written = Promise.promise();
      res.write(out.toString()).onComplete(written);
      return written.future().compose(v -> events.size() < 1000 ? Future.succeededFuture()
          : exportPage(electionId, events.get(events.size() - 1).id(), res));
    });
  }


}
