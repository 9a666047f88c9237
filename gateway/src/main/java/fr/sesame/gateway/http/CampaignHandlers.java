package fr.sesame.gateway.http;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.campaign.CampaignService;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.Campaign;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Credential campaigns ({@link CampaignService}): every voter of an election, or of one college, sent their access
 * information by email, SMS or post; 202 with the campaign's id, then its progress and per-provider delivery figures from
 * any gateway instance. The console's organisers start them through the same service.
 */
public final class CampaignHandlers implements RouteGroup {
  private static final Set<String> FIELDS = Set.of("channel", "college");
  private final CampaignService campaigns;
  private final ElectionService elections;
  private final ApiKeyAuth auth;

  public CampaignHandlers(CampaignService campaigns, ElectionService elections, ApiKeyAuth auth) {
    this.campaigns = campaigns;
    this.elections = elections;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    String base = "/v1/admin/elections/:electionId/campaigns";
    routes.json(router.post(base), "campaign-start", auth.require(Role.ADMIN), this::start);
    routes.plain(router.get(base), "campaign-list", auth.require(Role.ADMIN), this::list);
    routes.plain(router.get(base + "/:campaignId"), "campaign", auth.require(Role.ADMIN), this::campaign);
  }

  private void start(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, FIELDS);
    String name = in.string("channel", 8);
    ChannelKind channel = ChannelKind.fromWire(name)
        .orElseThrow(() -> JsonInput.invalid("'channel' must be email, sms or post"));
    String college = in.optionalString("college", 64);
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).compose(e -> campaigns.start(e, channel, college, client)).onSuccess(id -> {
      ctx.response().putHeader("Location", "/v1/admin/elections/" + ctx.pathParam("electionId") + "/campaigns/" + id);
      ApiRouter.json(ctx, 202, new JsonObject().put("campaignId", id).put("status", Campaign.Status.RUNNING.json()));
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> campaigns.list(e.id())).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(c -> out.add(c.toJson()));
      ApiRouter.json(ctx, 200, new JsonObject().put("campaigns", out));
    }).onFailure(ctx::fail);
  }

  private void campaign(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> campaigns.find(e.id(), ctx.pathParam("campaignId")))
        .onSuccess(c -> {
          if (c.isEmpty()) {
            ctx.fail(new ProblemException(ProblemType.CAMPAIGN_NOT_FOUND, null));
          } else {
            ApiRouter.json(ctx, 200, c.get().toJson());
          }
        }).onFailure(ctx::fail);
  }
}
