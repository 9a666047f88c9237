package fr.sesame.gateway.http.pages;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.admission.Admission;
import fr.sesame.gateway.auth.LoginOutcome;
import fr.sesame.gateway.auth.LoginService;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.RouteGroup;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.oidc.LoginFlow;
import fr.sesame.gateway.oidc.OidcProvider;
import fr.sesame.gateway.roll.RollLineParser;
import fr.sesame.ratelimit.fraud.PhoneRules;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hosted login pages: identifier, knowledge secret and channel (a phone number when the roll has none) →
 * the code → back to the relying party. Server-rendered, French first, usable without JavaScript. Every step
 * calls the same {@link LoginService} as the API: same limits, same lockout, same audit trail.
 *
 * <p>Each page answers with a status a script can read (400 for a field to correct, 401 wrong secret or code,
 * 423 locked, 403 election closed or a form from elsewhere, 429 too fast), and shows the error next to its
 * field with a summary at the top.
 */
public final class LoginPages implements RouteGroup {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final String BASE = "/connexion/";
  /** How long after a code was sent the pages offer a new one (a countdown on the resend button). */
  static final java.time.Duration RESEND_AFTER = java.time.Duration.ofSeconds(30);
  private final OidcProvider provider;
  private final LoginService logins;
  private final ElectionService elections;
  private final Pages pages;
  private final Clock clock;
  private final int digits;
  private final Admission admission;

