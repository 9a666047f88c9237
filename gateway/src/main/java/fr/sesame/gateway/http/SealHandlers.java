package fr.sesame.gateway.http;

import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.evidence.Seal;
import fr.sesame.gateway.evidence.SealService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An election's seals ({@link SealService}): sealed on demand, listed, and reopened (the seal in force lifted, with
 * a reason, audited); the admin key's.
 */
public final class SealHandlers implements RouteGroup {
  private static final java.util.Set<String> REOPEN_FIELDS = java.util.Set.of("reason");
  private final ElectionService elections;
  private final SealService seals;
  private final ApiKeyAuth auth;

  public SealHandlers(ElectionService elections, SealService seals, ApiKeyAuth auth) {
    this.elections = elections;
    this.seals = seals;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.post("/v1/admin/elections/:electionId/seal"), "election-seal", auth.require(Role.ADMIN),
        this::seal);
    routes.plain(router.get("/v1/admin/elections/:electionId/seals"), "election-seals", auth.require(Role.ADMIN),
        this::list);
    routes.json(router.post("/v1/admin/elections/:electionId/seal/reopen"), "election-seal-reopen",
        auth.require(Role.ADMIN), this::reopen);
  }

  /** A seal as the API shows it: its line's members. */
  public static JsonObject json(Seal s) {
    return new JsonObject(s.line());
  }

  private void seal(RoutingContext ctx) {
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).compose(e -> seals.seal(e, client))
        .onSuccess(s -> ApiRouter.json(ctx, 201, json(s))).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> seals.inForce(e.id())
        .compose(n -> seals.seals(e.id()).map(all -> {
          JsonArray a = new JsonArray();
          all.forEach(s -> a.add(json(s)));
          return new JsonObject().put("inForce", n.orElse(null)).put("seals", a);
        })))
        .onSuccess(body -> ApiRouter.json(ctx, 200, body)).onFailure(ctx::fail);
  }

  private void reopen(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, REOPEN_FIELDS);
    String reason = in.string("reason", 2000).strip();
    if (reason.isEmpty()) {
      throw JsonInput.invalid("'reason' must say why the sealed election is reopened");
    }
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).compose(e -> seals.reopen(e.id(), reason, client))
        .onSuccess(n -> ApiRouter.json(ctx, 200, new JsonObject().put("reopened", n.isPresent())
            .put("seal", n.orElse(null))))
        .onFailure(ctx::fail);
  }
}
