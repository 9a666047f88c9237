package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.PARIS;
import static fr.sesame.gateway.http.console.ConsoleKit.localTime;
import static fr.sesame.gateway.http.console.ConsoleKit.trimmed;

import fr.sesame.gateway.audit.AuditJournal;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The audit trail of an election for those who oversee it (organiser, bureau, expert; 403 for support): its events
 * newest first, a page at a time from a cursor (the stream id), filtered by type, actor and time (Paris), with the
 * verification linked; and the bureau's alerts ({@code alert.*} events) on a page of their own.
 */
final class ConsoleJournal {
  private static final Pattern TYPE = Pattern.compile("[a-z0-9._-]{1,64}");
  private static final Pattern ACTOR = Pattern.compile("[A-Za-z0-9:._@+/-]{1,128}");
  private static final Pattern CURSOR = Pattern.compile("[0-9]{1,20}-[0-9]{1,20}");
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");
  private final ConsoleKit kit;
  private final AuditJournal journal;

  ConsoleJournal(ConsoleKit kit, AuditJournal journal) {
    this.kit = kit;
    this.journal = journal;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/journal"), "console-journal", kit.signedIn(this::journal));
    routes.plain(router.get("/console/e/:election/alertes"), "console-alerts", kit.signedIn(this::alerts));
  }

  private void journal(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    String base = "/console/e/" + electionId;
    Map<String, String> query = new LinkedHashMap<>();
    Map<String, String> errors = new HashMap<>();
    String type = param(ctx, "type", query);
    String actor = param(ctx, "actor", query);
    String fromText = param(ctx, "from", query);
    String toText = param(ctx, "to", query);
    if (type != null && !TYPE.matcher(type).matches()) {
      errors.put("type", kit.pages.text(lang, "c.err.eventType"));
    }
    if (actor != null && !ACTOR.matcher(actor).matches()) {
      errors.put("actor", kit.pages.text(lang, "c.err.actor"));
    }
    Instant from = localTime(fromText);
    Instant to = localTime(toText);
    if (fromText != null && from == null) {
      errors.put("from", kit.pages.text(lang, "c.err.time"));
    }
    if (toText != null && to == null) {
      errors.put("to", kit.pages.text(lang, "c.err.time"));
    } else if (from != null && to != null && !to.isAfter(from)) {
      errors.put("to", kit.pages.text(lang, "c.err.range"));
    }
    Map<String, Object> m = kit.model(ctx);
    m.put("type", type == null ? "" : type);
    m.put("actor", actor == null ? "" : actor);
    m.put("from", fromText == null ? "" : fromText);
    m.put("to", toText == null ? "" : toText);
    m.put("action", base + "/journal");
    m.put("electionHref", base);
    m.put("verifyHref", base + "/audit");
    String cursorError = cursorError(ctx, lang);
    if (!errors.isEmpty() || cursorError != null) {
      ConsoleKit.errors(m, errors, List.of("type", "actor", "from", "to"));
      if (cursorError != null) {
        m.put("cursorError", cursorError);
        m.put("hasErrors", true);
      }
      kit.render(ctx, 400, "console-journal", lang, kit.pages.text(lang, "c.journalTitle"), m, null);
      return;
    }
    AuditJournal.Filter filter = new AuditJournal.Filter(type, actor, from, to);
    page(ctx, electionId, filter).onSuccess(p -> {
      m.put("events", rows(p, lang));
      m.put("hasEvents", !p.entries().isEmpty());
      links(m, p, base + "/journal", query, lang);
      m.put("filtered", !query.isEmpty());
      m.put("clearHref", base + "/journal");
      kit.render(ctx, 200, "console-journal", lang, kit.pages.text(lang, "c.journalTitle"), m, null);
    }).onFailure(ctx::fail);
  }

