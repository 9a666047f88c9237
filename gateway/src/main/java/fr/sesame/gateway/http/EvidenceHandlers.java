package fr.sesame.gateway.http;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.evidence.EvidenceBundle;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * The evidence for the independent expert: an election's evidence bundle ({@link EvidenceBundle}), verified
 * offline by {@code verify-bundle}, and the public key that signs it.
 */
public final class EvidenceHandlers implements RouteGroup {
  private final ElectionService elections;
  private final AuditTrail audit;
  private final EvidenceBundle bundle;
  private final EvidenceKey key;
  private final Clock clock;
  private final ApiKeyAuth auth;

  public EvidenceHandlers(ElectionService elections, AuditTrail audit, EvidenceBundle bundle, EvidenceKey key,
                          Clock clock, ApiKeyAuth auth) {
    this.elections = elections;
    this.audit = audit;
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
  }

  /** The bundle, JSON lines; its export is audited first (so the bundle holds its own export's event). */
  private void export(RoutingContext ctx) {
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections)
        .compose(e -> audit.record(e.id(), AuditEvent.of(clock.instant(), "evidence.export", client.actor(),
            client.ip(), "success", "kid", key.kid())).map(e))
        .onSuccess(e -> {
          ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson")
              .putHeader("Content-Disposition", "attachment; filename=\"evidence-" + e.id() + ".jsonl\"");
          bundle.write(e.id(), ApiRouter.chunks(ctx))
              .onSuccess(v -> ctx.response().end()).onFailure(err -> ctx.response().reset());
        }).onFailure(ctx::fail);
  }

  private void key(RoutingContext ctx) {
    ApiRouter.json(ctx, 200, EvidenceBundle.publicKey(key).put("pem", key.publicKeyPem()));
  }
}
