package fr.sesame.gateway.http;

import fr.sesame.gateway.audit.AuditExport;
import fr.sesame.gateway.audit.AuditVerifier;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionDefinitions;
import fr.sesame.gateway.election.ElectionService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Organisers' API: elections and the audit trail (the voter roll: {@link RollImportHandlers}). */
public final class AdminHandlers implements RouteGroup {
  private final ElectionService elections;
  private final ElectionDefinitions definitions;
  private final AuditExport auditExport;
  private final AuditVerifier verifier;
  private final ApiKeyAuth auth;

  public AdminHandlers(ElectionService elections, ElectionDefinitions definitions, AuditExport auditExport,
                       AuditVerifier verifier, ApiKeyAuth auth) {
    this.elections = elections;
    this.definitions = definitions;
    this.auditExport = auditExport;
    this.verifier = verifier;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    String base = "/v1/admin/elections/:electionId";
    routes.json(router.put(base), "election-put", auth.require(Role.ADMIN), this::put);
    routes.plain(router.get(base), "election-get", auth.require(Role.ADMIN), this::get);
    routes.plain(router.get(base + "/audit"), "audit-export", auth.require(Role.ADMIN), this::export);
    routes.plain(router.get(base + "/audit/verify"), "audit-verify", auth.require(Role.ADMIN), this::verify);
  }

  private void put(RoutingContext ctx) {
    String id = ctx.pathParam("electionId");
    if (!Election.ID.matcher(id).matches()) {
      throw JsonInput.invalid("the election id must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    Election election = ElectionRequest.parse(id, JsonInput.read(ctx, ElectionRequest.FIELDS));
    definitions.put(election, ApiKeyAuth.client(ctx))
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

  /** JSON lines, oldest first ({@link AuditExport}). */
  private void export(RoutingContext ctx) {
    Paths.election(ctx, elections).onSuccess(e -> {
      ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
      auditExport.export(e.id(), ApiRouter.chunks(ctx))
          .onSuccess(v -> ctx.response().end()).onFailure(err -> ctx.response().reset());
    }).onFailure(ctx::fail);
  }
}
