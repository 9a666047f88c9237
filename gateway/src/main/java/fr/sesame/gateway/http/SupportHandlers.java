package fr.sesame.gateway.http;

import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.roll.RollLineParser;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Support agents' tools: a voter's status and unlock. */
public final class SupportHandlers implements RouteGroup {
  private static final Set<String> UNLOCK_FIELDS = Set.of("reason");
  private final SupportService support;
  private final ElectionService elections;
  private final ApiKeyAuth auth;

  public SupportHandlers(SupportService support, ElectionService elections, ApiKeyAuth auth) {
    this.support = support;
    this.elections = elections;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    String base = "/v1/support/elections/:electionId/voters/:identifier";
    routes.plain(router.get(base), "support-status", auth.require(Role.SUPPORT, Role.ADMIN), this::status);
    routes.json(router.post(base + "/unlock"), "support-unlock", auth.require(Role.SUPPORT, Role.ADMIN), this::unlock);
    routes.json(router.post(base + "/resend"), "support-resend", auth.require(Role.SUPPORT, Role.ADMIN), this::resend);
    routes.json(router.post(base + "/reassort"), "support-reassort", auth.require(Role.SUPPORT, Role.ADMIN),
        this::reassort);
    routes.json(router.post("/v1/support/elections/:electionId/unlock-window"), "support-unlock-window",
        auth.require(Role.SUPPORT, Role.ADMIN), this::unlockWindow);
  }

  private void status(RoutingContext ctx) {
    String identifier = identifier(ctx);
    Paths.election(ctx, elections).compose(e -> support.status(e.id(), identifier))
        .compose(SupportHandlers::found)
        .onSuccess(s -> ApiRouter.json(ctx, 200, new JsonObject().put("identifier", s.identifier())
            .put("college", s.college()).put("status", s.locked() ? "locked" : "active")
            .put("failedAttempts", s.failedAttempts())
            .put("lockedAt", s.lockedAt() == null ? null : s.lockedAt().toString())
            .put("lastLoginAt", s.lastLoginAt() == null ? null : s.lastLoginAt().toString())
            .put("phone", s.maskedPhone()).put("email", s.maskedEmail()).put("postalTown", s.postalTown())
            .put("hasVoted", s.hasVoted())
            .put("recentLogins", recentLogins(s)).put("lastCode", s.lastCode().map(SupportHandlers::lastCode)
                .orElse(null))))
        .onFailure(ctx::fail);
  }

  private static io.vertx.core.json.JsonArray recentLogins(SupportService.VoterStatus s) {
    io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
    s.recentLogins().forEach(l -> out.add(new JsonObject().put("at", l.at().toString()).put("ip", l.ip())));
    return out;
  }

  private static JsonObject lastCode(SupportService.LastCode c) {
    return new JsonObject().put("channel", c.channel()).put("status", c.status()).put("provider", c.provider())
        .put("updatedAt", c.updatedAt() == null ? null : c.updatedAt().toString()).put("resends", c.resends())
        .put("valid", c.valid());
  }

  private static final Set<String> WINDOW_FIELDS = Set.of("from", "to", "reason");
  private static final Set<String> REASSORT_FIELDS = Set.of("channel");

