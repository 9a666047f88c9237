package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.evidence.IncidentLog;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An election's incident log (every role of the election), and the form with which an organiser records an incident:
 * the same service as {@code POST /v1/admin/elections/{id}/incidents}, under the person's own id, the bureau
 * alerted by email.
 */
final class ConsoleIncidents {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");
  private final ConsoleKit kit;
  private final ElectionService elections;
  private final IncidentLog incidents;

  ConsoleIncidents(ConsoleKit kit, ElectionService elections, IncidentLog incidents) {
    this.kit = kit;
    this.elections = elections;
    this.incidents = incidents;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/incidents"), "console-incidents", kit.signedIn(this::show));
    routes.form(router.post("/console/e/:election/incidents"), "console-incident-record",
        kit.csrf(kit.signedIn(this::record)));
  }

  private void show(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String notice = "1".equals(ctx.request().getParam("enregistre")) ? kit.pages.text(lang, "c.incidentRecorded")
        : null;
    render(ctx, 200, lang, role.get(), Map.of(), null, null, notice);
  }

  private void record(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.organiser(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String severity = first(ctx, "severity");
    String summary = first(ctx, "summary");
    summary = summary == null ? "" : summary.strip();
    Map<String, String> errors = new HashMap<>();
    if (severity == null || !IncidentLog.SEVERITIES.contains(severity)) {
      errors.put("severity", kit.pages.text(lang, "c.err.severity"));
    }
    if (summary.length() < 3 || summary.length() > IncidentLog.MAX_SUMMARY) {
      errors.put("summary", kit.pages.text(lang, "c.err.summary"));
    }
    if (!errors.isEmpty()) {
      render(ctx, 400, lang, role.get(), errors, severity, summary, null);
      return;
    }
    String electionId = ctx.pathParam("election");
    String text = summary;
    elections.find(electionId).onSuccess(e -> {
      if (e.isEmpty()) {
        kit.message(ctx, 404, lang, "c.noElectionTitle", List.of(kit.pages.text(lang, "c.noElection.1")), "/console",
            kit.pages.text(lang, "cBackHome"));
        return;
      }
      incidents.record(e.get(), severity, text, from(ctx, who.actor()))
          .onSuccess(v -> redirect(ctx, "/console/e/" + electionId + "/incidents?enregistre=1"))
          .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void render(RoutingContext ctx, int status, String lang, StaffRole role, Map<String, String> errors,
                      String severity, String summary, String notice) {
    String electionId = ctx.pathParam("election");
    incidents.list(electionId).onSuccess(list -> {
      Map<String, Object> m = kit.model(ctx);
      List<Map<String, String>> rows = new ArrayList<>();
      for (JsonObject i : list) {
        String type = i.getString("type", "");
        rows.add(Map.of("at", TIME.format(Instant.parse(i.getString("at")).atZone(PARIS)),
            "type", kit.pages.texts(lang).getOrDefault("c.inc.type." + type, type),
            "actor", i.getString("actor", ""), "outcome", i.getString("outcome", ""),
            "details", details(i.getJsonObject("details", new JsonObject()))));
      }
      m.put("incidents", rows);
      m.put("hasIncidents", !rows.isEmpty());
      m.put("electionHref", "/console/e/" + electionId);
      m.put("mayRecord", role == StaffRole.ORGANISER);
      m.put("action", "/console/e/" + electionId + "/incidents");
      List<Map<String, Object>> severities = new ArrayList<>();
      for (String s : IncidentLog.SEVERITIES) {
        severities.add(Map.of("value", s, "label", kit.pages.text(lang, "c.inc.severity." + s),
            "selected", s.equals(severity)));
      }
      m.put("severities", severities);
      m.put("summary", summary == null ? "" : summary);
      if (notice != null) {
        m.put("notice", notice);
      }
      errors(m, errors, List.of("severity", "summary"));
      kit.render(ctx, status, "console-incidents", lang, kit.pages.text(lang, "c.incidentsTitle"), m, null);
    }).onFailure(ctx::fail);
  }

  /** What the event says, for a person: a summary, or its details as field: value. */
  private static String details(JsonObject d) {
    if (d.getValue("summary") instanceof String s) {
      return s;
    }
    List<String> parts = new ArrayList<>();
    for (String k : d.fieldNames()) {
      parts.add(k + " : " + d.getValue(k));
    }
    return String.join(", ", parts);
  }
}