  /** @param admission the door of new logins (issue 17, point 1): the first submit of the login form */
  public LoginPages(OidcProvider provider, LoginService logins, ElectionService elections, Pages pages, Clock clock,
                    int digits, Admission admission) {
    this.admission = admission;
    this.provider = provider;
    this.logins = logins;
    this.elections = elections;
    this.pages = pages;
    this.clock = clock;
    this.digits = digits;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get(BASE + ":flow"), "page-login", ctx -> withFlow(ctx, this::showLogin));
    routes.form(router.post(BASE + ":flow"), "page-login-post", ctx -> withFlow(ctx, this::login));
    routes.plain(router.get(BASE + ":flow/attente"), "page-wait", ctx -> withFlow(ctx, this::showWaiting));
    routes.plain(router.get(BASE + ":flow/code"), "page-code", ctx -> withFlow(ctx, this::showCode));
    routes.plain(router.get(BASE + ":flow/canal"), "page-channel", ctx -> withFlow(ctx, this::showChannel));
    routes.form(router.post(BASE + ":flow/canal"), "page-channel-post", ctx -> withFlow(ctx, this::chooseChannel));
    routes.form(router.post(BASE + ":flow/code"), "page-code-post", ctx -> withFlow(ctx, this::verify));
    routes.form(router.post(BASE + ":flow/resend"), "page-resend", ctx -> withFlow(ctx, this::resend));
    routes.form(router.post(BASE + ":flow/cancel"), "page-cancel", ctx -> withFlow(ctx, this::cancel));
    routes.plain(router.get("/static/sesame.css"), "static-css", Static::css);
    routes.plain(router.get("/static/sesame.js"), "static-js", Static::js);
  }

  /** What a step needs: the flow (of this browser), its election, the page's language. */
  private record Step(LoginFlow flow, Election election, String lang, String browser) {
    String base() {
      return BASE + flow.id();
    }
  }

  @FunctionalInterface
  private interface StepHandler {
    void handle(RoutingContext ctx, Step step);
  }

  private void withFlow(RoutingContext ctx, StepHandler handler) {
    String browser = Browser.id(ctx);
    provider.flow(ctx.pathParam("flow"), browser).compose(found -> {
      if (found.isEmpty()) {
        String lang = Pages.language(ctx, null);
        pages.render(ctx, 400, "message", lang, pages.text(lang, "expiredTitle"), Map.of("paragraphs",
            List.of(pages.text(lang, "expired.1"), pages.text(lang, "expired.2"))), null);
        return Future.succeededFuture();
      }
      LoginFlow flow = found.get();
      return elections.find(flow.electionId()).compose(election -> {
        String lang = Pages.language(ctx, flow.get("lang").orElse(firstLocale(flow.locales())));
        if (election.isEmpty() || !election.get().isOpenAt(clock.instant())) {
          closed(ctx, lang, election.orElse(null), flow);
          return Future.succeededFuture();
        }
        Step step = new Step(flow, election.get(), lang, browser);
        String asked = ctx.request().getParam("lang");
        Future<Void> kept = asked != null && Pages.LANGUAGES.contains(asked)
            ? provider.remember(flow, Map.of("lang", asked)) : Future.succeededFuture();
        return kept.map(v -> {
          if ("POST".equals(ctx.request().method().name())
              && !provider.csrfMatches(browser, flow.id(), first(ctx, "csrf"))) {
            csrfFailed(ctx, step);
            return null;
          }
          handler.handle(ctx, step);
          return null;
        });
      });
    }).onFailure(e -> {
      if (!ctx.response().ended()) {
        ctx.fail(e);
      }
    });
  }

  private static String firstLocale(String locales) {
    for (String l : locales.split(" ")) {
      String base = l.split("-")[0].toLowerCase(Locale.ROOT);
      if (Pages.LANGUAGES.contains(base)) {
        return base;
      }
    }
    return null;
  }

  private void closed(RoutingContext ctx, String lang, Election election, LoginFlow flow) {
    DateTimeFormatter f = DateTimeFormatter.ofPattern(lang.equals("fr") ? "d MMMM yyyy 'à' HH'h'mm"
        : "d MMMM yyyy 'at' HH:mm", Locale.forLanguageTag(lang));
    List<String> paragraphs = election == null ? List.of() : List.of(pages.text(lang, "closed.1",
        f.format(election.opensAt().atZoneSameInstant(PARIS)), f.format(election.closesAt().atZoneSameInstant(PARIS))));
    pages.render(ctx, 403, "message", lang, pages.text(lang, "closedTitle"), Map.of("paragraphs", paragraphs,
        "clientName", flow.client().name()), null);
  }

  private void csrfFailed(RoutingContext ctx, Step step) {
    pages.render(ctx, 403, "message", step.lang(), pages.text(step.lang(), "expiredTitle"), Map.of("paragraphs",
        List.of(pages.text(step.lang(), "err.csrf"))), null);
  }

  private static String first(RoutingContext ctx, String field) {
    Map<String, List<String>> form = ctx.get(Routes.FORM);
    List<String> values = form == null ? null : form.get(field);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  // ---------------------------------------------------------------- step 1: identifier, secret, channel

  /** The form's values and errors, to show it again. */
  private record LoginForm(String identifier, String channel, String phone, Map<String, String> errors) {}

  private void showLogin(RoutingContext ctx, Step step) {
    renderLogin(ctx, step, 200, new LoginForm(step.flow().loginHint(), null, null, Map.of()));
  }

  private void renderLogin(RoutingContext ctx, Step step, int status, LoginForm form) {
    String lang = step.lang();
    Map<String, Object> m = new HashMap<>();
    m.put("action", step.base());
    m.put("switchPath", step.base());
    m.put("cancelAction", step.base() + "/cancel");
    m.put("csrf", provider.csrf(step.browser(), step.flow().id()));
    m.put("clientName", step.flow().client().name());
    m.put("electionName", step.election().name());
    m.put("identifier", form.identifier() == null ? "" : form.identifier());
    m.put("phone", form.phone() == null ? "" : form.phone());
    m.put("secretHint", secretHint(step.election(), lang));
    boolean chooseHere = sameChannelsForAll(step.election());
    m.put("chooseHere", chooseHere);
    if (chooseHere) {
      Set<ChannelKind> offered = offered(step.election().anyChannel());
      m.put("channels", channelChoices(lang, offered, form.channel()));
      m.put("phoneAllowed", offered.stream().anyMatch(ChannelKind::usesPhone));
    }
    String ticket = ctx.get(TICKET);
    if (ticket != null) { // the voter's turn came (admission control): the form keeps it, a typo included
      m.put("ticket", ticket);
      if (form.errors().isEmpty()) {
        m.put("notice", pages.text(lang, "yourTurn"));
      }
    }
    errors(m, form.errors());
    // the cancel form leads to the platform (a 303 to its redirect URI): CSP form-action covers redirects
    pages.render(ctx, status, "login", lang, pages.text(lang, "loginTitle"), m, step.flow().redirectUri());
  }

  private static void errors(Map<String, Object> m, Map<String, String> errors) {
    List<Map<String, String>> list = new ArrayList<>();
    for (String field : List.of("identifier", "secret", "channel", "phone", "code")) {
      String message = errors.get(field);
      if (message != null) {
        m.put(field + "Error", message);
        list.add(Map.of("field", field.equals("channel") ? "channel" : field, "message", message));
      }
    }
    m.put("errors", list);
    m.put("hasErrors", !list.isEmpty());
  }

  private List<Map<String, Object>> channelChoices(String lang, Set<ChannelKind> offered, String chosen) {
    List<Map<String, Object>> channels = new ArrayList<>();
    for (ChannelKind k : offered) {
      channels.add(Map.of("value", k.wireName(), "label", pages.text(lang, "channel." + k.wireName()),
          "checked", k.wireName().equals(chosen) || offered.size() == 1));
    }
    return channels;
  }

  /** The code channels of {@code channels}, in a fixed order. */
  private static Set<ChannelKind> offered(Set<ChannelKind> channels) {
    Set<ChannelKind> out = new LinkedHashSet<>();
    for (ChannelKind k : List.of(ChannelKind.SMS, ChannelKind.VOICE, ChannelKind.EMAIL)) {
      if (channels.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * Whether every college offers the same code channels: then the channel is chosen on the first page, beside
   * the secret (the list tells nothing about the voter). Otherwise the secret comes first, and only a voter who
   * proved it sees his college's channels: a list shown before would tell which identifiers exist, and where.
   */
  private static boolean sameChannelsForAll(Election election) {
    return election.colleges().values().stream().map(College::otpChannels).distinct().count() <= 1;
  }

  /** What the secret is, for each kind the election's colleges use. */
  private String secretHint(Election election, String lang) {
    Set<SecretKind> kinds = new LinkedHashSet<>();
    for (College c : election.colleges().values()) {
      kinds.add(c.secretKind());
    }
    StringBuilder hint = new StringBuilder();
    for (SecretKind k : kinds) {
      if (hint.length() > 0) {
        hint.append(hint.indexOf(pages.text(lang, "secretHintJoin").strip()) < 0
            ? pages.text(lang, "secretHintJoin") : "").append(' ');
      }
      hint.append(pages.text(lang, "secret." + k.name()));
    }
    return hint.toString();
  }

  private void login(RoutingContext ctx, Step step) {
    String lang = step.lang();
    String identifier = trimmed(first(ctx, "identifier"));
    String secret = first(ctx, "secret");
    String channelName = first(ctx, "channel");
    String phoneRaw = trimmed(first(ctx, "phone"));
    Map<String, String> errors = new HashMap<>();
    if (identifier == null || !RollLineParser.IDENTIFIER.matcher(identifier).matches()) {
      errors.put("identifier", pages.text(lang, "err.identifier"));
    }
    if (secret == null || secret.isBlank() || secret.length() > 64) {
      errors.put("secret", pages.text(lang, "err.secret"));
    }
    boolean chooseHere = sameChannelsForAll(step.election());
    Optional<ChannelKind> channel = Optional.empty();
    Optional<String> phone = Optional.empty();
    if (chooseHere) {
      channel = channel(ctx, step.election().anyChannel(), lang, errors);
      phone = phone(ctx, step.election(), channel, lang, errors);
    } else {
      channelName = null;
      phoneRaw = null;
    }
    LoginForm form = new LoginForm(identifier == null ? first(ctx, "identifier") : identifier, channelName, phoneRaw,
        errors);
    if (!errors.isEmpty()) {
      renderLogin(ctx, step, 400, form);
      return;
    }
    // the door (issue 17, point 1), before the first step reads or writes anything of the voter's
    String ticket = wellFormedTicket(first(ctx, "ticket"));
    Admission.Decision door = admission.enter(step.election().id(), binding(step), ticket);
    if (door instanceof Admission.Held held) {
      waiting(ctx, step, held);
      return;
    }
    if (ticket != null) {
      ctx.put(TICKET, ticket); // a form shown again (a wrong secret) keeps the voter's turn
    }
    ClientInfo client = ClientInfo.voter(fr.sesame.gateway.http.ApiKeyAuth.client(ctx).ip());
    Future<LoginOutcome> started = chooseHere
        ? logins.start(step.election(), identifier, secret, channel.get(), phone, lang, client)
        : logins.checkSecret(step.election(), identifier, secret, lang, client, Optional.empty());
    String formChannel = channelName;
    String formPhone = phoneRaw;
    started.onSuccess(outcome -> {
      if (outcome instanceof LoginOutcome.SecretAccepted accepted) {
        secretAccepted(ctx, step, accepted, client);
        return;
      }
      if (outcome instanceof LoginOutcome.OtpSent sent) {
        provider.remember(step.flow(), sentFields(sent)).onSuccess(v -> redirect(ctx, step.base() + "/code"))
            .onFailure(ctx::fail);
        return;
      }
      Map<String, String> e = new HashMap<>();
      int status = failure(outcome, lang, e, "secret");
      if (status == 423) {
        locked(ctx, step);
      } else {
        rateLimited(ctx, outcome);
        renderLogin(ctx, step, status, new LoginForm(form.identifier(), formChannel, formPhone, e));
      }
    }).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- admission control: the waiting page

  /** The request's context key of the waiting ticket a login form carries. */
  private static final String TICKET = "sesame.admissionTicket";

  /** A ticket is bound to the flow: usable by this browser's login only, and it names no voter. */
  private static String binding(Step step) {
    return "flow:" + step.flow().id();
  }

  private static String wellFormedTicket(String ticket) {
    return ticket != null && ticket.length() <= 64 && ticket.chars().allMatch(c -> c >= 'A' && c <= 'Z'
        || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') ? ticket : null;
  }

  /**
   * The waiting page (503, {@code Retry-After}): the estimated wait and a "try again" button that asks for the
   * form again (a GET of {@code /attente} with the ticket: no secret is kept anywhere, not in a URL, a cookie,
   * the page or Redis). With JavaScript, the page goes there by itself at the end of the wait, with a button to
   * pause that (WCAG 2.2.1 and 2.2.2); no meta refresh, which WCAG's F41 and axe's meta-refresh rule fail.
   */
  private void waiting(RoutingContext ctx, Step step, Admission.Held held) {
    String lang = step.lang();
    ctx.put(fr.sesame.gateway.http.ApiRouter.HELD, Boolean.TRUE);
    Map<String, Object> m = new HashMap<>();
    m.put("clientName", step.flow().client().name());
    m.put("electionName", step.election().name());
    String seconds = Long.toString(held.retryAfterSeconds());
    String other = lang.equals("fr") ? "en" : "fr";
    if (held.ticket() != null) {
      String retry = step.base() + "/attente?ticket=" + held.ticket();
      m.put("ticket", held.ticket());
      m.put("retryAction", step.base() + "/attente");
      m.put("waitText", pages.text(lang, "waitingEstimate", held.waitSeconds()));
      m.put("refresh", seconds);
      m.put("refreshTo", retry); // the flow keeps the language: a retry writes nothing
      m.put("switchHref", retry + "&lang=" + other);
    } else {
      m.put("retryAction", step.base());
      m.put("waitText", pages.text(lang, "waitingNoTicket"));
      m.put("switchHref", step.base() + "?lang=" + other);
    }
    ctx.response().putHeader("Retry-After", seconds);
    pages.render(ctx, 503, "waiting", lang, pages.text(lang, "waitingTitle"), m, null);
  }

  /** {@code GET /attente?ticket=}: the form at the voter's turn, the waiting page before; a bad ticket starts over. */
  private void showWaiting(RoutingContext ctx, Step step) {
    String ticket = wellFormedTicket(ctx.request().getParam("ticket"));
    Admission.Decision door = ticket == null ? null : admission.peek(step.election().id(), binding(step), ticket);
    if (door instanceof Admission.Held held) {
      waiting(ctx, step, held);
    } else if (door == null) {
      redirect(ctx, step.base());
    } else {
      ctx.put(TICKET, ticket);
      renderLogin(ctx, step, 200, new LoginForm(step.flow().loginHint(), null, null, Map.of()));
    }
  }

  /** The form's channel, one of {@code allowed}; else an error on its field. */
  private Optional<ChannelKind> channel(RoutingContext ctx, Set<ChannelKind> allowed, String lang,
                                       Map<String, String> errors) {
    String name = first(ctx, "channel");
    Optional<ChannelKind> channel = name == null ? Optional.empty()
        : ChannelKind.fromWire(name).filter(offered(allowed)::contains);
    if (channel.isEmpty()) {
      errors.put("channel", pages.text(lang, "err.channel"));
    }
    return channel;
  }

  /** The form's phone, national ({@code 06 12 34 56 78}) or E.164, as E.164; else an error on its field. */
  private Optional<String> phone(RoutingContext ctx, Election election, Optional<ChannelKind> channel, String lang,
                                 Map<String, String> errors) {
    String raw = trimmed(first(ctx, "phone"));
    if (raw == null) {
      return Optional.empty();
    }
    Optional<String> phone = raw.length() > 32 ? Optional.empty() : Contacts.typedPhone(raw, election.phoneRegions());
    if (phone.isEmpty() || channel.isPresent() && channel.get().usesPhone() && PhoneRules.check(phone.get(),
        election.phoneRegions(), channel.get() == ChannelKind.SMS ? PhoneRules.Use.SMS
            : PhoneRules.Use.VOICE) != PhoneRules.Verdict.OK) {
      errors.put("phone", pages.text(lang, "err.phone"));
    }
    return phone;
  }

  // ---------------------------------------------------------------- step 1b: the college's channels

  /**
   * The secret was right: the voter chooses among his college's channels on the next page; with one channel
   * only, and a contact for it on the roll, its code goes at once.
   */
  private void secretAccepted(RoutingContext ctx, Step step, LoginOutcome.SecretAccepted accepted, ClientInfo client) {
    Set<ChannelKind> offered = offered(accepted.channels());
    Map<String, String> fields = Map.of("challenge", accepted.challengeId(), "pending", "1", "offered",
        String.join(",", offered.stream().map(ChannelKind::wireName).toList()), "hasPhone",
        accepted.hasPhone() ? "1" : "0", "hasEmail", accepted.hasEmail() ? "1" : "0");
    provider.remember(step.flow(), fields).onSuccess(v -> {
      if (offered.size() == 1) {
        ChannelKind only = offered.iterator().next();
        if (only.usesPhone() ? accepted.hasPhone() : accepted.hasEmail()) {
          sendChosen(ctx, new Step(step.flow().with(fields), step.election(), step.lang(), step.browser()),
              accepted.challengeId(), only, Optional.empty(), null, client);
          return;
        }
      }
      redirect(ctx, step.base() + "/canal");
    }).onFailure(ctx::fail);
  }

  /** The channels offered to the voter whose secret was accepted, or empty when the flow is not there. */
  private static Set<ChannelKind> pendingChannels(LoginFlow flow) {
    if (!"1".equals(flow.get("pending").orElse("")) || flow.get("challenge").filter(c -> !c.isEmpty()).isEmpty()) {
      return Set.of();
    }
    Set<ChannelKind> out = new LinkedHashSet<>();
    for (String name : flow.get("offered").orElse("").split(",")) {
      ChannelKind.fromWire(name).ifPresent(out::add);
    }
    return out;
  }

  private void showChannel(RoutingContext ctx, Step step) {
    if (pendingChannels(step.flow()).isEmpty()) {
      redirect(ctx, step.base());
      return;
    }
    renderChannel(ctx, step, 200, null, null, Map.of());
  }

  private void renderChannel(RoutingContext ctx, Step step, int status, String channel, String phone,
                             Map<String, String> errors) {
    String lang = step.lang();
    LoginFlow flow = step.flow();
    Set<ChannelKind> offered = pendingChannels(flow);
    Map<String, Object> m = new HashMap<>();
    m.put("action", step.base() + "/canal");
    m.put("switchPath", step.base() + "/canal");
    m.put("cancelAction", step.base() + "/cancel");
    m.put("csrf", provider.csrf(step.browser(), flow.id()));
    m.put("clientName", flow.client().name());
    m.put("electionName", step.election().name());
    m.put("channels", channelChoices(lang, offered, channel));
    m.put("phoneNeeded", offered.stream().anyMatch(ChannelKind::usesPhone) && !"1".equals(flow.get("hasPhone")
        .orElse("0")));
    m.put("phone", phone == null ? "" : phone);
    errors(m, errors);
    pages.render(ctx, status, "channel", lang, pages.text(lang, "channelTitle"), m, flow.redirectUri());
  }

  private void chooseChannel(RoutingContext ctx, Step step) {
    Set<ChannelKind> offered = pendingChannels(step.flow());
    if (offered.isEmpty()) {
      redirect(ctx, step.base());
      return;
    }
    String lang = step.lang();
    Map<String, String> errors = new HashMap<>();
    Optional<ChannelKind> channel = channel(ctx, offered, lang, errors);
    Optional<String> phone = phone(ctx, step.election(), channel, lang, errors);
    String phoneRaw = trimmed(first(ctx, "phone"));
    if (!errors.isEmpty()) {
      renderChannel(ctx, step, 400, first(ctx, "channel"), phoneRaw, errors);
      return;
    }
    sendChosen(ctx, step, step.flow().get("challenge").orElse(""), channel.get(), phone, phoneRaw,
        ClientInfo.voter(fr.sesame.gateway.http.ApiKeyAuth.client(ctx).ip()));
  }

  /** The first code on the chosen channel; then the code page, or the channel page with the error. */
  private void sendChosen(RoutingContext ctx, Step step, String challenge, ChannelKind channel, Optional<String> phone,
                          String phoneRaw, ClientInfo client) {
    logins.chooseChannel(step.election(), challenge, channel, phone, client, Optional.empty()).onSuccess(outcome -> {
      if (outcome instanceof LoginOutcome.OtpSent sent) {
        provider.remember(step.flow(), sentFields(sent)).onSuccess(v -> redirect(ctx, step.base() + "/code"))
            .onFailure(ctx::fail);
        return;
      }
      if (outcome.kind() == LoginOutcome.Kind.UNKNOWN_CHALLENGE) {
        // the challenge is gone (its time passed, or a new login replaced it): start again at step 1
        provider.remember(step.flow(), Map.of("challenge", "", "pending", "")).onSuccess(v -> redirect(ctx,
            step.base())).onFailure(ctx::fail);
        return;
      }
      Map<String, String> e = new HashMap<>();
      int status = failure(outcome, step.lang(), e, "channel");
      if (status == 423) {
        locked(ctx, step);
      } else {
        rateLimited(ctx, outcome);
        renderChannel(ctx, step, status, channel.wireName(), phoneRaw, e);
      }
    }).onFailure(ctx::fail);
  }

  private Map<String, String> sentFields(LoginOutcome.OtpSent sent) {
    return Map.of("challenge", sent.challengeId(), "channel", sent.channel().wireName(), "to",
        sent.maskedDestination(), "until", Long.toString(clock.instant().plusSeconds(sent.expiresInSeconds())
            .getEpochSecond()), "pending", "", "sent", Long.toString(clock.instant().getEpochSecond()));
  }

  /**
   * A failed step's status (the one the API answers: {@link LoginOutcome.Kind#problem()}), its message put on the
   * field it concerns ({@code credentialField} for a wrong secret or code).
   */
  private int failure(LoginOutcome outcome, String lang, Map<String, String> errors, String credentialField) {
    LoginOutcome.Kind kind = outcome.kind();
    boolean onCode = credentialField.equals("code");
    String field = switch (kind) {
      case CHANNEL_NOT_ALLOWED -> "channel";
      case NO_DESTINATION, PHONE_TAKEN -> "phone";
      case CODE_EXPIRED, RESEND_LIMIT -> "code";
      case SENDS_SUSPENDED, SEND_FAILED -> onCode ? "code" : "channel";
      default -> credentialField;
    };
    String message = switch (kind) {
      case REJECTED -> pages.text(lang, onCode ? "err.wrongCode" : "err.credentials",
          ((LoginOutcome.Rejected) outcome).remainingAttempts());
      case CHANNEL_NOT_ALLOWED -> pages.text(lang, "err.channelNotAllowed");
      case SENDS_SUSPENDED -> pages.text(lang, "err.sendsSuspended");
      case NO_DESTINATION -> pages.text(lang, "err.noDestination");
      case PHONE_TAKEN -> pages.text(lang, "err.phoneTaken");
      case RATE_LIMITED -> pages.text(lang, "err.rateLimited");
      case CODE_EXPIRED -> pages.text(lang, "err.codeExpired");
      case RESEND_LIMIT -> pages.text(lang, "err.resendLimit");
      case SEND_FAILED -> pages.text(lang, "err.sendFailed");
      case LOCKED -> null; // its own page
      default -> pages.text(lang, "err.unavailable");
    };
    if (message != null) {
      errors.put(field, message);
    }
    return kind.problem() == null ? 400 : kind.problem().status();
  }

  private static void rateLimited(RoutingContext ctx, LoginOutcome outcome) {
    if (outcome instanceof LoginOutcome.RateLimited r) {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (r.decision().retryAfter().toMillis() + 999) / 1000)));
    }
  }

  private void locked(RoutingContext ctx, Step step) {
    String lang = step.lang();
    pages.render(ctx, 423, "message", lang, pages.text(lang, "lockedTitle"), Map.of("paragraphs",
        List.of(pages.text(lang, "locked.1"), pages.text(lang, "locked.2")), "clientName",
        step.flow().client().name()), null);
  }

  // ---------------------------------------------------------------- step 2: the code

  private void showCode(RoutingContext ctx, Step step) {
    if (step.flow().get("challenge").filter(c -> !c.isEmpty()).isEmpty()) {
      redirect(ctx, step.base());
      return;
    }
    if (!pendingChannels(step.flow()).isEmpty()) { // no code sent yet: its channel is still to choose
      redirect(ctx, step.base() + "/canal");
      return;
    }
    String notice = "1".equals(ctx.request().getParam("sent")) ? pages.text(step.lang(), "resent") : null;
    renderCode(ctx, step, 200, Map.of(), notice);
  }

  private void renderCode(RoutingContext ctx, Step step, int status, Map<String, String> errors, String notice) {
    String lang = step.lang();
    LoginFlow flow = step.flow();
    Map<String, Object> m = new HashMap<>();
    m.put("action", step.base() + "/code");
    m.put("switchPath", step.base() + "/code");
    m.put("resendAction", step.base() + "/resend");
    m.put("cancelAction", step.base() + "/cancel");
    m.put("csrf", provider.csrf(step.browser(), flow.id()));
    m.put("clientName", flow.client().name());
    m.put("digits", digits);
    m.put("maxLength", digits + 4); // a pasted "123 456" fits: the spaces are dropped
    m.put("codeHint", pages.text(lang, "codeHint", digits));
    String channel = flow.get("channel").orElse("sms");
    m.put("sentTo", pages.text(lang, "sentTo", pages.text(lang, "channel." + channel).toLowerCase(
        Locale.forLanguageTag(lang)), flow.get("to").orElse("")));
    Instant until = Instant.ofEpochSecond(Long.parseLong(flow.get("until").orElse("0")));
    m.put("validity", pages.text(lang, "validity", DateTimeFormatter.ofPattern("HH:mm").format(until.atZone(PARIS))));
    // seconds, not a time: the browser's clock may differ from the gateway's
    m.put("remaining", Math.max(0, until.getEpochSecond() - clock.instant().getEpochSecond()));
    m.put("resendHint", pages.text(lang, "resendHint"));
    long wait = resendWait(flow);
    if (wait > 0) {
      m.put("resendWait", Long.toString(wait));
      m.put("resendWaitText", pages.texts(lang).get("resendWait").replace("{s}", Long.toString(wait)));
    }
    if (notice != null) {
      m.put("notice", notice);
    }
    errors(m, errors);
    pages.render(ctx, status, "code", lang, pages.text(lang, "codeTitle"), m, flow.redirectUri());
  }

  /**
   * Seconds before the page lets the voter ask for a new code: {@link #RESEND_AFTER} after the last send, long
   * enough for an SMS to arrive, so an impatient second click does not replace a code on its way.
   */
  private long resendWait(LoginFlow flow) {
    long sent = flow.get("sent").filter(v -> v.matches("[0-9]{1,12}")).map(Long::parseLong).orElse(0L);
    return Math.max(0, sent + RESEND_AFTER.toSeconds() - clock.instant().getEpochSecond());
  }

  private void verify(RoutingContext ctx, Step step) {
    String lang = step.lang();
    Optional<String> challenge = step.flow().get("challenge").filter(c -> !c.isEmpty());
    if (challenge.isEmpty()) {
      redirect(ctx, step.base());
      return;
    }
    String code = trimmed(first(ctx, "code"));
    if (code != null) {
      code = code.replace(" ", "");
    }
    if (code == null || code.length() != digits || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
      renderCode(ctx, step, 400, Map.of("code", pages.text(lang, "err.code", digits)), null);
      return;
    }
    ClientInfo client = ClientInfo.voter(fr.sesame.gateway.http.ApiKeyAuth.client(ctx).ip());
    ChannelKind channel = ChannelKind.fromWire(step.flow().get("channel").orElse("")).orElse(ChannelKind.SMS);
    logins.verify(step.election(), challenge.get(), code, client).onSuccess(outcome -> {
      if (outcome instanceof LoginOutcome.SessionOpened opened) {
        provider.complete(step.flow(), opened.sessionToken(), channel, client)
            .onSuccess(to -> redirect(ctx, to.toString())).onFailure(ctx::fail);
        return;
      }
      if (outcome.kind() == LoginOutcome.Kind.UNKNOWN_CHALLENGE) {
        // the challenge is gone (expired with its flow's code, or used up): start again at step 1
        provider.remember(step.flow(), Map.of("challenge", "")).onSuccess(v -> redirect(ctx, step.base()))
            .onFailure(ctx::fail);
        return;
      }
      Map<String, String> e = new HashMap<>();
      int status = failure(outcome, lang, e, "code");
      if (status == 423) {
        locked(ctx, step);
      } else {
        rateLimited(ctx, outcome);
        renderCode(ctx, step, status, e, null);
      }
    }).onFailure(ctx::fail);
  }

  private void resend(RoutingContext ctx, Step step) {
    Optional<String> challenge = step.flow().get("challenge").filter(c -> !c.isEmpty());
    if (challenge.isEmpty()) {
      redirect(ctx, step.base());
      return;
    }
    long wait = resendWait(step.flow());
    if (wait > 0) { // asked too soon (without the script, which keeps the button disabled until then)
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      renderCode(ctx, step, 429, Map.of(), pages.text(step.lang(), "resendTooSoon", wait));
      return;
    }
    ClientInfo client = ClientInfo.voter(fr.sesame.gateway.http.ApiKeyAuth.client(ctx).ip());
    logins.resend(step.election(), challenge.get(), Optional.empty(), client).onSuccess(outcome -> {
      if (outcome instanceof LoginOutcome.OtpSent sent) {
        provider.remember(step.flow(), sentFields(sent))
            .onSuccess(v -> redirect(ctx, step.base() + "/code?sent=1")).onFailure(ctx::fail);
        return;
      }
      if (outcome.kind() == LoginOutcome.Kind.UNKNOWN_CHALLENGE) {
        redirect(ctx, step.base());
        return;
      }
      Map<String, String> e = new HashMap<>();
      int status = failure(outcome, step.lang(), e, "code");
      if (status == 423) {
        locked(ctx, step);
      } else {
        rateLimited(ctx, outcome);
        renderCode(ctx, step, status, e, null);
      }
    }).onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx, Step step) {
    provider.cancel(step.flow(), ClientInfo.voter(fr.sesame.gateway.http.ApiKeyAuth.client(ctx).ip()))
        .onSuccess(to -> redirect(ctx, to.toString())).onFailure(ctx::fail);
  }

  private static String trimmed(String s) {
    if (s == null) {
      return null;
    }
    String t = s.strip();
    return t.isEmpty() ? null : t;
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }
}
