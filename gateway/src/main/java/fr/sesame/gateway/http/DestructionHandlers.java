package fr.sesame.gateway.http;

import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.retention.DestructionService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The destruction of an election's data at the end of their retention (issue 16 point 6), for the machines that
 * act for named staff members: an admin key calls, {@code staff} names the staff member who requests (an
 * organiser of the election) or approves (its controller, another person). Through {@link DestructionService},
 * the one path of the action.
 */
public final class DestructionHandlers implements RouteGroup {
  private static final Pattern STAFF_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Set<String> FIELDS = Set.of("staff");
  private final DestructionService destruction;
  private final ElectionService elections;
  private final ApiKeyAuth auth;

  public DestructionHandlers(DestructionService destruction, ElectionService elections, ApiKeyAuth auth) {
    this.destruction = destruction;
    this.elections = elections;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    String base = "/v1/admin/elections/:electionId/destruction";
    routes.json(router.post(base), "destruction-request", auth.require(Role.ADMIN), this::request);
    routes.json(router.post(base + "/approval"), "destruction-approve", auth.require(Role.ADMIN), this::approve);
    routes.plain(router.get(base), "destruction-status", auth.require(Role.ADMIN), this::status);
  }

  private static String electionId(RoutingContext ctx) {
    String id = ctx.pathParam("electionId");
    if (id == null || !Election.ID.matcher(id).matches()) {
      throw new ProblemException(ProblemType.ELECTION_NOT_FOUND, null);
    }
    return id;
  }

  /** The staff member the call acts for; the audit names them, and the key's name beside. */
  private static ClientInfo actingFor(RoutingContext ctx, String staffId) {
    ClientInfo key = ApiKeyAuth.client(ctx);
    return new ClientInfo(key.ip(), "staff:" + staffId);
  }

  private void request(RoutingContext ctx) {
    String id = electionId(ctx);
    String staff = JsonInput.read(ctx, FIELDS).matching("staff", STAFF_ID, "a staff member's id");
    destruction.request(id, staff, actingFor(ctx, staff)).onSuccess(s -> ApiRouter.json(ctx, 202, s))
        .onFailure(ctx::fail);
  }

  private void approve(RoutingContext ctx) {
    String id = electionId(ctx);
    String staff = JsonInput.read(ctx, FIELDS).matching("staff", STAFF_ID, "a staff member's id");
    destruction.approve(id, staff, actingFor(ctx, staff)).onSuccess(c -> ApiRouter.json(ctx, 200, c))
        .onFailure(ctx::fail);
  }

  /** The job's state, or the certificate once destroyed; the retention dates while the election exists. */
  private void status(RoutingContext ctx) {
    String id = electionId(ctx);
    destruction.status(id).compose(s -> elections.find(id).map(e -> {
      if (s.isEmpty() && e.isEmpty()) {
        throw new ProblemException(ProblemType.ELECTION_NOT_FOUND, null);
      }
      var out = s.orElseGet(() -> new io.vertx.core.json.JsonObject().put("electionId", id).put("status", "none"));
      e.ifPresent(el -> out.put("retention", DestructionService.retention(el)));
      return out;
    })).onSuccess(s -> ApiRouter.json(ctx, 200, s)).onFailure(ctx::fail);
  }
}
