package fr.sesame.gateway.http;

import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.evidence.IntegrityChecker;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An election's integrity check ({@link IntegrityChecker}, issue 16 point 3), the admin key's: its last period's
 * result and its signed reports, a full check run on demand (its signed report), and a report's PDF.
 */
public final class IntegrityHandlers implements RouteGroup {
  private final ElectionService elections;
  private final IntegrityChecker checker;
  private final ApiKeyAuth auth;

  public IntegrityHandlers(ElectionService elections, IntegrityChecker checker, ApiKeyAuth auth) {
    this.elections = elections;
    this.checker = checker;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get("/v1/admin/elections/:electionId/integrity"), "election-integrity",
        auth.require(Role.ADMIN), this::status);
    routes.plain(router.post("/v1/admin/elections/:electionId/integrity/checks"), "election-integrity-check",
        auth.require(Role.ADMIN), this::check);
    routes.plain(router.get("/v1/admin/elections/:electionId/integrity/reports/:report/pdf"),
        "election-integrity-report-pdf", auth.require(Role.ADMIN), this::pdf);
  }

  private void status(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> checker.reports(e.id()).map(all -> {
      JsonArray reports = new JsonArray();
      all.forEach(r -> reports.add(new JsonObject(r.line())));
      return new JsonObject().put("last", checker.last(e.id()).orElse(null)).put("reports", reports);
    })).onSuccess(body -> ApiRouter.json(ctx, 200, body)).onFailure(ctx::fail);
  }

  private void check(RoutingContext ctx) {
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).compose(e -> checker.full(e, "on-demand", client.actor()).recover(err ->
            err instanceof IllegalStateException ? Future.failedFuture(new ProblemException(ProblemType.ELECTION_NOT_SEALED,
                "election " + e.id() + " has no seal in force: seal it first (POST /v1/admin/elections/" + e.id()
                    + "/seal)")) : Future.failedFuture(err)))
        .onSuccess(r -> ApiRouter.json(ctx, 201, new JsonObject(r.line()))).onFailure(ctx::fail);
  }

  private void pdf(RoutingContext ctx) {
    long n;
    try {
      n = Long.parseLong(ctx.pathParam("report"));
    } catch (NumberFormatException e) {
      throw new ProblemException(ProblemType.VALIDATION_FAILED, "the report number must be a whole number");
    }
    Paths.election(ctx, elections).compose(e -> checker.pdf(e, n)).onSuccess(pdf -> {
      if (pdf.isEmpty()) {
        ctx.fail(new ProblemException(ProblemType.NOT_FOUND, "no integrity report " + n + " for this election"));
        return;
      }
      ctx.response().putHeader("Content-Type", "application/pdf").putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"integrite-" + ctx.pathParam("electionId") + "-"
              + n + ".pdf\"")
          .end(Buffer.buffer(pdf.get()));
    }).onFailure(ctx::fail);
  }
}
