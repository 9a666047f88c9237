package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.campaign.CampaignService;
import fr.sesame.gateway.domain.Campaign;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credential campaigns (organisers): the start form and the election's campaigns, then a campaign's progress page,
 * which reloads itself while the campaign runs (no script: a meta refresh), with its per-provider delivery figures.
 */
final class ConsoleCampaigns {
  private final ConsoleKit kit;
  private final ElectionService elections;
  private final CampaignService campaigns;

  ConsoleCampaigns(ConsoleKit kit, ElectionService elections, CampaignService campaigns) {
    this.kit = kit;
    this.elections = elections;
    this.campaigns = campaigns;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/campagnes"), "console-campaigns", kit.signedIn(this::list));
    routes.form(router.post("/console/e/:election/campagnes"), "console-campaign-start",
        kit.csrf(kit.signedIn(this::start)));
    routes.plain(router.get("/console/e/:election/campagnes/:campaign"), "console-campaign",
        kit.signedIn(this::show));
  }

  private void list(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    render(ctx, 200, lang, ctx.pathParam("election"), null, null, Map.of());
  }

  /** The form and the list; {@code errors} by field (channel, college, start). */
  private void render(RoutingContext ctx, int status, String lang, String electionId, String channel, String college,
                      Map<String, String> errors) {
    Future.all(elections.find(electionId), campaigns.list(electionId)).onSuccess(cf -> safely(ctx, () -> {
      Optional<Election> e = cf.resultAt(0);
      List<Campaign> list = cf.resultAt(1);
      if (e.isEmpty()) {
        kit.message(ctx, 404, lang, "c.noElectionTitle", List.of(kit.pages.text(lang, "c.noElection.1")), "/console",
            kit.pages.text(lang, "cBackHome"));
        return;
      }
      Map<String, Object> m = kit.model(ctx);
      String base = "/console/e/" + electionId + "/campagnes";
      m.put("action", base);
      m.put("electionHref", "/console/e/" + electionId);
      m.put("noPlatformUrl", e.get().platformUrl() == null);
      List<Map<String, Object>> channels = new ArrayList<>();
      for (ChannelKind k : List.of(ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.POST)) {
        channels.add(Map.of("value", k.wireName(), "label", kit.pages.text(lang, "channel." + k.wireName()),
            "selected", k.wireName().equals(channel)));
      }
      m.put("channels", channels);
      List<Map<String, Object>> colleges = new ArrayList<>();
      for (String c : e.get().colleges().keySet()) {
        colleges.add(Map.of("value", c, "selected", c.equals(college)));
      }
      m.put("colleges", colleges);
      DateTimeFormatter f = dateTime(lang);
      List<Map<String, String>> rows = new ArrayList<>();
      for (Campaign c : list) {
        rows.add(Map.of("href", base + "/" + c.campaignId(),
            "startedAt", c.startedAt() == null ? "—" : f.format(c.startedAt().atZone(PARIS)),
            "channel", kit.pages.text(lang, "channel." + c.channel()),
            "college", c.college() == null ? kit.pages.text(lang, "c.campaign.allColleges") : c.college(),
            "status", statusText(lang, c), "queued", Long.toString(c.counts().queued())));
      }
      m.put("campaigns", rows);
      m.put("hasCampaigns", !rows.isEmpty());
      errors(m, errors, List.of("channel", "college", "start"));
      kit.render(ctx, status, "console-campaigns", lang, kit.pages.text(lang, "c.campaignsTitle"), m, null);
    })).onFailure(ctx::fail);
  }

  private void start(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    String channelName = trimmed(first(ctx, "channel"));
    String college = trimmed(first(ctx, "college"));
    if (college != null && college.equals("*")) {
      college = null;
    }
    Optional<ChannelKind> channel = Optional.ofNullable(channelName).flatMap(ChannelKind::fromWire);
    if (channel.isEmpty()) {
      render(ctx, 400, lang, electionId, channelName, college, Map.of("channel",
          kit.pages.text(lang, "c.campaign.err.channel")));
      return;
    }
    String chosenCollege = college;
    elections.find(electionId).compose(e -> e.isEmpty()
            ? Future.failedFuture(new ProblemException(fr.sesame.gateway.problem.ProblemType.ELECTION_NOT_FOUND, null))
            : campaigns.start(e.get(), channel.get(), chosenCollege, from(ctx, who.actor())))
        .onSuccess(id -> redirect(ctx, "/console/e/" + electionId + "/campagnes/" + id))
        .onFailure(err -> {
          if (!(err instanceof ProblemException p)) {
            ctx.fail(err);
            return;
          }
          String field = switch (p.type()) {
            case VALIDATION_FAILED -> chosenCollege != null && channel.get() != ChannelKind.VOICE ? "college"
                : "channel";
            default -> "start";
          };
          String text = kit.pages.texts(lang).getOrDefault("c.campaign.err." + p.type().kebabName(),
              kit.pages.text(lang, "c.campaign.err.other"));
          render(ctx, p.type().status(), lang, electionId, channelName, chosenCollege, Map.of(field, text));
        });
  }

