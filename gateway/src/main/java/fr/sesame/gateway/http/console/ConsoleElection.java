package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.ApiKeyAuth;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An election's page (its window, colleges and live turnout), the audit trail's verification and the émargement list as CSV (its download audited under the person's id).
 */
final class ConsoleElection {
  private final ConsoleKit kit;
  private final fr.sesame.gateway.election.ElectionService elections;
  private final fr.sesame.gateway.election.TurnoutService turnout;
  private final fr.sesame.gateway.audit.AuditVerifier verifier;
  private final fr.sesame.gateway.auth.EmargementList emargements;
  private final fr.sesame.gateway.audit.AuditTrail audit;

  ConsoleElection(ConsoleKit kit, fr.sesame.gateway.election.ElectionService elections, fr.sesame.gateway.election.TurnoutService turnout, fr.sesame.gateway.audit.AuditVerifier verifier, fr.sesame.gateway.auth.EmargementList emargements, fr.sesame.gateway.audit.AuditTrail audit) {
    this.kit = kit;
    this.elections = elections;
    this.turnout = turnout;
    this.verifier = verifier;
    this.emargements = emargements;
    this.audit = audit;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election"), "console-election", kit.signedIn(this::election));
    routes.plain(router.get("/console/e/:election/audit"), "console-audit", kit.signedIn(this::auditCheck));
    routes.plain(router.get("/console/e/:election/emargements.csv"), "console-emargements",
        kit.signedIn(this::emargementCsv));
  }


  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("dd/MM HH'h'");

  private void election(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    Future.all(elections.find(electionId), turnout.turnout(electionId)).onSuccess(cf -> {
      Optional<fr.sesame.gateway.domain.Election> e = cf.resultAt(0);
      fr.sesame.gateway.election.TurnoutService.Turnout t = cf.resultAt(1);
      if (e.isEmpty()) {
        kit.message(ctx, 404, lang, "c.noElectionTitle", List.of(kit.pages.text(lang, "c.noElection.1")), "/console",
            kit.pages.text(lang, "cBackHome"));
        return;
      }
      DateTimeFormatter f = dateTime(lang);
      Map<String, Object> m = kit.model(ctx);
      m.put("name", e.get().name());
      m.put("role", kit.pages.text(lang, "c.role." + role.get().wireName()));
      m.put("window", kit.pages.text(lang, "c.window", f.format(e.get().opensAt().atZoneSameInstant(PARIS)),
          f.format(e.get().closesAt().atZoneSameInstant(PARIS))));
      List<Map<String, String>> colleges = new ArrayList<>();
      for (fr.sesame.gateway.domain.College c : e.get().colleges().values()) {
        List<String> channels = new ArrayList<>();
        for (fr.sesame.channels.ChannelKind k : List.of(fr.sesame.channels.ChannelKind.SMS,
            fr.sesame.channels.ChannelKind.VOICE, fr.sesame.channels.ChannelKind.EMAIL)) {
          if (c.otpChannels().contains(k)) {
            channels.add(kit.pages.text(lang, "channel." + k.wireName()));
          }
        }
        colleges.add(Map.of("id", c.id(), "channels", String.join(", ", channels),
            "voted", Long.toString(t.byCollege().getOrDefault(c.id(), 0L))));
      }
      m.put("colleges", colleges);
      m.put("total", Long.toString(t.total()));
      List<Map<String, String>> hours = new ArrayList<>();
      t.byHour().forEach((hour, n) -> hours.add(Map.of("hour", HOUR.format(java.time.Instant.ofEpochSecond(
          hour * 3600).atZone(PARIS)), "count", Long.toString(n))));
      m.put("hours", hours);
      m.put("hasHours", !hours.isEmpty());
      m.put("updated", kit.pages.text(lang, "c.updated", DateTimeFormatter.ofPattern("HH:mm:ss")
          .format(kit.clock.instant().atZone(PARIS))));
      String base = "/console/e/" + electionId;
      m.put("refreshHref", base);
      boolean auto = "1".equals(ctx.request().getParam("auto"));
      m.put("autoHref", auto ? base : base + "?auto=1");
      m.put("autoLabel", kit.pages.text(lang, auto ? "c.autoOff" : "c.autoOn"));
      if (auto) {
        m.put("refresh", "30");
      }
      m.put("votersHref", base + "/electeurs");
      m.put("auditHref", base + "/audit");
      m.put("incidentsHref", base + "/incidents");
      m.put("mayExport", role.get() != StaffRole.SUPPORT);
      m.put("csvHref", base + "/emargements.csv");
      m.put("evidenceHref", base + "/" + ConsoleEvidence.FILE);
      m.put("mayImport", role.get() == StaffRole.ORGANISER);
      m.put("importHref", base + "/import");
      m.put("logoutAction", "/console/deconnexion");
      kit.render(ctx, 200, "console-election", lang, e.get().name(), m, null);
    }).onFailure(ctx::fail);
  }

  private void auditCheck(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    verifier.verify(electionId).onSuccess(v -> {
      List<String> paragraphs = new ArrayList<>();
      paragraphs.add(kit.pages.text(lang, v.valid() ? "c.audit.valid" : "c.audit.broken", v.events(), v.writers()));
      if (v.checkpoint() != null) {
        paragraphs.add(kit.pages.text(lang, "c.audit.checkpoint", v.checkpoint()));
      }
      if (!v.valid() && v.brokenAt() != null) {
        paragraphs.add(kit.pages.text(lang, "c.audit.brokenAt", v.brokenAt().encode()));
      }
      paragraphs.add(kit.pages.text(lang, "c.updated", DateTimeFormatter.ofPattern("HH:mm:ss")
          .format(kit.clock.instant().atZone(PARIS))));
      kit.message(ctx, 200, lang, "c.auditTitle", paragraphs, "/console/e/" + electionId, kit.pages.text(lang, "c.backElection"));
    }).onFailure(ctx::fail);
  }

  /** The émargement list as CSV (organiser, bureau, expert), its download audited under the person's id. */
  private void emargementCsv(RoutingContext ctx, StaffService.Staff who, String lang) {
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
    audit.record(electionId, fr.sesame.gateway.audit.AuditEvent.of(kit.clock.instant(), "emargement.export",
        who.actor(), ApiKeyAuth.client(ctx).ip(), "downloaded")).onSuccess(v -> {
          ctx.response().setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
              .putHeader("Cache-Control", "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"emargements-" + electionId + ".csv\"");
          emargements.csv(electionId, fr.sesame.gateway.http.ApiRouter.chunks(ctx))
              .onSuccess(x -> ctx.response().end()).onFailure(e -> ctx.response().reset());
        }).onFailure(ctx::fail);
  }
}
