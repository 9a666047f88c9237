package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.PARIS;

import fr.sesame.gateway.health.ProviderHealth;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.text.NumberFormat;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sending providers' health for those who oversee an election (organiser, bureau, expert): each channel's
 * providers in order, their circuit breakers, sends, failures, acceptance rate and fallbacks, as this instance counted
 * them; a refresh link and an optional automatic refresh (no JavaScript), like the election page.
 */
final class ConsoleProviders {
  private final ConsoleKit kit;
  private final ProviderHealth health;

  ConsoleProviders(ConsoleKit kit, ProviderHealth health) {
    this.kit = kit;
    this.health = health;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/fournisseurs"), "console-providers", kit.signedIn(this::page));
  }

  private void page(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.overseer(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String base = "/console/e/" + ctx.pathParam("election");
    NumberFormat percent = NumberFormat.getPercentInstance(Locale.forLanguageTag(lang));
    percent.setMaximumFractionDigits(1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (ProviderHealth.Status s : health.providers()) {
      Map<String, String> r = new HashMap<>();
      r.put("channel", kit.pages.text(lang, "channel." + s.channel()));
      r.put("name", s.provider());
      String state = s.circuit().name().toLowerCase(Locale.ROOT);
      r.put("state", state);
      r.put("circuit", s.circuit() == ProviderHealth.Circuit.OTHER
          ? kit.pages.text(lang, "c.circuit.other", s.circuitName()) : kit.pages.text(lang, "c.circuit." + state));
      r.put("sent", Long.toString(s.sent()));
      r.put("failed", Long.toString(s.failed()));
      r.put("rate", s.accepted() < 0 ? "—" : percent.format(s.accepted()));
      r.put("fallbacks", Long.toString(s.fallbacks()));
      rows.add(r);
    }
    Map<String, Object> m = kit.model(ctx);
    m.put("providers", rows);
    m.put("hasProviders", !rows.isEmpty());
    m.put("electionHref", base);
    m.put("updated", kit.pages.text(lang, "c.updated", DateTimeFormatter.ofPattern("HH:mm:ss")
        .format(kit.clock.instant().atZone(PARIS))));
    String self = base + "/fournisseurs";
    boolean auto = "1".equals(ctx.request().getParam("auto"));
    m.put("refreshHref", auto ? self + "?auto=1" : self);
    m.put("autoHref", auto ? self : self + "?auto=1");
    m.put("autoLabel", kit.pages.text(lang, auto ? "c.autoOff" : "c.autoOn"));
    if (auto) {
      m.put("refresh", "30");
    }
    kit.render(ctx, 200, "console-providers", lang, kit.pages.text(lang, "c.providersTitle"), m, null);
  }
}
