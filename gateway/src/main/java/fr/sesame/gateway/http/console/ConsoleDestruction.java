package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.retention.DestructionService;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The retention of an election's data and their destruction (issue 16 point 6), through the same service as the
 * API: its dates for those who oversee it; an organiser requests the destruction, the election's controller
 * (another person) approves it, which destroys every trace of it and shows the signed certificate's summary.
 * Refusals (too early, the requester approving, not the controller) are shown on the page and change nothing.
 */
final class ConsoleDestruction {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
  private final ConsoleKit kit;
  private final ElectionService elections;
  private final DestructionService destruction;

  ConsoleDestruction(ConsoleKit kit, ElectionService elections, DestructionService destruction) {
    this.kit = kit;
    this.elections = elections;
    this.destruction = destruction;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/destruction"), "console-destruction", kit.signedIn(this::show));
    routes.form(router.post("/console/e/:election/destruction"), "console-destruction-request",
        kit.csrf(kit.signedIn(this::request)));
    routes.form(router.post("/console/e/:election/destruction/approbation"), "console-destruction-approve",
        kit.csrf(kit.signedIn(this::approve)));
  }

  private void show(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String notice = "1".equals(ctx.request().getParam("demande")) ? kit.pages.text(lang, "c.dx.requested") : null;
    render(ctx, 200, lang, who, role.get(), notice, null);
  }

  private void request(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    destruction.request(electionId, who.id(), from(ctx, who.actor()))
        .onSuccess(s -> redirect(ctx, "/console/e/" + electionId + "/destruction?demande=1"))
        .onFailure(err -> refused(ctx, lang, who, role.get(), err));
  }

  private void approve(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    destruction.approve(electionId, who.id(), from(ctx, who.actor())).onSuccess(c -> {
      JsonObject removed = c.getJsonObject("removed");
      long total = 0;
      for (String k : removed.fieldNames()) {
        total += removed.getLong(k);
      }
      kit.message(ctx, 200, lang, "c.dx.doneTitle", List.of(kit.pages.text(lang, "c.dx.done.1", electionId, total),
          kit.pages.text(lang, "c.dx.done.2", electionId, c.getString("kid"))), "/console",
          kit.pages.text(lang, "cBackHome"));
    }).onFailure(err -> refused(ctx, lang, who, role.get(), err));
  }

  /** A refusal of the service shown on the page (its status kept); anything else fails as usual. */
  private void refused(RoutingContext ctx, String lang, StaffService.Staff who, StaffRole role, Throwable err) {
    if (err instanceof ProblemException p && p.extensions() != null && p.extensions().getString("reason") != null) {
      render(ctx, p.type().status(), lang, who, role, null,
          kit.pages.text(lang, "c.dx.refused." + p.extensions().getString("reason")));
    } else {
      ctx.fail(err);
    }
  }

  private void render(RoutingContext ctx, int status, String lang, StaffService.Staff who, StaffRole role,
                      String notice, String error) {
    String electionId = ctx.pathParam("election");
    elections.find(electionId).compose(e -> destruction.status(electionId).map(s -> Map.entry(e, s)))
        .onSuccess(found -> {
          if (found.getKey().isEmpty()) {
            kit.message(ctx, 404, lang, "c.noElectionTitle", List.of(kit.pages.text(lang, "c.noElection.1")),
                "/console", kit.pages.text(lang, "cBackHome"));
            return;
          }
          Election e = found.getKey().get();
          JsonObject s = found.getValue().orElse(new JsonObject().put("status", "none"));
          String state = s.getString("status");
          Map<String, Object> m = kit.model(ctx);
          m.put("electionHref", "/console/e/" + electionId);
          m.put("closesAt", when(e.closesAt().toInstant()));
          m.put("recourseEndsAt", when(e.recourseEnd()));
          m.put("logsKeptUntil", when(e.logsKeptUntil()));
          m.put("destroyableFrom", when(e.destroyableFrom()));
          m.put("state", "requested".equals(state)
              ? kit.pages.text(lang, "c.dx.state.requested", s.getString("requestedBy"), s.getString("requestedAt"))
              : kit.pages.text(lang, "c.dx.state." + state));
          m.put("mayRequest", role == StaffRole.ORGANISER && "none".equals(state));
          m.put("mayApprove", role == StaffRole.CONTROLLER && ("requested".equals(state) || "running".equals(state)));
          m.put("requestAction", "/console/e/" + electionId + "/destruction");
          m.put("approveAction", "/console/e/" + electionId + "/destruction/approbation");
          if (notice != null) {
            m.put("notice", notice);
          }
          if (error != null) {
            m.put("refusal", error);
          }
          kit.render(ctx, status, "console-destruction", lang, kit.pages.text(lang, "c.dx.title"), m, null);
        }).onFailure(ctx::fail);
  }

  private static String when(Instant t) {
    return TIME.format(t.atZone(PARIS));
  }
}
