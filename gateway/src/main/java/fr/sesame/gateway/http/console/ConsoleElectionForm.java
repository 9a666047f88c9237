package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import fr.sesame.gateway.election.ElectionDefinitions;
import fr.sesame.gateway.election.ElectionRules;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An election created or changed by an organiser: the same rules ({@link ElectionRules}) and the same path
 * ({@link ElectionDefinitions}, audited {@code election.put} under the person) as the admin API. Who may create: a
 * staff member who is organiser of at least one election; the creator becomes the new election's organiser. Who
 * may change: an organiser of that election. Until sealing exists, the opening and the colleges may not change
 * once the election has opened (409); its name, close, grace period, platform address and countries may.
 */
final class ConsoleElectionForm {
  private static final List<String> CHANNELS = ElectionForm.CHANNELS;
  private final ConsoleKit kit;
  private final ElectionService elections;
  private final ElectionDefinitions definitions;

  ConsoleElectionForm(ConsoleKit kit, ElectionService elections, ElectionDefinitions definitions) {
    this.kit = kit;
    this.elections = elections;
    this.definitions = definitions;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/elections/nouvelle"), "console-election-new", kit.signedIn(this::newForm));
    routes.form(router.post("/console/elections/nouvelle"), "console-election-create",
        kit.csrf(kit.signedIn(this::create)));
    routes.plain(router.get("/console/e/:election/modifier"), "console-election-edit", kit.signedIn(this::editForm));
    routes.form(router.post("/console/e/:election/modifier"), "console-election-update",
        kit.csrf(kit.signedIn(this::update)));
  }

  private boolean mayCreate(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (!organisesAny(who)) {
      kit.message(ctx, 403, lang, "c.forbiddenTitle", List.of(kit.pages.text(lang, "c.forbidden.create")), "/console",
          kit.pages.text(lang, "cBackHome"));
      return false;
    }
    return true;
  }

  private void newForm(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (mayCreate(ctx, who, lang)) {
      Map<String, String> v = new HashMap<>();
      v.put("graceMinutes", Integer.toString(Election.DEFAULT_GRACE_MINUTES));
      render(ctx, 200, lang, null, null, new ElectionForm(v, List.of()), Map.of());
    }
  }

  private void editForm(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    elections.find(ctx.pathParam("election")).onSuccess(e -> {
      if (e.isEmpty()) {
        notFound(ctx, lang);
      } else {
        render(ctx, 200, lang, e.get(), null, ElectionForm.of(e.get()), Map.of());
      }
    }).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (!mayCreate(ctx, who, lang)) {
      return;
    }
    ElectionForm form = ElectionForm.read(ctx);
    Map<String, String> errors = new LinkedHashMap<>();
    String id = form.values().get("id");
    if (id == null || !Election.ID.matcher(id).matches()) {
      errors.put("id", kit.pages.text(lang, "c.el.err.id"));
    }
    Optional<Election> checked = check(lang, id == null ? "x" : id, form, errors);
    if (!errors.isEmpty()) {
      render(ctx, 400, lang, null, null, form, errors);
      return;
    }
    var by = from(ctx, who.actor());
    definitions.create(checked.get(), by).compose(created -> !created
            ? io.vertx.core.Future.succeededFuture(false)
            : kit.staff.grant(who.id(), id, StaffRole.ORGANISER, by).map(true))
        .onSuccess(created -> {
          if (created) {
            redirect(ctx, "/console/e/" + id + "?cree=1");
          } else {
            render(ctx, 409, lang, null, null, form, Map.of("id", kit.pages.text(lang, "c.el.err.idTaken")));
          }
        }).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    elections.find(electionId).onSuccess(found -> {
      if (found.isEmpty()) {
        notFound(ctx, lang);
        return;
      }
      Election before = found.get();
      ElectionForm form = ElectionForm.read(ctx);
      boolean opened = !kit.clock.instant().isBefore(before.opensAt().toInstant());
      if (opened) {
        // the page of an opened election shows neither the opening nor the colleges: what is not sent stays
        form = form.withStored(before);
      }
      Map<String, String> errors = new LinkedHashMap<>();
      Optional<Election> checked = check(lang, electionId, form, errors);
      if (!errors.isEmpty()) {
        render(ctx, 400, lang, before, null, form, errors);
        return;
      }
      Election after = ElectionForm.keepSeconds(checked.get(), before);
      if (opened && (!after.opensAt().toInstant().equals(before.opensAt().toInstant())
          || !after.colleges().equals(before.colleges()))) {
        render(ctx, 409, lang, before, null, form, Map.of(!after.colleges().equals(before.colleges()) ? "college1"
            : "opensAt", kit.pages.text(lang, "c.el.err.opened")));
        return;
      }
      definitions.put(after, from(ctx, who.actor()))
          .onSuccess(x -> redirect(ctx, "/console/e/" + electionId + "?modifie=1")).onFailure(err -> {
            if (err instanceof fr.sesame.gateway.problem.ProblemException p
                && p.type() == fr.sesame.gateway.problem.ProblemType.ELECTION_SEALED) {
              // sealed: nothing changed; only an administrator reopens it (docs/design.md, "Seal")
              kit.message(ctx, 409, lang, "c.el.sealedTitle", List.of(kit.pages.text(lang, "c.el.sealed.1")),
                  "/console/e/" + electionId, kit.pages.text(lang, "cBackElection"));
            } else {
              ctx.fail(err);
            }
          });
    }).onFailure(ctx::fail);
  }

  /** {@link ElectionForm#check}, each problem's text in {@code lang} put in {@code errors} by field. */
  private Optional<Election> check(String lang, String electionId, ElectionForm form, Map<String, String> errors) {
    Map<String, String> keys = new LinkedHashMap<>();
    Optional<Election> checked = form.check(electionId, keys);
    keys.forEach((field, key) -> errors.putIfAbsent(field, kit.pages.text(lang, key)));
    return checked;
  }

