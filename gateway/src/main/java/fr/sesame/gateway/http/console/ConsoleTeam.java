package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An election's team, for its organisers: the staff with a role in it (name, masked email, role, invited / active
 * / locked), an invitation with a role (the same {@link StaffService#invite} as {@code POST /v1/admin/staff}, the
 * email through the outbox), a role taken away, a locked account unlocked with a reason. Each audited under the
 * organiser ({@code staff:<id>}), in this election.
 */
final class ConsoleTeam {
  /** A staff id as {@link StaffService#idOf} makes them. */
  private static final Pattern STAFF_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private final ConsoleKit kit;

  ConsoleTeam(ConsoleKit kit) {
    this.kit = kit;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/equipe"), "console-team", kit.signedIn(this::team));
    routes.form(router.post("/console/e/:election/equipe/inviter"), "console-team-invite",
        kit.csrf(kit.signedIn(this::invite)));
    routes.form(router.post("/console/e/:election/equipe/retirer"), "console-team-revoke",
        kit.csrf(kit.signedIn(this::revoke)));
    routes.form(router.post("/console/e/:election/equipe/deverrouiller"), "console-team-unlock",
        kit.csrf(kit.signedIn(this::unlock)));
  }

  private String base(RoutingContext ctx) {
    return "/console/e/" + ctx.pathParam("election") + "/equipe";
  }

  private void team(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String done = ctx.request().getParam("fait");
    String notice = done != null && done.matches("invited|granted|exists|revoked|unlocked")
        ? kit.pages.text(lang, "c.team.done." + done) : null;
    render(ctx, 200, lang, who, Map.of(), Map.of(), notice);
  }

  private void render(RoutingContext ctx, int status, String lang, StaffService.Staff who, Map<String, String> values,
                      Map<String, String> errors, String notice) {
    String electionId = ctx.pathParam("election");
    kit.staff.members(electionId).onSuccess(members -> {
      Map<String, Object> m = kit.model(ctx);
      m.put("electionHref", "/console/e/" + electionId);
      m.put("inviteAction", base(ctx) + "/inviter");
      m.put("revokeAction", base(ctx) + "/retirer");
      m.put("unlockAction", base(ctx) + "/deverrouiller");
      List<Map<String, Object>> rows = new ArrayList<>();
      for (StaffService.Member p : members) {
        Map<String, Object> row = new HashMap<>();
        row.put("staffId", p.id());
        row.put("personName", p.name());
        row.put("email", p.maskedEmail());
        row.put("roleName", kit.pages.text(lang, "c.role." + p.role().wireName()));
        row.put("status", kit.pages.text(lang, "c.team.status." + p.status()));
        row.put("locked", "locked".equals(p.status()));
        row.put("self", p.id().equals(who.id()));
        row.put("revokeLabel", kit.pages.text(lang, "c.team.revoke", p.name()));
        row.put("unlockLabel", kit.pages.text(lang, "c.team.unlock", p.name()));
        row.put("reasonLabel", kit.pages.text(lang, "c.team.reason", p.name()));
        String error = errors.get("member-" + p.id());
        if (error != null) {
          row.put("memberError", error);
        }
        rows.add(row);
      }
      m.put("members", rows);
      m.put("hasMembers", !rows.isEmpty());
      m.put("inviteEmail", values.getOrDefault("email", ""));
      m.put("inviteName", values.getOrDefault("name", ""));
      List<Map<String, Object>> roles = new ArrayList<>();
      for (StaffRole r : StaffRole.values()) {
        roles.add(Map.of("value", r.wireName(), "label", kit.pages.text(lang, "c.role." + r.wireName()),
            "selected", r.wireName().equals(values.getOrDefault("role", "support"))));
      }
      m.put("roles", roles);
      if (notice != null) {
        m.put("notice", notice);
      }
      List<String> order = new ArrayList<>(List.of("email", "name", "role"));
      members.forEach(p -> order.add("member-" + p.id()));
      errors(m, errors, order);
      kit.render(ctx, status, "console-team", lang, kit.pages.text(lang, "c.team.title"), m, null);
    }).onFailure(ctx::fail);
  }

  private void invite(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String email = trimmed(first(ctx, "email"));
    String name = trimmed(first(ctx, "name"));
    String roleName = trimmed(first(ctx, "role"));
    Map<String, String> values = new HashMap<>();
    values.put("email", email == null ? "" : email.length() > 300 ? email.substring(0, 300) : email);
    values.put("name", name == null ? "" : name.length() > 300 ? name.substring(0, 300) : name);
    values.put("role", roleName == null ? "" : roleName);
    Map<String, String> errors = new HashMap<>();
    if (email == null || !StaffHandlers.EMAIL.matcher(email).matches()) {
      errors.put("email", kit.pages.text(lang, "c.team.err.email"));
    }
    if (name == null || name.length() > 128) {
      errors.put("name", kit.pages.text(lang, "c.team.err.name"));
    }
    var role = roleName == null ? java.util.Optional.<StaffRole>empty() : StaffRole.fromWire(roleName);
    if (role.isEmpty()) {
      errors.put("role", kit.pages.text(lang, "c.team.err.role"));
    }
    if (!errors.isEmpty()) {
      render(ctx, 400, lang, who, values, errors, null);
      return;
    }
    kit.staff.invite(email, name, Map.of(ctx.pathParam("election"), role.get()), lang, from(ctx, who.actor()))
        .onSuccess(r -> redirect(ctx, base(ctx) + "?fait=" + (r.created() ? "invited" : r.granted() ? "granted"
            : "exists")))
        .onFailure(ctx::fail);
  }

  private String member(RoutingContext ctx) {
    String id = first(ctx, "staff");
    return id != null && STAFF_ID.matcher(id).matches() ? id : null;
  }

  private void revoke(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String id = member(ctx);
    if (id != null && id.equals(who.id())) {
      render(ctx, 409, lang, who, Map.of(), Map.of("member-" + id, kit.pages.text(lang, "c.team.err.self")), null);
      return;
    }
    (id == null ? io.vertx.core.Future.succeededFuture(false)
        : kit.staff.revoke(ctx.pathParam("election"), id, from(ctx, who.actor()))).onSuccess(done -> {
          if (done) {
            redirect(ctx, base(ctx) + "?fait=revoked");
          } else {
            gone(ctx, lang);
          }
        }).onFailure(ctx::fail);
  }

  private void unlock(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String id = member(ctx);
    String reason = trimmed(first(ctx, "reason"));
    if (id != null && (reason == null || reason.length() < 3 || reason.length() > 500)) {
      render(ctx, 400, lang, who, Map.of(), Map.of("member-" + id, kit.pages.text(lang, "c.err.reason")), null);
      return;
    }
    (id == null ? io.vertx.core.Future.succeededFuture(false)
        : kit.staff.unlockMember(ctx.pathParam("election"), id, reason, from(ctx, who.actor()))).onSuccess(done -> {
          if (done) {
            redirect(ctx, base(ctx) + "?fait=unlocked");
          } else {
            gone(ctx, lang);
          }
        }).onFailure(ctx::fail);
  }

  /** No such member of this election (another election's staff is as unknown as nobody). */
  private void gone(RoutingContext ctx, String lang) {
    kit.message(ctx, 404, lang, "c.team.goneTitle", List.of(kit.pages.text(lang, "c.team.gone.1")), base(ctx),
        kit.pages.text(lang, "c.team.back"));
  }
}
