package fr.sesame.gateway.http;

import fr.sesame.gateway.auth.SessionService;
import fr.sesame.gateway.auth.SessionService.EmargementOutcome;
import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.election.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.problem.ProblemException;
import fr.sesame.gateway.http.problem.ProblemType;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.gateway.store.redis.RedisKeys;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;

/** What the voting platform calls: introspection, émargement, logout; and the émargement list export. */
final class PlatformHandlers {
  private static final Set<String> TOKEN_FIELDS = Set.of("token");
  private static final Set<String> EMARGEMENT_FIELDS = Set.of("sessionToken", "voterIp");
  private static final Set<String> LOGOUT_FIELDS = Set.of("sessionToken");
  private final SessionService sessions;
  private final SupportService support;
  private final ElectionService elections;
  private final EmargementStore emargements;
  private final Clock clock;

  PlatformHandlers(SessionService sessions, SupportService support, ElectionService elections,
                   EmargementStore emargements, Clock clock) {
    this.sessions = sessions;
    this.support = support;
    this.elections = elections;
    this.emargements = emargements;
    this.clock = clock;
  }

  void mount(Router router, ApiRouter.Routes routes, ApiKeyAuth auth) {
    routes.json(router.post("/v1/introspect"), "introspect", auth.require(Role.PLATFORM), this::introspect);
    routes.json(router.post("/v1/elections/:electionId/emargements"), "emargement", auth.require(Role.PLATFORM), this::emarge);
    routes.plain(router.get("/v1/elections/:electionId/emargements"), "emargement-export", auth.require(Role.ADMIN), this::export);
    routes.json(router.post("/v1/sessions/logout"), "logout", this::logout);
  }

  private void introspect(RoutingContext ctx) {
    String token = JsonInput.read(ctx, TOKEN_FIELDS).string("token", 128);
    sessions.introspect(token).onSuccess(found -> {
      JsonObject body = found.map(s -> new JsonObject().put("active", true).put("electionId", s.electionId())
              .put("voterId", s.voterId()).put("college", s.college()).put("exp", s.exp()))
          .orElse(new JsonObject().put("active", false));
      ApiRouter.json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private void emarge(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, EMARGEMENT_FIELDS);
    String token = in.string("sessionToken", 128);
    String voterIp = in.optionalString("voterIp", 45);
    if (voterIp != null && !isIp(voterIp)) {
      throw JsonInput.invalid("'voterIp' must be an IPv4 or IPv6 address");
    }
    Paths.election(ctx, elections).compose(election -> {
      if (!election.isOpenAt(clock.instant())) {
        throw new ProblemException(ProblemType.ELECTION_CLOSED, null);
      }
      return sessions.emarge(election.id(), token, voterIp, ApiKeyAuth.client(ctx));
    }).onSuccess(outcome -> {
      if (outcome instanceof EmargementOutcome.Recorded r) {
        ApiRouter.json(ctx, 201, new JsonObject().put("votedAt", r.votedAt().toString()));
      } else if (outcome instanceof EmargementOutcome.AlreadyVoted) {
        ctx.fail(new ProblemException(ProblemType.ALREADY_VOTED, null));
      } else {
        ctx.fail(new ProblemException(ProblemType.SESSION_INACTIVE, null));
      }
    }).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    String token = JsonInput.read(ctx, LOGOUT_FIELDS).string("sessionToken", 128);
    sessions.logout(token, ApiKeyAuth.client(ctx)).onSuccess(ended -> {
      if (ended) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(new ProblemException(ProblemType.SESSION_INACTIVE, "no such active session"));
      }
    }).onFailure(ctx::fail);
  }

  /** CSV: identifier,lastName,firstName,college,votedAt,ip,sessionId — streamed page by page. */
  private void export(RoutingContext ctx) {
    Paths.election(ctx, elections).onSuccess(election -> {
      HttpServerResponse res = ctx.response().setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"emargements-" + election.id() + ".csv\"");
      res.write("identifier,lastName,firstName,college,votedAt,ip,sessionId\r\n");
      exportPage(election, "0", res).onSuccess(v -> res.end()).onFailure(e -> res.reset());
    }).onFailure(ctx::fail);
  }

  private Future<Void> exportPage(Election election, String cursor, HttpServerResponse res) {
    return emargements.page(election.id(), cursor, 500).compose(page -> {
      List<String> pseudonyms = new ArrayList<>(page.entries().keySet());
      List<String> keys = pseudonyms.stream().map(RedisKeys::voter).toList();
      return emargements.identities(keys).compose(identities -> {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, String> e : page.entries().entrySet()) {
          String enc = identities.get(i++);
          JsonObject who = enc == null ? new JsonObject() : support.identity(e.getKey(), enc);
          JsonObject rec = new JsonObject(e.getValue());
          out.append(CSVFormat.RFC4180.format(who.getString("i", ""), who.getString("l", ""), who.getString("f", ""),
              rec.getString("c", ""), Instant.ofEpochMilli(rec.getLong("t")).toString(), rec.getString("ip", ""),
              rec.getString("sid", ""))).append("\r\n");
        }
        Promise<Void> written = Promise.promise();
        res.write(out.toString()).onComplete(written);
        return written.future().compose(v -> "0".equals(page.cursor()) ? Future.succeededFuture()
            : exportPage(election, page.cursor(), res));
      });
    });
  }

  /** An IPv4 or IPv6 literal; checked without any name lookup (this runs on the event loop). */
  private static boolean isIp(String s) {
    return NetUtil.isValidIpV4Address(s) || NetUtil.isValidIpV6Address(s);
  }
}
