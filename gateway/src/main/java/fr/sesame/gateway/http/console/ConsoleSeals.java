package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.evidence.Seal;
import fr.sesame.gateway.evidence.SealService;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An election's seals (issue 16, point 1): the list (number, date, who, the manifest's digest, the report to
 * download) for organisers, the bureau and the expert (support: 403); an organiser seals now, or reopens through
 * the audited procedure (a reason, then a new seal is due). The same service as
 * {@code POST /v1/admin/elections/{id}/seal} and {@code .../seal/reopen}, under the person's own id.
 */
final class ConsoleSeals {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");
  /** A reopening's reason, at most this many characters (as the API's). */
  static final int MAX_REASON = 2000;
  private final ConsoleKit kit;
  private final ElectionService elections;
  private final SealService seals;

  ConsoleSeals(ConsoleKit kit, ElectionService elections, SealService seals) {
    this.kit = kit;
    this.elections = elections;
    this.seals = seals;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/scellements"), "console-seals", kit.signedIn(this::show));
    routes.form(router.post("/console/e/:election/scellements"), "console-seal-now",
        kit.csrf(kit.signedIn(this::sealNow)));
    routes.form(router.post("/console/e/:election/scellements/reouverture"), "console-seal-reopen",
        kit.csrf(kit.signedIn(this::reopen)));
  }

  private void show(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String notice = null;
    String sealed = ctx.request().getParam("scelle");
    String reopened = ctx.request().getParam("rouvert");
    if (sealed != null && sealed.matches("[1-9][0-9]{0,8}")) {
      notice = kit.pages.text(lang, "c.seal.done", sealed);
    } else if (reopened != null && reopened.matches("[1-9][0-9]{0,8}")) {
      notice = kit.pages.text(lang, "c.seal.reopened", reopened);
    } else if ("0".equals(reopened)) {
      notice = kit.pages.text(lang, "c.seal.nothingToReopen");
    }
    render(ctx, 200, lang, role.get(), Map.of(), null, notice);
  }

  private void sealNow(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    elections.find(electionId).onSuccess(e -> {
      if (e.isEmpty()) {
        noElection(ctx, lang);
        return;
      }
      seals.seal(e.get(), from(ctx, who.actor()))
          .onSuccess(s -> redirect(ctx, "/console/e/" + electionId + "/scellements?scelle=" + s.n()))
          .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void reopen(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.organiser(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String reason = first(ctx, "reason");
    String text = reason == null ? "" : reason.strip();
    if (text.length() < 3 || text.length() > MAX_REASON) {
      render(ctx, 400, lang, role.get(), Map.of("reason", kit.pages.text(lang, "c.err.sealReason")), text, null);
      return;
    }
    String electionId = ctx.pathParam("election");
    elections.find(electionId).onSuccess(e -> {
      if (e.isEmpty()) {
        noElection(ctx, lang);
        return;
      }
      seals.reopen(electionId, text, from(ctx, who.actor()))
          .onSuccess(n -> redirect(ctx, "/console/e/" + electionId + "/scellements?rouvert=" + n.orElse(0L)))
          .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void noElection(RoutingContext ctx, String lang) {
    kit.message(ctx, 404, lang, "c.noElectionTitle", List.of(kit.pages.text(lang, "c.noElection.1")), "/console",
        kit.pages.text(lang, "cBackHome"));
  }

  private void render(RoutingContext ctx, int status, String lang, StaffRole role, Map<String, String> errors,
                      String reason, String notice) {
    String electionId = ctx.pathParam("election");
    String base = "/console/e/" + electionId;
    seals.inForce(electionId).compose(inForce -> seals.seals(electionId).map(all -> {
      Map<String, Object> m = new HashMap<>(kit.model(ctx));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Seal s : all) {
        rows.add(Map.of("n", Long.toString(s.n()), "at", TIME.format(s.at().atZone(PARIS)), "by", s.by(),
            "digest", s.digest(), "inForce", inForce.isPresent() && inForce.get() == s.n(),
            "pdfHref", base + "/scellements/" + s.n() + ".pdf",
            "pdfLabel", kit.pages.text(lang, "c.seal.pdf", Long.toString(s.n()))));
      }
      m.put("seals", rows);
      m.put("hasSeals", !rows.isEmpty());
      m.put("inForceText", inForce.isPresent() ? kit.pages.text(lang, "c.seal.inForce", Long.toString(inForce.get()))
          : kit.pages.text(lang, "c.seal.none"));
      m.put("electionHref", base);
      m.put("mayAct", role == StaffRole.ORGANISER);
      m.put("mayReopen", inForce.isPresent());
      m.put("sealAction", base + "/scellements");
      m.put("reopenAction", base + "/scellements/reouverture");
      m.put("reason", reason == null ? "" : reason);
      if (notice != null) {
        m.put("notice", notice);
      }
      errors(m, errors, List.of("reason"));
      return m;
    })).onSuccess(m -> kit.render(ctx, status, "console-seals", lang, kit.pages.text(lang, "c.sealsTitle"), m, null))
        .onFailure(ctx::fail);
  }
}
