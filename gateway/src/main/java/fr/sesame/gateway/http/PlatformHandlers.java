package fr.sesame.gateway.http;

import fr.sesame.gateway.auth.EmargementList;
import fr.sesame.gateway.auth.SessionService;
import fr.sesame.gateway.auth.SessionService.EmargementOutcome;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;

/** What the voting platform calls: introspection, émargement, logout; and the émargement list export. */
public final class PlatformHandlers implements RouteGroup {
  private static final Set<String> TOKEN_FIELDS = Set.of("token");
  private static final Set<String> EMARGEMENT_FIELDS = Set.of("sessionToken", "voterIp");
  private static final Set<String> LOGOUT_FIELDS = Set.of("sessionToken");
  private final SessionService sessions;
  private final EmargementList emargementList;
  private final ElectionService elections;
  private final Clock clock;
  private final ApiKeyAuth auth;
  private final java.util.function.Function<String, Future<String>> sessionTokenOf;

  public PlatformHandlers(SessionService sessions, EmargementList emargementList, ElectionService elections,
                          Clock clock, ApiKeyAuth auth) {
    this(sessions, emargementList, elections, clock, auth, Future::succeededFuture);
  }

  /**
   * @param sessionTokenOf the session a token given to these routes stands for: an OpenID Connect access token
   *                       is resolved to its session; a session token is itself
   */
  public PlatformHandlers(SessionService sessions, EmargementList emargementList, ElectionService elections,
                          Clock clock, ApiKeyAuth auth, java.util.function.Function<String, Future<String>> sessionTokenOf) {
    this.sessionTokenOf = sessionTokenOf;
    this.sessions = sessions;
    this.emargementList = emargementList;
    this.elections = elections;
    this.clock = clock;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.json(router.post("/v1/introspect"), "introspect", auth.require(Role.PLATFORM), this::introspect);
    routes.json(router.post("/v1/elections/:electionId/emargements"), "emargement", auth.require(Role.PLATFORM),
        this::emarge);
    routes.plain(router.get("/v1/elections/:electionId/emargements"), "emargement-export", auth.require(Role.ADMIN),
        this::export);
    routes.json(router.post("/v1/sessions/logout"), "logout", this::logout);
  }

  private void introspect(RoutingContext ctx) {
    String token = JsonInput.read(ctx, TOKEN_FIELDS).string("token", 128);
    // an OpenID Connect access token answers without voterId: a platform that logs voters in through the
    // provider only ever sees its pairwise subject
    boolean viaProvider = token.startsWith(fr.sesame.gateway.oidc.OidcProvider.ACCESS_PREFIX);
    sessionTokenOf.apply(token).compose(sessions::introspect).onSuccess(found -> ApiRouter.json(ctx, 200, found
        .map(s -> {
          JsonObject body = new JsonObject().put("active", true).put("electionId", s.electionId());
          if (!viaProvider) {
            body.put("voterId", s.voterId());
          }
          return body.put("college", s.college()).put("exp", s.exp());
        })
        .orElse(new JsonObject().put("active", false)))).onFailure(ctx::fail);
  }

  private void emarge(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, EMARGEMENT_FIELDS);
    String token = in.string("sessionToken", 128);
    String voterIp = ip(in.optionalString("voterIp", 45));
    Paths.election(ctx, elections).compose(election -> open(election)
            .compose(e -> sessionTokenOf.apply(token).compose(t -> sessions.emarge(e, t, voterIp,
                ApiKeyAuth.client(ctx)))))
        .compose(PlatformHandlers::recorded)
        .onSuccess(r -> ApiRouter.json(ctx, 201, new JsonObject().put("votedAt", r.votedAt().toString())))
        .onFailure(ctx::fail);
  }

  private static Future<EmargementOutcome.Recorded> recorded(EmargementOutcome outcome) {
    if (outcome instanceof EmargementOutcome.Recorded r) {
      return Future.succeededFuture(r);
    }
    if (outcome instanceof EmargementOutcome.Closed) {
      return Future.failedFuture(new ProblemException(ProblemType.ELECTION_CLOSED, "the election closed"));
    }
    return Future.failedFuture(new ProblemException(outcome instanceof EmargementOutcome.AlreadyVoted
        ? ProblemType.ALREADY_VOTED : ProblemType.SESSION_INACTIVE, null));
  }

  private void logout(RoutingContext ctx) {
    String token = JsonInput.read(ctx, LOGOUT_FIELDS).string("sessionToken", 128);
    sessionTokenOf.apply(token).compose(t -> sessions.logout(t, ApiKeyAuth.client(ctx))).onSuccess(ended -> {
      if (ended) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(new ProblemException(ProblemType.SESSION_INACTIVE, "no such active session"));
      }
    }).onFailure(ctx::fail);
  }

  /** CSV, streamed page by page ({@link EmargementList#HEADER}). */
  private void export(RoutingContext ctx) {
    Paths.election(ctx, elections).onSuccess(election -> {
      ctx.response().setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"emargements-" + election.id() + ".csv\"");
      emargementList.csv(election.id(), ApiRouter.chunks(ctx))
          .onSuccess(v -> ctx.response().end()).onFailure(e -> ctx.response().reset());
    }).onFailure(ctx::fail);
  }

  /**
   * Open, or in its grace period after the close (then {@link SessionService#emarge} takes only a session opened
   * before the close).
   */
  private Future<Election> open(Election election) {
    java.time.Instant now = clock.instant();
    return !now.isBefore(election.opensAt().toInstant()) && now.isBefore(election.graceEndsAt())
        ? Future.succeededFuture(election)
        : Future.failedFuture(new ProblemException(ProblemType.ELECTION_CLOSED, null));
  }

  /** An IPv4 or IPv6 literal, or null; checked without any name lookup (this runs on the event loop). */
  private static String ip(String s) {
    if (s != null && !NetUtil.isValidIpV4Address(s) && !NetUtil.isValidIpV6Address(s)) {
      throw JsonInput.invalid("'voterIp' must be an IPv4 or IPv6 address");
    }
    return s;
  }
}
