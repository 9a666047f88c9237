package fr.sesame.gateway.http.console;

import fr.sesame.gateway.evidence.EvidenceBundle;
import fr.sesame.gateway.http.ApiKeyAuth;
import fr.sesame.gateway.http.ApiRouter;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * The evidence bundle for the independent expert (organiser, bureau, expert; not support), through the same service
 * as {@code GET /v1/admin/elections/{id}/evidence}: its export audited under the person's id.
 */
final class ConsoleEvidence {
  static final String FILE = "preuves.jsonl";
  private final ConsoleKit kit;
  private final EvidenceBundle bundle;

  ConsoleEvidence(ConsoleKit kit, EvidenceBundle bundle) {
    this.kit = kit;
    this.bundle = bundle;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/" + FILE), "console-evidence", kit.signedIn(this::download));
  }

  private void download(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.overseer(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    bundle.export(electionId, new fr.sesame.gateway.domain.ClientInfo(ApiKeyAuth.client(ctx).ip(), who.actor()), () -> {
      ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson")
          .putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"evidence-" + electionId + ".jsonl\"");
      return ApiRouter.chunks(ctx);
    }).onSuccess(v -> ctx.response().end()).onFailure(err -> {
      if (ctx.response().headWritten()) {
        ctx.response().reset();
      } else {
        ctx.fail(err);
      }
    });
  }
}
