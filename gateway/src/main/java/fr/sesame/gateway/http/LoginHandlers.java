package fr.sesame.gateway.http;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.admission.Admission;
import fr.sesame.gateway.auth.LoginOutcome;
import fr.sesame.gateway.auth.LoginService;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.problem.FailureHandler;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.roll.RollLineParser;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The public voter login: {@code /v1/elections/{electionId}/login...}. */
public final class LoginHandlers implements RouteGroup {
  private static final Set<String> LOGIN_FIELDS = Set.of("identifier", "secret", "channel", "phone", "lang",
      "admissionTicket");
  private static final Set<String> VERIFY_FIELDS = Set.of("code");
  private static final Set<String> RESEND_FIELDS = Set.of("channel");
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern IDEMPOTENCY_KEY_SHAPE = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,128}");
  private final LoginService logins;
  private final ElectionService elections;
  private final Clock clock;
  private final Pattern codeShape;
  private final Admission admission;

  /** A login request, validated but for {@code phone} (as typed: see {@link #phone}); {@code lang} fr or en. */
  private record LoginRequest(String identifier, String secret, String channel, Optional<String> phone,
                              String lang, String ticket) {}

  /** @param admission the door of new logins (issue 17, point 1) */
  public LoginHandlers(LoginService logins, ElectionService elections, Clock clock, int otpDigits,
                       Admission admission) {
    this.admission = admission;
    this.logins = logins;
    this.elections = elections;
    this.clock = clock;
    this.codeShape = Pattern.compile("[0-9]{" + otpDigits + "}");
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.json(router.post("/v1/elections/:electionId/login"), "login", this::login);
    routes.json(router.post("/v1/elections/:electionId/login/:challengeId/verify"), "login-verify", this::verify);
    routes.json(router.post("/v1/elections/:electionId/login/:challengeId/resend"), "login-resend", this::resend);
  }

  private void login(RoutingContext ctx) {
    LoginRequest req = loginRequest(JsonInput.read(ctx, LOGIN_FIELDS));
    Optional<String> key = idempotencyKey(ctx); // bad input is a 400 before the door, as the body's
    // the door, before anything reads or writes Redis: a login held back changes nothing (no failure counted, no
    // rate-limit token spent, no audit line), and costs one compare-and-set
    Admission.Decision door = admission.enter(ctx.pathParam("electionId"), req.identifier(), req.ticket());
    if (door instanceof Admission.Held held) {
      heldBack(ctx, held);
      return;
    }
    Paths.election(ctx, elections).compose(election -> {
          ChannelKind channel = channel(election, req.channel());
          Optional<String> phone = phone(req.phone(), election);
          phone.ifPresent(p -> PhoneChecks.requireAllowed("phone", p, election.phoneRegions(), channel));
          requireOpen(election);
          return logins.start(election, req.identifier(), req.secret(), channel, phone, req.lang(),
              ApiKeyAuth.client(ctx), key);
        })
        .onSuccess(outcome -> write(ctx, outcome)).onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    String code = JsonInput.read(ctx, VERIFY_FIELDS).matching("code", codeShape, "the digits of the code received");
    Optional<String> key = idempotencyKey(ctx);
    Paths.election(ctx, elections)
        .compose(election -> open(election).compose(e -> logins.verify(e, ctx.pathParam("challengeId"), code,
            ApiKeyAuth.client(ctx), key)))
        .onSuccess(outcome -> write(ctx, outcome)).onFailure(ctx::fail);
  }

  private void resend(RoutingContext ctx) {
    String channelName = JsonInput.readOptional(ctx, RESEND_FIELDS).optionalString("channel", 16);
    Optional<String> key = idempotencyKey(ctx);
    Paths.election(ctx, elections).compose(election -> {
          Optional<ChannelKind> channel = Optional.ofNullable(channelName).map(n -> channel(election, n));
          requireOpen(election);
          return logins.resend(election, ctx.pathParam("challengeId"), channel, ApiKeyAuth.client(ctx), key);
        })
        .onSuccess(outcome -> write(ctx, outcome)).onFailure(ctx::fail);
  }

  /**
   * The optional {@code Idempotency-Key} header (draft-ietf-httpapi-idempotency-key-header): a Structured
   * Field string, {@code "8e03978e-40d5-43e8-bc93-6894a57f9324"}; a bare token is taken too. 1 to 128 visible
   * ASCII characters.
   */
  static Optional<String> idempotencyKey(RoutingContext ctx) {
    String raw = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (raw == null) {
      return Optional.empty();
    }
    String key = raw.strip();
    if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
      key = key.substring(1, key.length() - 1);
    }
    if (!IDEMPOTENCY_KEY_SHAPE.matcher(key).matches()) {
      throw JsonInput.invalid("'Idempotency-Key' must be a string of 1 to 128 visible ASCII characters");
    }
    return Optional.of(key);
  }

  private static LoginRequest loginRequest(JsonInput in) {
    String identifier = in.matching("identifier", RollLineParser.IDENTIFIER, "1 to 128 of A-Z a-z 0-9 . _ @ + -");
    String secret = in.string("secret", 64);
    String channel = in.string("channel", 16);
    String phoneRaw = in.optionalString("phone", 32);
    String ticket = in.optionalString("admissionTicket", 64);
    return new LoginRequest(identifier, secret, channel, Optional.ofNullable(phoneRaw), in.lang(), ticket);
  }

  /**
   * A login held back at the door: 503 {@code overloaded} with {@code Retry-After} and the ticket that keeps the
   * voter's place. Written here, not failed: a held login is expected under load, not a dependency's failure
   * that operators must see in the log once per request.
   */
  static void heldBack(RoutingContext ctx, Admission.Held held) {
    ctx.put(ApiRouter.HELD, Boolean.TRUE);
    JsonObject extensions = new JsonObject().put("retryAfterSeconds", held.retryAfterSeconds())
        .put("estimatedWaitSeconds", held.waitSeconds());
    String detail;
    if (held.ticket() != null) {
      extensions.put("admissionTicket", held.ticket());
      detail = "the gateway is busy: send the same request again after Retry-After seconds, with admissionTicket "
          + "to keep your place";
    } else {
      detail = "the gateway is very busy: try again after Retry-After seconds";
    }
    FailureHandler.write(ctx, ProblemType.OVERLOADED, detail, extensions);
  }

  /**
   * The phone a login brings, as typed: E.164, or the national format of one of the election's countries
   * ({@code 06 12 34 56 78}), normalised to E.164 as the roll's numbers are.
   */
  private static Optional<String> phone(Optional<String> raw, fr.sesame.gateway.domain.Election election) {
    if (raw.isEmpty()) {
      return raw;
    }
    Optional<String> phone = Contacts.typedPhone(raw.get(), election.phoneRegions());
    if (phone.isEmpty()) {
      throw JsonInput.invalid("'phone' must be a valid number, in E.164 form (+33612345678) or in the national"
          + " format of one of the election's countries (06 12 34 56 78)");
    }
    return phone;
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

  private Future<Election> open(Election election) {
    requireOpen(election);
    return Future.succeededFuture(election);
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
    } else {
      ctx.fail(problem(outcome));
    }
  }

  /** A failed step as its problem: the type from the outcome table, a detail that helps the voter. */
  private static ProblemException problem(LoginOutcome outcome) {
    ProblemType type = outcome.kind().problem();
    String detail = switch (outcome.kind()) {
      case LOCKED -> "too many failed attempts; only support can unlock the account";
      case CHANNEL_NOT_ALLOWED -> "choose another channel than "
          + ((LoginOutcome.ChannelNotAllowed) outcome).channel().wireName();
      case NO_DESTINATION -> ((LoginOutcome.NoDestination) outcome).channel().usesPhone()
          ? "no phone number is known for you: send one in 'phone' (E.164)" : "no email address is known for you";
      case RATE_LIMITED -> "try again after Retry-After seconds";
      case SENDS_SUSPENDED -> "codes to this number's block or country are suspended for a while; choose another "
          + "channel";
      case PHONE_TAKEN -> "this number already receives codes for another voter of this election; give yours, or "
          + "ask support";
      case SEND_FAILED -> "the code could not be sent by " + ((LoginOutcome.SendFailed) outcome).channel().wireName()
          + "; ask for a resend";
      default -> null;
    };
    if (outcome instanceof LoginOutcome.RateLimited r) {
      return RateLimitHeaders.tooMany(r.decision(), type, detail);
    }
    JsonObject extensions = outcome instanceof LoginOutcome.Rejected r
        ? new JsonObject().put("remainingAttempts", r.remainingAttempts()) : new JsonObject();
    return new ProblemException(type, detail, extensions);
  }
}
