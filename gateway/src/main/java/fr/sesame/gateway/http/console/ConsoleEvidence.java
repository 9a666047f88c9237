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
  private final fr.sesame.gateway.evidence.SealService seals;

  ConsoleEvidence(ConsoleKit kit, EvidenceBundle bundle, fr.sesame.gateway.evidence.SealService seals) {
    this.kit = kit;
    this.bundle = bundle;
    this.seals = seals;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/" + FILE), "console-evidence", kit.signedIn(this::download));
    routes.plain(router.get("/console/e/:election/scellements/:n"), "console-seal-pdf", kit.signedIn(this::sealPdf));
  }

  /** A seal's report (PDF), the one emailed to the bureau members: organiser, bureau, expert; not support. */
  private void sealPdf(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    if (role.get() == StaffRole.SUPPORT) {
      kit.message(ctx, 403, lang, "c.forbiddenTitle", List.of(kit.pages.text(lang, "c.forbidden.1")), "/console",
          kit.pages.text(lang, "cBackHome"));
      return;
    }
    String electionId = ctx.pathParam("election");
    String n = ctx.pathParam("n");
    long number = n.matches("[1-9][0-9]{0,8}\\.pdf") ? Long.parseLong(n.substring(0, n.length() - 4)) : -1;
    seals.pdf(electionId, number).onSuccess(pdf -> {
      if (pdf.isEmpty()) {
        kit.message(ctx, 404, lang, "c.sealNotFoundTitle", List.of(kit.pages.text(lang, "c.sealNotFound.1")),
            "/console/e/" + electionId, kit.pages.text(lang, "cBackElection"));
        return;
      }
      ctx.response().putHeader("Content-Type", "application/pdf").putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"scellement-" + electionId + "-" + number
              + ".pdf\"")
          .end(io.vertx.core.buffer.Buffer.buffer(pdf.get()));
    }).onFailure(ctx::fail);
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