  private void show(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    String base = "/console/e/" + electionId + "/campagnes";
    campaigns.find(electionId, ctx.pathParam("campaign")).onSuccess(found -> safely(ctx, () -> {
      if (found.isEmpty()) {
        kit.message(ctx, 404, lang, "c.campaignTitle", List.of(kit.pages.text(lang, "c.campaign.unknown")), base,
            kit.pages.text(lang, "c.campaignsTitle"));
        return;
      }
      Campaign c = found.get();
      boolean running = c.status() == Campaign.Status.RUNNING;
      Map<String, Object> m = kit.model(ctx);
      m.put("backHref", base);
      m.put("status", statusText(lang, c));
      m.put("running", running);
      // the page follows the campaign while it runs, and stops when it ends; ?auto=0 stops it before (WCAG 2.2.1:
      // a refresh the user can turn off)
      boolean auto = !"0".equals(ctx.request().getParam("auto"));
      String self = base + "/" + c.campaignId();
      if (running && auto) {
        m.put("refresh", "3");
      }
      if (running) {
        m.put("autoHref", auto ? self + "?auto=0" : self);
        m.put("autoLabel", kit.pages.text(lang, auto ? "c.campaign.autoOff" : "c.campaign.autoOn"));
      }
      Campaign.Counts n = c.counts();
      int percent = n.percentWalked(!running);
      m.put("percent", Integer.toString(percent));
      m.put("progressText", kit.pages.text(lang, "c.campaign.progress", Long.toString(n.walked()),
          Long.toString(n.rollSize()), Integer.toString(percent)));
      m.put("channel", kit.pages.text(lang, "channel." + c.channel()));
      m.put("college", c.college() == null ? kit.pages.text(lang, "c.campaign.allColleges") : c.college());
      DateTimeFormatter f = dateTime(lang);
      m.put("startedAt", c.startedAt() == null ? "—" : f.format(c.startedAt().atZone(PARIS)));
      m.put("finishedAt", c.finishedAt() == null ? "—" : f.format(c.finishedAt().atZone(PARIS)));
      m.put("total", Long.toString(n.inScope()));
      m.put("queued", Long.toString(n.queued()));
      m.put("skipped", Long.toString(n.skipped()));
      m.put("noContact", Long.toString(n.noContact()));
      m.put("refused", Long.toString(n.refused()));
      m.put("notOnRoll", Long.toString(n.notOnRoll()));
      Campaign.Deliveries d = c.deliveries();
      m.put("waiting", Long.toString(d.waiting(n.queued())));
      m.put("sent", Long.toString(d.sent()));
      m.put("delivered", Long.toString(d.delivered()));
      m.put("failed", Long.toString(d.failed()));
      List<Map<String, String>> providers = new ArrayList<>();
      for (Campaign.ProviderFigures p : d.providers()) {
        Map<String, String> row = new HashMap<>();
        row.put("name", p.provider().equals("-") ? kit.pages.text(lang, "c.campaign.noProvider") : p.provider());
        row.put("sent", Long.toString(p.sent()));
        row.put("delivered", Long.toString(p.delivered()));
        row.put("failed", Long.toString(p.failed() + p.undelivered()));
        providers.add(row);
      }
      m.put("providers", providers);
      m.put("hasProviders", !providers.isEmpty());
      if (c.error() != null) {
        m.put("error", c.error());
      }
      m.put("updated", kit.pages.text(lang, "c.updated", DateTimeFormatter.ofPattern("HH:mm:ss")
          .format(kit.clock.instant().atZone(PARIS))));
      kit.render(ctx, 200, "console-campaign", lang, kit.pages.text(lang, "c.campaignTitle"), m, null);
    })).onFailure(ctx::fail);
  }

  /** A page built in a callback: whatever it throws is answered as a failure, never left unanswered. */
  private static void safely(RoutingContext ctx, Runnable page) {
    try {
      page.run();
    } catch (RuntimeException e) {
      ctx.fail(e);
    }
  }

  private String statusText(String lang, Campaign c) {
    String s = c.stalled() ? "stalled" : c.status().name().toLowerCase(Locale.ROOT);
    return kit.pages.text(lang, "c.campaign.status." + s);
  }
}
