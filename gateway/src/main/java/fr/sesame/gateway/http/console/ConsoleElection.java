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
  private final fr.sesame.gateway.audit.AuditJournal journal;

  ConsoleElection(ConsoleKit kit, fr.sesame.gateway.election.ElectionService elections, fr.sesame.gateway.election.TurnoutService turnout, fr.sesame.gateway.audit.AuditVerifier verifier, fr.sesame.gateway.auth.EmargementList emargements, fr.sesame.gateway.audit.AuditTrail audit,
                  fr.sesame.gateway.audit.AuditJournal journal) {
    this.journal = journal;
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
    routes.plain(router.get("/console/e/:election/emargements.pdf"), "console-emargements-pdf",
        kit.signedIn(this::emargementPdf));
  }


  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("dd/MM HH'h'");

  private void election(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    boolean overseer = role.get() != StaffRole.SUPPORT;
    Future.all(elections.find(electionId), turnout.turnout(electionId), overseer ? journal.latestAlert(electionId)
        : Future.succeededFuture(Optional.<fr.sesame.gateway.audit.AuditJournal.Entry>empty())).onSuccess(cf -> {
      Optional<fr.sesame.gateway.domain.Election> e = cf.resultAt(0);
      fr.sesame.gateway.election.TurnoutService.Turnout t = cf.resultAt(1);
      Optional<fr.sesame.gateway.audit.AuditJournal.Entry> alert = cf.resultAt(2);
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
      // hour x college, from the hc:<hour>:<college> counters (hours before they were kept show their total only)
      List<String> collegeIds = new ArrayList<>(e.get().colleges().keySet());
      m.put("hourColleges", collegeIds);
      List<Map<String, Object>> hours = new ArrayList<>();
      t.byHour().forEach((hour, n) -> {
        Map<String, Long> split = t.byHourAndCollege().getOrDefault(hour, Map.of());
        List<String> cells = new ArrayList<>();
        for (String c : collegeIds) {
          cells.add(Long.toString(split.getOrDefault(c, 0L)));
        }
        hours.add(Map.of("hour", HOUR.format(java.time.Instant.ofEpochSecond(hour * 3600).atZone(PARIS)),
            "cells", cells, "count", Long.toString(n)));
      });
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
      m.put("journalHref", base + "/journal");
      m.put("alertsHref", base + "/alertes");
      m.put("providersHref", base + "/fournisseurs");
      alert.ifPresent(a -> m.put("latestAlert", kit.pages.text(lang, "c.latestAlert", ConsoleJournal.when(a.at()),
          ConsoleJournal.alertText(kit, a, lang))));
      m.put("mayExport", role.get() != StaffRole.SUPPORT);
      m.put("csvHref", base + "/emargements.csv");
      m.put("pdfHref", base + "/emargements.pdf");
      m.put("incidentsHref", base + "/incidents");
      m.put("sealsHref", base + "/scellements");
      m.put("destructionHref", base + "/destruction");
      m.put("evidenceHref", base + "/" + ConsoleEvidence.FILE);
      m.put("mayImport", role.get() == StaffRole.ORGANISER);
      m.put("importHref", base + "/import");
      m.put("campaignsHref", base + "/campagnes");
      m.put("editHref", base + "/modifier");
      m.put("teamHref", base + "/equipe");
      m.put("grace", kit.pages.text(lang, "c.grace", e.get().graceMinutes()));
      String done = "1".equals(ctx.request().getParam("cree")) ? "c.el.created"
          : "1".equals(ctx.request().getParam("modifie")) ? "c.el.saved" : null;
      if (done != null) {
        m.put("notice", kit.pages.text(lang, done));
      }
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
    if (kit.overseer(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    audit.record(electionId, fr.sesame.gateway.audit.AuditEvent.of(kit.clock.instant(), "emargement.export",
        who.actor(), ApiKeyAuth.client(ctx).ip(), "downloaded", "format", "csv")).onSuccess(v -> {
          ctx.response().setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
              .putHeader("Cache-Control", "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"emargements-" + electionId + ".csv\"");
          emargements.csv(electionId, fr.sesame.gateway.http.ApiRouter.chunks(ctx))
              .onSuccess(x -> ctx.response().end()).onFailure(e -> ctx.response().reset());
        }).onFailure(ctx::fail);
  }

  /**
   * The émargement list as a PDF for the bureau (organiser, bureau, expert), its download audited under the person's
   * id; drawn off the event loop (its streams beyond 8 MiB in a temporary directory of mode 0700), saved there, sent,
   * then deleted.
   */
  private void emargementPdf(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    java.time.Instant now = kit.clock.instant();
    elections.find(electionId).onSuccess(e -> {
      if (e.isEmpty()) {
        kit.message(ctx, 404, lang, "c.noElectionTitle", List.of(kit.pages.text(lang, "c.noElection.1")), "/console",
            kit.pages.text(lang, "cBackHome"));
        return;
      }
      fr.sesame.gateway.auth.EmargementPdf.Texts texts = new fr.sesame.gateway.auth.EmargementPdf.Texts(
          kit.pages.text(lang, "c.pdf.title"), kit.pages.text(lang, "c.pdf.generated"),
          kit.pages.text(lang, "c.pdf.page"), kit.pages.text(lang, "c.pdf.totals"), kit.pages.text(lang, "c.pdf.total"),
          kit.pages.text(lang, "c.pdf.empty"), List.of(kit.pages.text(lang, "cPdfIdentifier"),
          kit.pages.text(lang, "cLastName"), kit.pages.text(lang, "cFirstName"), kit.pages.text(lang, "cCollege"),
          kit.pages.text(lang, "cVotedAt"), kit.pages.text(lang, "cIp"), kit.pages.text(lang, "cSession")),
          Locale.forLanguageTag(lang));
      io.vertx.core.file.FileSystem fs = ctx.vertx().fileSystem();
      audit.record(electionId, fr.sesame.gateway.audit.AuditEvent.of(now, "emargement.export", who.actor(),
              ApiKeyAuth.client(ctx).ip(), "downloaded", "format", "pdf"))
          // a directory of its own, mode 0700: the list holds names; deleted once sent (or failed)
          .compose(v -> fs.createTempDirectory(fr.sesame.gateway.auth.ExportLeftovers.PREFIX, "rwx------"))
          .onFailure(ctx::fail)
          .onSuccess(dir -> {
            String file = java.nio.file.Path.of(dir, "emargements.pdf").toString();
            emargements.pdf(electionId, () -> new fr.sesame.gateway.auth.EmargementPdf(texts, e.get().name(), now,
                    PARIS, java.nio.file.Path.of(dir)), java.nio.file.Path.of(file), ctx.vertx())
                .onFailure(err -> fs.deleteRecursive(dir).onComplete(x -> ctx.fail(err)))
                .onSuccess(v -> ctx.response().putHeader("Content-Type", "application/pdf")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Content-Disposition", "attachment; filename=\"emargements-" + electionId + ".pdf\"")
                    .sendFile(file).onComplete(x -> fs.deleteRecursive(dir)));
          });
    }).onFailure(ctx::fail);
  }
}