  private void alerts(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    String base = "/console/e/" + electionId;
    String cursorError = cursorError(ctx, lang);
    if (cursorError != null) {
      kit.message(ctx, 400, lang, "c.alertsTitle", List.of(cursorError), base + "/alertes",
          kit.pages.text(lang, "c.alertsTitle"));
      return;
    }
    String before = ctx.request().getParam("before");
    String after = ctx.request().getParam("after");
    (after != null ? journal.newerAlerts(electionId, after)
        : journal.olderAlerts(electionId, before == null ? "+" : before)).onSuccess(p -> {
      Map<String, Object> m = kit.model(ctx);
      List<Map<String, String>> rows = new ArrayList<>();
      for (AuditJournal.Entry e : p.entries()) {
        rows.add(Map.of("id", e.id(), "at", when(e.at()), "what", alertText(kit, e, lang)));
      }
      m.put("alerts", rows);
      m.put("hasAlerts", !rows.isEmpty());
      links(m, p, base + "/alertes", Map.of(), lang);
      m.put("electionHref", base);
      m.put("journalHref", base + "/journal?type=alert.");
      kit.render(ctx, 200, "console-alerts", lang, kit.pages.text(lang, "c.alertsTitle"), m, null);
    }).onFailure(ctx::fail);
  }

  private io.vertx.core.Future<AuditJournal.Page> page(RoutingContext ctx, String electionId,
                                                      AuditJournal.Filter filter) {
    String before = ctx.request().getParam("before");
    String after = ctx.request().getParam("after");
    return after != null ? journal.newer(electionId, filter, after)
        : journal.older(electionId, filter, before == null ? "+" : before);
  }

  private String cursorError(RoutingContext ctx, String lang) {
    for (String name : List.of("before", "after")) {
      String c = ctx.request().getParam(name);
      if (c != null && !CURSOR.matcher(c).matches()) {
        return kit.pages.text(lang, "c.err.cursor");
      }
    }
    return null;
  }

  private static String param(RoutingContext ctx, String name, Map<String, String> query) {
    String v = trimmed(ctx.request().getParam(name));
    if (v != null) {
      query.put(name, v);
    }
    return v;
  }

  private List<Map<String, String>> rows(AuditJournal.Page p, String lang) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (AuditJournal.Entry e : p.entries()) {
      Map<String, String> r = new HashMap<>();
      r.put("id", e.id());
      r.put("at", when(e.at()));
      r.put("type", e.type());
      r.put("actor", e.actor());
      r.put("ip", e.ip());
      r.put("outcome", e.outcome());
      r.put("details", details(e.details()));
      rows.add(r);
    }
    return rows;
  }

  private void links(Map<String, Object> m, AuditJournal.Page p, String path, Map<String, String> query,
                     String lang) {
    if (p.older() != null) {
      m.put("olderHref", href(path, query, "before", p.older()));
    }
    if (p.newer() != null) {
      m.put("newerHref", href(path, query, "after", p.newer()));
    }
    m.put("examined", kit.pages.text(lang, "c.journalExamined", p.examined()));
    m.put("hasPager", p.older() != null || p.newer() != null);
  }

  private static String href(String path, Map<String, String> query, String cursor, String value) {
    StringBuilder out = new StringBuilder(path).append('?');
    query.forEach((k, v) -> out.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))
        .append('&'));
    return out.append(cursor).append('=').append(value).toString();
  }

  static String when(Instant at) {
    return at == null ? "?" : WHEN.format(at.atZone(PARIS));
  }

  private static String details(Map<String, Object> details) {
    StringBuilder out = new StringBuilder();
    details.forEach((k, v) -> out.append(out.length() == 0 ? "" : " ; ").append(k).append(" = ").append(v));
    return out.toString();
  }

  /** What an alert says, in {@code lang}. */
  static String alertText(ConsoleKit kit, AuditJournal.Entry e, String lang) {
    if ("alert.mass-lockout".equals(e.type())) {
      Object minute = e.details().get("minute");
      String at = "?";
      try {
        at = when(Instant.parse(String.valueOf(minute)));
      } catch (java.time.format.DateTimeParseException ex) {
        // shown as ?
      }
      return kit.pages.text(lang, "c.alert.massLockout", String.valueOf(e.details().get("locks")),
          String.valueOf(e.details().get("threshold")), at);
    }
    return e.type() + (e.details().isEmpty() ? "" : " : " + details(e.details()));
  }
}