  /** The voter's access information sent again (identifier and platform address) by email or SMS. */
  private void reassort(RoutingContext ctx) {
    String identifier = identifier(ctx);
    String name = JsonInput.read(ctx, REASSORT_FIELDS).string("channel", 8);
    fr.sesame.channels.ChannelKind channel = fr.sesame.channels.ChannelKind.fromWire(name)
        .filter(k -> k == fr.sesame.channels.ChannelKind.EMAIL || k == fr.sesame.channels.ChannelKind.SMS
            || k == fr.sesame.channels.ChannelKind.POST)
        .orElseThrow(() -> JsonInput.invalid("'channel' must be email, sms or post"));
    Paths.election(ctx, elections).compose(e -> support.reassort(e, identifier, channel, ApiKeyAuth.client(ctx)))
        .onSuccess(r -> {
          switch (r) {
            case SENT, ALREADY_SENT -> ApiRouter.json(ctx, r == SupportService.Reassort.SENT ? 202 : 200,
                new JsonObject().put("status", r == SupportService.Reassort.SENT ? "sent" : "already-sent"));
            case NOT_ON_ROLL -> ctx.fail(new ProblemException(ProblemType.VOTER_NOT_FOUND, null));
            case NO_CONTACT -> ctx.fail(new ProblemException(ProblemType.NO_DESTINATION,
                "the roll has no contact of this voter for this channel"));
            case NO_PLATFORM_URL -> ctx.fail(new ProblemException(ProblemType.NO_PLATFORM_URL,
                "the election has no 'platformUrl': set it to send the access information"));
            default -> ctx.fail(new ProblemException(ProblemType.RATE_LIMITED, "the caps on paid sends refused it"));
          }
        })
        .onFailure(ctx::fail);
  }

  /** The voters locked in a time window, unlocked together (each audited); the window is at most 7 days. */
  private void unlockWindow(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, WINDOW_FIELDS);
    java.time.Instant from = instant(in, "from");
    java.time.Instant to = instant(in, "to");
    String reason = in.string("reason", 500).strip();
    if (reason.isEmpty()) {
      throw JsonInput.invalid("'reason' must say why the accounts are unlocked");
    }
    if (!from.isBefore(to) || java.time.Duration.between(from, to).toDays() > 7) {
      throw JsonInput.invalid("'from' must come before 'to', at most 7 days apart");
    }
    Paths.election(ctx, elections)
        .compose(e -> support.unlockWindow(e.id(), from, to, reason, ApiKeyAuth.client(ctx)))
        .onSuccess(n -> ApiRouter.json(ctx, 200, new JsonObject().put("unlocked", n)))
        .onFailure(ctx::fail);
  }

  private static java.time.Instant instant(JsonInput in, String field) {
    try {
      return java.time.OffsetDateTime.parse(in.string(field, 64)).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw JsonInput.invalid("'" + field + "' must be ISO-8601 with an offset, e.g. 2026-12-01T09:00:00+01:00");
    }
  }

  private void resend(RoutingContext ctx) {
    String identifier = identifier(ctx);
    JsonInput.readOptional(ctx, Set.of());
    Paths.election(ctx, elections)
        .compose(e -> support.resend(e, identifier, ApiKeyAuth.client(ctx)))
        .onSuccess(outcome -> {
          if (outcome.isEmpty()) {
            ctx.fail(new ProblemException(ProblemType.CHALLENGE_NOT_FOUND,
                "this voter has no login waiting for a code: the voter logs in again"));
          } else {
            LoginHandlers.write(ctx, outcome.get());
          }
        })
        .onFailure(ctx::fail);
  }

  private void unlock(RoutingContext ctx) {
    String identifier = identifier(ctx);
    String reason = JsonInput.read(ctx, UNLOCK_FIELDS).string("reason", 500);
    if (reason.isBlank()) {
      throw JsonInput.invalid("'reason' must say why the account is unlocked");
    }
    Paths.election(ctx, elections)
        .compose(e -> support.unlock(e.id(), identifier, reason.strip(), ApiKeyAuth.client(ctx)))
        .compose(SupportHandlers::found)
        .onSuccess(was -> ApiRouter.json(ctx, 200, new JsonObject().put("status", "active").put("wasLocked", was)))
        .onFailure(ctx::fail);
  }

  private static <T> Future<T> found(Optional<T> voter) {
    return voter.isPresent() ? Future.succeededFuture(voter.get())
        : Future.failedFuture(new ProblemException(ProblemType.VOTER_NOT_FOUND, null));
  }

  private static String identifier(RoutingContext ctx) {
    String id = ctx.pathParam("identifier");
    if (id == null || !RollLineParser.IDENTIFIER.matcher(id).matches()) {
      throw new ProblemException(ProblemType.VOTER_NOT_FOUND, null);
    }
    return id;
  }
}
