package fr.sesame.gateway.http;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.auth.ClientInfo;
import fr.sesame.gateway.auth.Contacts;
import fr.sesame.gateway.auth.LoginOutcome;
import fr.sesame.gateway.auth.LoginService;
import fr.sesame.gateway.election.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.problem.ProblemException;
import fr.sesame.gateway.http.problem.ProblemType;
import fr.sesame.gateway.roll.RollLineParser;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The public voter login: {@code /v1/elections/{electionId}/login...}. */
final class LoginHandlers {
  private static final Set<String> LOGIN_FIELDS = Set.of("identifier", "secret", "channel", "phone");
  private static final Set<String> VERIFY_FIELDS = Set.of("code");
  private static final Set<String> RESEND_FIELDS = Set.of("channel");
  private final LoginService logins;
  private final ElectionService elections;
  private final Clock clock;
  private final Pattern codeShape;

  LoginHandlers(LoginService logins, ElectionService elections, Clock clock, int otpDigits) {
    this.logins = logins;
    this.elections = elections;
    this.clock = clock;
    this.codeShape = Pattern.compile("[0-9]{" + otpDigits + "}");
  }

  void mount(Router router, ApiRouter.Routes routes) {
    routes.json(router.post("/v1/elections/:electionId/login"), "login", this::login);
    routes.json(router.post("/v1/elections/:electionId/login/:challengeId/verify"), "login-verify", this::verify);
    routes.json(router.post("/v1/elections/:electionId/login/:challengeId/resend"), "login-resend", this::resend);
  }

  private void login(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, LOGIN_FIELDS);
    String identifier = in.matching("identifier", RollLineParser.IDENTIFIER, "1 to 128 of A-Z a-z 0-9 . _ @ + -");
    String secret = in.string("secret", 64);
    String channelName = in.string("channel", 16);
    String phoneRaw = in.optionalString("phone", 32);
    Optional<String> phone = Optional.empty();
    if (phoneRaw != null) {
      phone = Contacts.phone(phoneRaw, null);
      if (phone.isEmpty()) {
        throw JsonInput.invalid("'phone' must be a valid number in E.164 form, such as +33612345678");
      }
    }
    Optional<String> givenPhone = phone;
    ClientInfo client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections)
        .compose(election -> {
          ChannelKind channel = channel(election, channelName);
          givenPhone.ifPresent(p -> PhoneChecks.requireAllowed("phone", p, election.phoneRegions(), channel));
          requireOpen(election);
          return logins.start(election, identifier, secret, channel, givenPhone, client);
        })
        .onSuccess(outcome -> write(ctx, outcome))
        .onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, VERIFY_FIELDS);
    String code = in.matching("code", codeShape, "the digits of the code received");
    String challengeId = ctx.pathParam("challengeId");
    Paths.election(ctx, elections)
        .compose(election -> {
          requireOpen(election);
          return logins.verify(election, challengeId, code, ApiKeyAuth.client(ctx));
        })
        .onSuccess(outcome -> write(ctx, outcome))
        .onFailure(ctx::fail);
  }

  private void resend(RoutingContext ctx) {
    JsonInput in = JsonInput.readOptional(ctx, RESEND_FIELDS);
    String channelName = in.optionalString("channel", 16);
    String challengeId = ctx.pathParam("challengeId");
    Paths.election(ctx, elections)
        .compose(election -> {
          Optional<ChannelKind> channel = Optional.ofNullable(channelName).map(n -> channel(election, n));
          requireOpen(election);
          return logins.resend(election, challengeId, channel, ApiKeyAuth.client(ctx));
        })
        .onSuccess(outcome -> write(ctx, outcome))
        .onFailure(ctx::fail);
  }

  /** A code channel some college of this election allows (which one the voter's allows is told after the secret). */
  private static ChannelKind channel(Election election, String name) {
    Optional<ChannelKind> kind = ChannelKind.fromWire(name).filter(k -> election.anyChannel().contains(k));
    if (kind.isEmpty()) {
      throw JsonInput.invalid("'channel' must be one of " + election.anyChannel().stream()
          .map(ChannelKind::wireName).sorted().toList());
    }
    return kind.get();
  }

  private void requireOpen(Election election) {
    if (!election.isOpenAt(clock.instant())) {
      throw new ProblemException(ProblemType.ELECTION_CLOSED, "voting is open from " + election.opensAt() + " to "
          + election.closesAt());
    }
  }

  static void write(RoutingContext ctx, LoginOutcome outcome) {
    if (outcome instanceof LoginOutcome.OtpSent s) {
      JsonObject body = new JsonObject().put("challengeId", s.challengeId()).put("channel", s.channel().wireName())
          .put("destination", s.maskedDestination()).put("expiresInSeconds", s.expiresInSeconds());
      if (s.resendsLeft() >= 0) {
        body.put("resendsLeft", s.resendsLeft());
      }
      ApiRouter.json(ctx, 200, body);
    } else if (outcome instanceof LoginOutcome.SessionOpened s) {
      ApiRouter.json(ctx, 200, new JsonObject().put("sessionToken", s.sessionToken())
          .put("expiresInSeconds", s.expiresInSeconds()));
    } else if (outcome instanceof LoginOutcome.Rejected r) {
      ctx.fail(new ProblemException(ProblemType.INVALID_CREDENTIALS, null,
          new JsonObject().put("remainingAttempts", r.remainingAttempts())));
    } else if (outcome instanceof LoginOutcome.LockedOut) {
      ctx.fail(new ProblemException(ProblemType.ACCOUNT_LOCKED,
          "too many failed attempts; only support can unlock the account"));
    } else if (outcome instanceof LoginOutcome.ChannelNotAllowed c) {
      ctx.fail(new ProblemException(ProblemType.CHANNEL_NOT_ALLOWED, "choose another channel than "
          + c.channel().wireName()));
    } else if (outcome instanceof LoginOutcome.NoDestination d) {
      ctx.fail(new ProblemException(ProblemType.NO_DESTINATION, d.channel().usesPhone()
          ? "no phone number is known for you: send one in 'phone' (E.164)" : "no email address is known for you"));
    } else if (outcome instanceof LoginOutcome.UnknownChallenge) {
      ctx.fail(new ProblemException(ProblemType.CHALLENGE_NOT_FOUND, null));
    } else if (outcome instanceof LoginOutcome.CodeExpired) {
      ctx.fail(new ProblemException(ProblemType.CODE_EXPIRED, null));
    } else if (outcome instanceof LoginOutcome.ResendLimitReached) {
      ctx.fail(new ProblemException(ProblemType.RESEND_LIMIT_REACHED, null));
    } else if (outcome instanceof LoginOutcome.RateLimited r) {
      ctx.fail(r.suspended()
          ? RateLimitHeaders.tooMany(r.decision(), ProblemType.SENDS_SUSPENDED,
              "codes to this number's block or country are suspended for a while; choose another channel")
          : RateLimitHeaders.tooMany(r.decision(), ProblemType.RATE_LIMITED, "try again after Retry-After seconds"));
    } else if (outcome instanceof LoginOutcome.PhoneTaken) {
      ctx.fail(new ProblemException(ProblemType.PHONE_IN_USE,
          "this number already receives codes for another voter of this election; give yours, or ask support"));
    } else if (outcome instanceof LoginOutcome.SendFailed f) {
      ctx.fail(new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE, "the code could not be sent by "
          + f.channel().wireName() + "; ask for a resend"));
    }
  }
}