  private void notFound(RoutingContext ctx, String lang) {
    kit.message(ctx, 404, lang, "c.noElectionTitle", List.of(kit.pages.text(lang, "c.noElection.1")), "/console",
        kit.pages.text(lang, "cBackHome"));
  }

  /**
   * @param election the election being changed, null for a new one
   */
  private void render(RoutingContext ctx, int status, String lang, Election election, String notice, ElectionForm form,
                      Map<String, String> errors) {
    Map<String, Object> m = kit.model(ctx);
    boolean creating = election == null;
    boolean opened = !creating && !kit.clock.instant().isBefore(election.opensAt().toInstant());
    Map<String, String> v = form.values();
    m.put("action", creating ? "/console/elections/nouvelle" : "/console/e/" + election.id() + "/modifier");
    m.put("backHref", creating ? "/console" : "/console/e/" + election.id());
    m.put("backText", kit.pages.text(lang, creating ? "cBackHome" : "cBackElection"));
    m.put("submit", kit.pages.text(lang, creating ? "c.el.create" : "c.el.save"));
    m.put("opened", opened);
    List<Map<String, Object>> fields = new ArrayList<>();
    if (creating) {
      fields.add(field(lang, "id", "text", v, errors, "maxlength=\"64\" spellcheck=\"false\" autocapitalize=\"none\"",
          true));
    }
    fields.add(field(lang, "name", "text", v, errors, "maxlength=\"200\"", false));
    if (!opened) {
      fields.add(field(lang, "opensAt", "datetime-local", v, errors, "", false));
    }
    fields.add(field(lang, "closesAt", "datetime-local", v, errors, "", false));
    fields.add(field(lang, "graceMinutes", "number", v, errors, "min=\"0\" max=\"120\" step=\"1\" inputmode=\"numeric\"",
        true));
    fields.add(field(lang, "platformUrl", "url", v, errors, "maxlength=\"512\" spellcheck=\"false\"", true));
    fields.add(field(lang, "phoneCountries", "text", v, errors, "maxlength=\"400\" spellcheck=\"false\"", true));
    m.put("fields", fields);
    if (opened) {
      m.put("openedNote", kit.pages.text(lang, "c.el.openedNote",
          dateTime(lang).format(election.opensAt().atZoneSameInstant(PARIS))));
      List<Map<String, String>> colleges = new ArrayList<>();
      for (College c : election.colleges().values()) {
        List<String> channels = new ArrayList<>();
        CHANNELS.forEach(ch -> {
          if (c.otpChannels().contains(ChannelKind.fromWire(ch).orElseThrow())) {
            channels.add(kit.pages.text(lang, "channel." + ch));
          }
        });
        colleges.add(Map.of("id", c.id(), "kind", kit.pages.text(lang, "c.kind." + c.secretKind().name()),
            "channels", String.join(", ", channels)));
      }
      m.put("fixedColleges", colleges);
    } else {
      List<Map<String, Object>> rows = new ArrayList<>();
      int n = form.rowCount();
      for (int i = 1; i <= n; i++) {
        ElectionForm.Row r = i <= form.rows().size() ? form.rows().get(i - 1) : new ElectionForm.Row(null, null, List.of());
        Map<String, Object> row = new HashMap<>();
        row.put("n", Integer.toString(i));
        row.put("legend", kit.pages.text(lang, "c.el.collegeN", i));
        row.put("id", r.id() == null ? "" : r.id());
        List<Map<String, Object>> kinds = new ArrayList<>();
        for (SecretKind k : SecretKind.values()) {
          kinds.add(Map.of("value", k.name(), "label", kit.pages.text(lang, "c.kind." + k.name()),
              "selected", k.name().equals(r.kind())));
        }
        row.put("kinds", kinds);
        row.put("noKind", r.kind() == null);
        List<Map<String, Object>> channels = new ArrayList<>();
        for (String ch : CHANNELS) {
          channels.add(Map.of("value", ch, "label", kit.pages.text(lang, "channel." + ch),
              "checked", r.channels().contains(ch)));
        }
        row.put("channels", channels);
        String error = errors.get("college" + i);
        if (error != null) {
          row.put("error", error);
        }
        rows.add(row);
      }
      m.put("rows", rows);
    }
    List<String> order = new ArrayList<>(List.of("id", "name", "opensAt", "closesAt", "graceMinutes", "platformUrl",
        "phoneCountries"));
    for (int i = 1; i <= form.rowCount(); i++) {
      order.add("college" + i);
    }
    errors(m, errors, order);
    if (notice != null) {
      m.put("notice", notice);
    }
    kit.render(ctx, status, "console-election-form", lang, creating ? kit.pages.text(lang, "c.el.newTitle")
        : kit.pages.text(lang, "c.el.editTitle", election.name()), m, null);
  }

  private Map<String, Object> field(String lang, String name, String type, Map<String, String> values,
                                    Map<String, String> errors, String attributes, boolean hint) {
    Map<String, Object> f = new HashMap<>();
    f.put("name", name);
    f.put("type", type);
    f.put("label", kit.pages.text(lang, "c.el." + name));
    if (hint) {
      f.put("hint", kit.pages.text(lang, "c.el." + name + ".hint"));
    }
    f.put("value", values.getOrDefault(name, ""));
    f.put("attributes", attributes);
    f.put("required", !hint || name.equals("id") || name.equals("graceMinutes"));
    if (errors.get(name) != null) {
      f.put("error", errors.get(name));
    }
    return f;
  }
}
