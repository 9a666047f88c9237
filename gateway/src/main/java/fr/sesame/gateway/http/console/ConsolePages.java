package fr.sesame.gateway.http.console;

import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.ApiKeyAuth;
import fr.sesame.gateway.http.RouteGroup;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.http.pages.Browser;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.roll.RollLineParser;
import fr.sesame.gateway.staff.PasswordPolicy;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import fr.sesame.gateway.staff.Totp;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The staff console's pages: login with a password and an authenticator app's code, the invitation (password,
 * then the app), the elections of the staff member's roles, and support's voter page (status, unlock with a
 * reason). Server-rendered, French first, usable without JavaScript; every form carries a CSRF token bound to
 * the browser. Each action calls the same service as the API ({@link SupportService}) under the person's own
 * identity. A staff member sees only the elections of their roles: any other is answered as unknown (404).
 */
public final class ConsolePages implements RouteGroup {
  static final String SESSION_COOKIE = "__Host-sesame-staff";
  static final String PENDING_COOKIE = "__Host-sesame-pending";
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private final StaffService staff;
  private final SupportService support;
  private final ElectionService elections;
  private final Pages pages;
  private final KeyedHasher hasher;
  private final fr.sesame.gateway.election.TurnoutService turnout;
  private final fr.sesame.gateway.audit.AuditVerifier verifier;
  private final fr.sesame.gateway.auth.EmargementList emargements;
  private final fr.sesame.gateway.audit.AuditTrail audit;
  private final java.time.Clock clock;
  private final fr.sesame.gateway.roll.RollImportJobs imports;

  public ConsolePages(StaffService staff, SupportService support, ElectionService elections, Pages pages,
                      KeyedHasher hasher, fr.sesame.gateway.election.TurnoutService turnout,
                      fr.sesame.gateway.audit.AuditVerifier verifier, fr.sesame.gateway.auth.EmargementList emargements,
                      fr.sesame.gateway.audit.AuditTrail audit, java.time.Clock clock,
                      fr.sesame.gateway.roll.RollImportJobs imports) {
    this.imports = imports;
    this.turnout = turnout;
    this.verifier = verifier;
    this.emargements = emargements;
    this.audit = audit;
    this.clock = clock;
    this.staff = staff;
    this.support = support;
    this.elections = elections;
    this.pages = pages;
    this.hasher = hasher;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get("/console"), "console-home", this::home);
    routes.plain(router.get("/console/connexion"), "console-login", this::showLogin);
    routes.form(router.post("/console/connexion"), "console-login-post", csrf(this::login));
    routes.plain(router.get("/console/connexion/code"), "console-code", this::showCode);
    routes.form(router.post("/console/connexion/code"), "console-code-post", csrf(this::code));
    routes.form(router.post("/console/deconnexion"), "console-logout", csrf(this::logout));
    routes.plain(router.get("/console/invitation/:token"), "console-invitation", this::showInvitation);
    routes.form(router.post("/console/invitation/:token"), "console-invitation-post", csrf(this::setPassword));
    routes.form(router.post("/console/invitation/:token/code"), "console-enrol-post", csrf(this::enrol));
    routes.plain(router.get("/console/e/:election"), "console-election", signedIn(this::election));
    routes.plain(router.get("/console/e/:election/audit"), "console-audit", signedIn(this::auditCheck));
    routes.plain(router.get("/console/e/:election/emargements.csv"), "console-emargements",
        signedIn(this::emargementCsv));
    routes.plain(router.get("/console/e/:election/electeurs"), "console-voter", signedIn(this::voter));
    routes.plain(router.get("/console/e/:election/import"), "console-import", signedIn(this::showImport));
    // a file upload (multipart/form-data), streamed into the import job: no form parsing, the CSRF token in the
    // action's query (a multipart body's fields come after its file)
    routes.streamed(router.post("/console/e/:election/import"), "console-import-post", this::startImport);
    routes.plain(router.get("/console/e/:election/import/:job"), "console-import-job", signedIn(this::showJob));
    routes.form(router.post("/console/e/:election/electeurs/deverrouiller"), "console-unlock",
        csrf(signedIn(this::unlock)));
    routes.form(router.post("/console/e/:election/electeurs/renvoyer"), "console-resend",
        csrf(signedIn(this::resend)));
    routes.form(router.post("/console/e/:election/electeurs/reassort"), "console-reassort",
        csrf(signedIn(this::reassort)));
    routes.form(router.post("/console/e/:election/deverrouillage-groupe"), "console-unlock-window",
        csrf(signedIn(this::unlockWindow)));
  }

  // ---------------------------------------------------------------- plumbing

  private interface SignedIn {
    void handle(RoutingContext ctx, StaffService.Staff who, String lang);
  }

  /** The page for a signed-in staff member; the login page otherwise. */
  private io.vertx.core.Handler<RoutingContext> signedIn(SignedIn page) {
    return ctx -> {
      Cookie c = ctx.request().getCookie(SESSION_COOKIE);
      staff.session(c == null ? null : c.getValue()).onSuccess(who -> {
        if (who.isEmpty()) {
          redirect(ctx, "/console/connexion");
        } else {
          page.handle(ctx, who.get(), Pages.language(ctx, null));
        }
      }).onFailure(ctx::fail);
    };
  }

  /** A form's CSRF token must be this browser's. */
  private io.vertx.core.Handler<RoutingContext> csrf(io.vertx.core.Handler<RoutingContext> next) {
    return ctx -> {
      String browser = Browser.id(ctx);
      String given = first(ctx, "csrf");
      if (browser == null || given == null || !KeyedHasher.equal(given.getBytes(java.nio.charset.StandardCharsets
          .US_ASCII), csrfOf(browser).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
        String lang = Pages.language(ctx, null);
        message(ctx, 403, lang, "c.expiredTitle", List.of(pages.text(lang, "err.csrf")), "/console/connexion",
            pages.text(lang, "c.loginAgain"));
        return;
      }
      next.handle(ctx);
    };
  }

  private String csrfOf(String browser) {
    return hasher.hashText(HashPurpose.CSRF, browser, "console");
  }

  private Map<String, Object> model(RoutingContext ctx) {
    Map<String, Object> m = new HashMap<>();
    m.put("csrf", csrfOf(Browser.ensure(ctx)));
    return m;
  }

  private static String first(RoutingContext ctx, String field) {
    Map<String, List<String>> form = ctx.get(Routes.FORM);
    List<String> values = form == null ? null : form.get(field);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static ClientInfo from(RoutingContext ctx, String actor) {
    return new ClientInfo(ApiKeyAuth.client(ctx).ip(), actor);
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  private static void cookie(RoutingContext ctx, String name, String value, long maxAgeSeconds) {
    ctx.response().addCookie(Cookie.cookie(name, value).setPath("/").setSecure(true).setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSeconds));
  }

  private void message(RoutingContext ctx, int status, String lang, String titleKey, List<String> paragraphs,
                       String link, String linkText) {
    Map<String, Object> m = new HashMap<>();
    m.put("paragraphs", paragraphs);
    if (link != null) {
      m.put("linkHref", link);
      m.put("linkText", linkText);
    }
    render(ctx, status, "message", lang, pages.text(lang, titleKey), m, null);
  }

  /** A console page: {@link Pages#render}, with the console's name in the banner and the title. */
  private void render(RoutingContext ctx, int status, String template, String lang, String title,
                      Map<String, Object> model, java.net.URI formTarget) {
    Map<String, Object> m = new HashMap<>(model);
    m.put("serviceName", pages.text(lang, "c.service"));
    pages.render(ctx, status, template, lang, title, m, formTarget);
  }

  private static void errors(Map<String, Object> m, Map<String, String> errors, List<String> order) {
    List<Map<String, String>> list = new ArrayList<>();
    for (String field : order) {
      String message = errors.get(field);
      if (message != null) {
        m.put(field + "Error", message);
        list.add(Map.of("field", field, "message", message));
      }
    }
    m.put("errors", list);
    m.put("hasErrors", !list.isEmpty());
  }

  // ---------------------------------------------------------------- login

  private void showLogin(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    Map<String, Object> m = model(ctx);
    if ("1".equals(ctx.request().getParam("active"))) {
      m.put("notice", pages.text(lang, "c.activated"));
    }
    renderLogin(ctx, 200, lang, m, null, Map.of());
  }

  private void renderLogin(RoutingContext ctx, int status, String lang, Map<String, Object> m, String email,
                           Map<String, String> errors) {
    m.put("action", "/console/connexion");
    m.put("email", email == null ? "" : email);
    errors(m, errors, List.of("email", "password"));
    render(ctx, status, "console-login", lang, pages.text(lang, "c.loginTitle"), m, null);
  }

  private void login(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    String email = trimmed(first(ctx, "email"));
    String password = first(ctx, "password");
    Map<String, String> errors = new HashMap<>();
    if (email == null || email.length() > 254 || !email.contains("@")) {
      errors.put("email", pages.text(lang, "c.err.email"));
    }
    if (password == null || password.isEmpty() || password.length() > PasswordPolicy.MAX_LENGTH) {
      errors.put("password", pages.text(lang, "c.err.password"));
    }
    if (!errors.isEmpty()) {
      renderLogin(ctx, 400, lang, model(ctx), email, errors);
      return;
    }
    staff.password(email, password, from(ctx, "staff-login")).onSuccess(step -> {
      if (step instanceof StaffService.Step.SecondFactor second) {
        cookie(ctx, PENDING_COOKIE, second.pendingToken(), StaffService.PENDING_TTL.toSeconds());
        redirect(ctx, "/console/connexion/code");
      } else if (step instanceof StaffService.Step.Locked) {
        locked(ctx, lang);
      } else if (step instanceof StaffService.Step.Busy) {
        ctx.response().putHeader("Retry-After", "2");
        message(ctx, 503, lang, "unavailableTitle", List.of(pages.text(lang, "unavailable.1")), "/console/connexion",
            pages.text(lang, "c.loginAgain"));
      } else {
        int left = step instanceof StaffService.Step.Refused r ? r.remaining() : 0;
        renderLogin(ctx, 401, lang, model(ctx), email, Map.of("password", pages.text(lang, "c.err.credentials",
            left)));
      }
    }).onFailure(ctx::fail);
  }

  private void locked(RoutingContext ctx, String lang) {
    message(ctx, 423, lang, "c.lockedTitle", List.of(pages.text(lang, "c.locked.1")), null, null);
  }

  private void showCode(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    if (ctx.request().getCookie(PENDING_COOKIE) == null) {
      redirect(ctx, "/console/connexion");
      return;
    }
    renderCode(ctx, 200, lang, Map.of());
  }

  private void renderCode(RoutingContext ctx, int status, String lang, Map<String, String> errors) {
    Map<String, Object> m = model(ctx);
    m.put("action", "/console/connexion/code");
    m.put("codeHint", pages.text(lang, "c.codeHint", Totp.DIGITS));
    errors(m, errors, List.of("code"));
    render(ctx, status, "console-code", lang, pages.text(lang, "c.codeTitle"), m, null);
  }

  private void code(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    Cookie pending = ctx.request().getCookie(PENDING_COOKIE);
    String code = trimmed(first(ctx, "code"));
    code = code == null ? null : code.replace(" ", "");
    if (code == null || code.length() != Totp.DIGITS || !code.chars().allMatch(Character::isDigit)) {
      renderCode(ctx, 400, lang, Map.of("code", pages.text(lang, "c.err.code", Totp.DIGITS)));
      return;
    }
    staff.secondFactor(pending == null ? null : pending.getValue(), code, from(ctx, "staff-login"))
        .onSuccess(step -> {
          if (step instanceof StaffService.Step.Session s) {
            cookie(ctx, PENDING_COOKIE, "", 0);
            cookie(ctx, SESSION_COOKIE, s.token(), StaffService.SESSION_IDLE.toSeconds() * 48);
            redirect(ctx, "/console");
          } else if (step instanceof StaffService.Step.Locked) {
            cookie(ctx, PENDING_COOKIE, "", 0);
            locked(ctx, lang);
          } else if (step instanceof StaffService.Step.Refused r) {
            renderCode(ctx, 401, lang, Map.of("code", pages.text(lang, "c.err.wrongCode", r.remaining())));
          } else {
            redirect(ctx, "/console/connexion");
          }
        }).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(SESSION_COOKIE);
    staff.logout(c == null ? null : c.getValue(), from(ctx, "staff")).onSuccess(v -> {
      cookie(ctx, SESSION_COOKIE, "", 0);
      redirect(ctx, "/console/connexion");
    }).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- invitation

  private void showInvitation(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    staff.invitation(ctx.pathParam("token")).onSuccess(found -> {
      if (found.isEmpty()) {
        message(ctx, 404, lang, "c.invitationGoneTitle", List.of(pages.text(lang, "c.invitationGone.1")),
            "/console/connexion", pages.text(lang, "c.loginAgain"));
      } else if ("enrolling".equals(found.get().status())) {
        renderEnrol(ctx, 200, lang, found.get(), Map.of());
      } else {
        renderInvitation(ctx, 200, lang, found.get(), Map.of());
      }
    }).onFailure(ctx::fail);
  }

  private void renderInvitation(RoutingContext ctx, int status, String lang, StaffService.Invitation inv,
                                Map<String, String> errors) {
    Map<String, Object> m = model(ctx);
    m.put("action", "/console/invitation/" + ctx.pathParam("token"));
    m.put("name", inv.name());
    m.put("email", inv.email());
    m.put("passwordHint", pages.text(lang, "c.newPasswordHint", PasswordPolicy.MIN_LENGTH));
    errors(m, errors, List.of("password", "confirm"));
    render(ctx, status, "console-invitation", lang, pages.text(lang, "c.invitationTitle"), m, null);
  }

  private void renderEnrol(RoutingContext ctx, int status, String lang, StaffService.Invitation inv,
                           Map<String, String> errors) {
    Map<String, Object> m = model(ctx);
    byte[] secret = StaffService.enrollingSecret(inv);
    m.put("action", "/console/invitation/" + ctx.pathParam("token") + "/code");
    m.put("key", String.join(" ", Totp.base32(secret).split("(?<=\\G.{4})")));
    m.put("uri", Totp.uri(secret, inv.email()));
    m.put("codeHint", pages.text(lang, "c.codeHint", Totp.DIGITS));
    errors(m, errors, List.of("code"));
    render(ctx, status, "console-enrol", lang, pages.text(lang, "c.enrolTitle"), m, null);
  }

  /** An invitation token as a link carries it (43 base64url characters); anything else is no invitation. */
  private static boolean tokenShape(String token) {
    return token != null && token.matches("[A-Za-z0-9_-]{43}");
  }

  private void setPassword(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    if (!tokenShape(ctx.pathParam("token"))) {
      showInvitation(ctx);
      return;
    }
    String password = first(ctx, "password");
    String confirm = first(ctx, "confirm");
    staff.invitation(ctx.pathParam("token")).onSuccess(found -> {
      if (found.isEmpty() || !"invited".equals(found.get().status())) {
        redirect(ctx, "/console/invitation/" + ctx.pathParam("token"));
        return;
      }
      Optional<PasswordPolicy.Refusal> refused = PasswordPolicy.check(password, found.get().email());
      if (refused.isPresent()) {
        renderInvitation(ctx, 400, lang, found.get(), Map.of("password", pages.text(lang,
            "c.err.policy." + refused.get().name(), PasswordPolicy.MIN_LENGTH)));
        return;
      }
      if (!password.equals(confirm)) {
        renderInvitation(ctx, 400, lang, found.get(), Map.of("confirm", pages.text(lang, "c.err.mismatch")));
        return;
      }
      staff.setPassword(found.get(), password)
          .onSuccess(secret -> redirect(ctx, "/console/invitation/" + ctx.pathParam("token")))
          .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void enrol(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    String token = ctx.pathParam("token");
    if (!tokenShape(token)) {
      showInvitation(ctx);
      return;
    }
    String code = trimmed(first(ctx, "code"));
    code = code == null ? "" : code.replace(" ", "");
    String given = code;
    staff.invitation(token).onSuccess(found -> {
      if (found.isEmpty() || !"enrolling".equals(found.get().status())) {
        redirect(ctx, "/console/invitation/" + token);
        return;
      }
      staff.confirmEnrolment(token, found.get(), given, from(ctx, "staff:" + found.get().staffId()))
          .onSuccess(ok -> {
            if (ok) {
              redirect(ctx, "/console/connexion?active=1");
            } else {
              renderEnrol(ctx, 400, lang, found.get(), Map.of("code", pages.text(lang, "c.err.enrolCode")));
            }
          }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- home and support

  private void home(RoutingContext ctx) {
    signedIn((c, who, lang) -> {
      List<Map<String, Object>> list = new ArrayList<>();
      List<Future<?>> reads = new ArrayList<>();
      for (Map.Entry<String, StaffRole> e : who.roles().entrySet()) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", e.getKey());
        row.put("role", pages.text(lang, "c.role." + e.getValue().wireName()));
        row.put("votersHref", "/console/e/" + e.getKey());
        list.add(row);
        reads.add(elections.find(e.getKey()).onSuccess(found -> row.put("name",
            found.map(fr.sesame.gateway.domain.Election::name).orElse(e.getKey()))));
      }
      Future.all(reads).onComplete(done -> {
        Map<String, Object> m = model(c);
        m.put("name", who.name());
        m.put("elections", list);
        m.put("logoutAction", "/console/deconnexion");
        render(c, 200, "console-home", lang, pages.text(lang, "c.homeTitle"), m, null);
      });
    }).handle(ctx);
  }

  // ---------------------------------------------------------------- an election: turnout, audit, émargement list

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("dd/MM HH'h'");

  private void election(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    Future.all(elections.find(electionId), turnout.turnout(electionId)).onSuccess(cf -> {
      Optional<fr.sesame.gateway.domain.Election> e = cf.resultAt(0);
      fr.sesame.gateway.election.TurnoutService.Turnout t = cf.resultAt(1);
      if (e.isEmpty()) {
        message(ctx, 404, lang, "c.noElectionTitle", List.of(pages.text(lang, "c.noElection.1")), "/console",
            pages.text(lang, "cBackHome"));
        return;
      }
      DateTimeFormatter f = DateTimeFormatter.ofPattern(lang.equals("fr") ? "d MMMM yyyy 'à' HH'h'mm"
          : "d MMMM yyyy 'at' HH:mm", Locale.forLanguageTag(lang));
      Map<String, Object> m = model(ctx);
      m.put("name", e.get().name());
      m.put("role", pages.text(lang, "c.role." + role.get().wireName()));
      m.put("window", pages.text(lang, "c.window", f.format(e.get().opensAt().atZoneSameInstant(PARIS)),
          f.format(e.get().closesAt().atZoneSameInstant(PARIS))));
      List<Map<String, String>> colleges = new ArrayList<>();
      for (fr.sesame.gateway.domain.College c : e.get().colleges().values()) {
        List<String> channels = new ArrayList<>();
        for (fr.sesame.channels.ChannelKind k : List.of(fr.sesame.channels.ChannelKind.SMS,
            fr.sesame.channels.ChannelKind.VOICE, fr.sesame.channels.ChannelKind.EMAIL)) {
          if (c.otpChannels().contains(k)) {
            channels.add(pages.text(lang, "channel." + k.wireName()));
          }
        }
        colleges.add(Map.of("id", c.id(), "channels", String.join(", ", channels),
            "voted", Long.toString(t.byCollege().getOrDefault(c.id(), 0L))));
      }
      m.put("colleges", colleges);
      m.put("total", Long.toString(t.total()));
      List<Map<String, String>> hours = new ArrayList<>();
      t.byHour().forEach((hour, n) -> hours.add(Map.of("hour", HOUR.format(java.time.Instant.ofEpochSecond(
          hour * 3600).atZone(PARIS)), "count", Long.toString(n))));
      m.put("hours", hours);
      m.put("hasHours", !hours.isEmpty());
      m.put("updated", pages.text(lang, "c.updated", DateTimeFormatter.ofPattern("HH:mm:ss")
          .format(clock.instant().atZone(PARIS))));
      String base = "/console/e/" + electionId;
      m.put("refreshHref", base);
      boolean auto = "1".equals(ctx.request().getParam("auto"));
      m.put("autoHref", auto ? base : base + "?auto=1");
      m.put("autoLabel", pages.text(lang, auto ? "c.autoOff" : "c.autoOn"));
      if (auto) {
        m.put("refresh", "30");
      }
      m.put("votersHref", base + "/electeurs");
      m.put("auditHref", base + "/audit");
      m.put("mayExport", role.get() != StaffRole.SUPPORT);
      m.put("csvHref", base + "/emargements.csv");
      m.put("mayImport", role.get() == StaffRole.ORGANISER);
      m.put("importHref", base + "/import");
      m.put("logoutAction", "/console/deconnexion");
      render(ctx, 200, "console-election", lang, e.get().name(), m, null);
    }).onFailure(ctx::fail);
  }

  private void auditCheck(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    verifier.verify(electionId).onSuccess(v -> {
      List<String> paragraphs = new ArrayList<>();
      paragraphs.add(pages.text(lang, v.valid() ? "c.audit.valid" : "c.audit.broken", v.events(), v.writers()));
      if (!v.valid() && v.brokenAt() != null) {
        paragraphs.add(pages.text(lang, "c.audit.brokenAt", v.brokenAt().encode()));
      }
      paragraphs.add(pages.text(lang, "c.updated", DateTimeFormatter.ofPattern("HH:mm:ss")
          .format(clock.instant().atZone(PARIS))));
      message(ctx, 200, lang, "c.auditTitle", paragraphs, "/console/e/" + electionId, pages.text(lang, "c.backElection"));
    }).onFailure(ctx::fail);
  }

  /** The émargement list as CSV (organiser, bureau, expert), its download audited under the person's id. */
  private void emargementCsv(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    if (role.get() == StaffRole.SUPPORT) {
      message(ctx, 403, lang, "c.forbiddenTitle", List.of(pages.text(lang, "c.forbidden.1")), "/console",
          pages.text(lang, "cBackHome"));
      return;
    }
    String electionId = ctx.pathParam("election");
    audit.record(electionId, fr.sesame.gateway.audit.AuditEvent.of(clock.instant(), "emargement.export",
        who.actor(), ApiKeyAuth.client(ctx).ip(), "downloaded")).onSuccess(v -> {
          ctx.response().setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
              .putHeader("Cache-Control", "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"emargements-" + electionId + ".csv\"");
          emargements.csv(electionId, fr.sesame.gateway.http.ApiRouter.chunks(ctx))
              .onSuccess(x -> ctx.response().end()).onFailure(e -> ctx.response().reset());
        }).onFailure(ctx::fail);
  }

  /** The role of a staff member who acts on voters (support, organiser); empty when a 404 or 403 was answered. */
  private Optional<StaffRole> actingRole(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isPresent() && !role.get().mayActOnVoters()) {
      message(ctx, 403, lang, "c.forbiddenTitle", List.of(pages.text(lang, "c.forbidden.1")), "/console",
          pages.text(lang, "cBackHome"));
      return Optional.empty();
    }
    return role;
  }

  // ---------------------------------------------------------------- the roll import (organisers)

  /** The role of an organiser of the election of the path; empty when a 404 or 403 was answered. */
  private Optional<StaffRole> organiser(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isPresent() && role.get() != StaffRole.ORGANISER) {
      message(ctx, 403, lang, "c.forbiddenTitle", List.of(pages.text(lang, "c.forbidden.organiser")), "/console",
          pages.text(lang, "cBackHome"));
      return Optional.empty();
    }
    return role;
  }

  private void showImport(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    imports.running(electionId).onSuccess(running -> {
      Map<String, Object> m = model(ctx);
      m.put("action", "/console/e/" + electionId + "/import?csrf=" + m.get("csrf"));
      m.put("electionHref", "/console/e/" + electionId);
      running.ifPresent(job -> m.put("runningHref", "/console/e/" + electionId + "/import/" + job));
      String error = ctx.request().getParam("erreur");
      if (error != null && error.matches("[a-z-]{1,40}")) {
        m.put("importError", pages.texts(lang).getOrDefault("c.import.err." + error, pages.text(lang,
            "c.import.err.other")));
      }
      m.put("maxMb", Long.toString(imports.maxBytes() / (1024 * 1024)));
      render(ctx, error == null ? 200 : 400, "console-import", lang, pages.text(lang, "c.importTitle"), m, null);
    }).onFailure(ctx::fail);
  }

  /** An upload left unread: its HTTP/1.x connection closes once the answer is written (nothing else frames it). */
  private static void closeAfter(RoutingContext ctx) {
    fr.sesame.gateway.http.HttpEdge.closeAfterAnswer(ctx.request());
    if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      ctx.addBodyEndHandler(v -> ctx.request().connection().close());
    }
  }

  /** The upload, streamed into a new import job; then its progress page (or the form again with the refusal). */
  private void startImport(RoutingContext ctx) {
    io.vertx.core.http.HttpServerRequest req = ctx.request();
    req.pause();
    String lang = Pages.language(ctx, null);
    String browser = Browser.id(ctx);
    String given = req.getParam("csrf");
    if (browser == null || given == null || !KeyedHasher.equal(given.getBytes(java.nio.charset.StandardCharsets
        .US_ASCII), csrfOf(browser).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      closeAfter(ctx);
      message(ctx, 403, lang, "c.expiredTitle", List.of(pages.text(lang, "err.csrf")), "/console/connexion",
          pages.text(lang, "c.loginAgain"));
      return;
    }
    String type = req.getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      closeAfter(ctx);
      ctx.fail(new fr.sesame.gateway.problem.ProblemException(fr.sesame.gateway.problem.ProblemType
          .UNSUPPORTED_MEDIA_TYPE, "a file upload (multipart/form-data) is expected"));
      return;
    }
    Cookie c = req.getCookie(SESSION_COOKIE);
    String electionId = ctx.pathParam("election");
    staff.session(c == null ? null : c.getValue()).compose(who -> {
      if (who.isEmpty()) {
        closeAfter(ctx);
        redirect(ctx, "/console/connexion");
        return Future.succeededFuture();
      }
      if (organiser(ctx, who.get(), lang).isEmpty()) {
        closeAfter(ctx);
        return Future.succeededFuture();
      }
      return elections.find(electionId).compose(e -> {
        if (e.isEmpty()) {
          closeAfter(ctx);
          redirect(ctx, "/console");
          return Future.succeededFuture();
        }
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        boolean[] seen = {false};
        req.setExpectMultipart(true);
        req.uploadHandler(upload -> {
          if (seen[0]) { // one file only: any other is drained
            upload.handler(b -> {});
            return;
          }
          seen[0] = true;
          upload.pause();
          imports.start(e.get(), upload, from(ctx, who.get().actor()))
              .onSuccess(started -> redirect(ctx, "/console/e/" + electionId + "/import/" + started.jobId()))
              .onFailure(err -> {
                String code = err instanceof fr.sesame.gateway.problem.ProblemException p
                    ? p.type().kebabName() : "other";
                closeAfter(ctx);
                redirect(ctx, "/console/e/" + electionId + "/import?erreur=" + code);
              })
              .onComplete(x -> done.tryComplete());
        });
        req.endHandler(v -> {
          if (!seen[0] && !ctx.response().ended()) {
            redirect(ctx, "/console/e/" + electionId + "/import?erreur=no-file");
          }
        });
        req.resume();
        return done.future();
      });
    }).onFailure(err -> {
      if (!ctx.response().ended()) {
        ctx.fail(err);
      }
    });
  }

  private void showJob(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    imports.find(electionId, ctx.pathParam("job")).onSuccess(found -> {
      if (found.isEmpty()) {
        message(ctx, 404, lang, "c.importTitle", List.of(pages.text(lang, "c.import.unknown")),
            "/console/e/" + electionId + "/import", pages.text(lang, "c.importAgain"));
        return;
      }
      fr.sesame.gateway.domain.ImportJob job = found.get();
      Map<String, Object> m = model(ctx);
      JsonObject counts = job.toJson();
      m.put("status", pages.text(lang, "c.import.status." + job.status().name().toLowerCase(Locale.ROOT)));
      m.put("running", job.status() == fr.sesame.gateway.domain.ImportJob.Status.RUNNING);
      if (job.status() == fr.sesame.gateway.domain.ImportJob.Status.RUNNING) {
        m.put("refresh", "2"); // the page follows the job; it stops when the job ends
      }
      m.put("linesRead", String.valueOf(counts.getValue("linesRead", 0)));
      m.put("imported", String.valueOf(counts.getValue("imported", 0)));
      m.put("updated", String.valueOf(counts.getValue("updated", 0)));
      m.put("rejected", String.valueOf(counts.getValue("rejected", 0)));
      JsonObject report = job.report();
      if (report != null) {
        m.put("encoding", report.getString("encoding", ""));
        m.put("separator", report.getString("separator", ""));
        m.put("unreachableCount", String.valueOf(report.getValue("unreachableCount", 0)));
        List<String> unreachable = new ArrayList<>();
        io.vertx.core.json.JsonArray list = report.getJsonArray("unreachable");
        if (list != null) {
          for (int i = 0; i < list.size() && i < 50; i++) {
            JsonObject u = list.getJsonObject(i);
            unreachable.add(pages.text(lang, "c.import.unreachableLine", u.getValue("line"), u.getString("identifier")));
          }
        }
        m.put("unreachable", unreachable);
        m.put("hasUnreachable", !unreachable.isEmpty());
        m.put("done", true);
      }
      m.put("reportHref", "/v1/admin/elections/" + electionId + "/imports/" + job.jobId() + "/report.csv");
      m.put("electionHref", "/console/e/" + electionId);
      render(ctx, 200, "console-import-job", lang, pages.text(lang, "c.importTitle"), m, null);
    }).onFailure(ctx::fail);
  }

  /** The staff member's role in the election of the path; empty (then a 404 was answered) when none. */
  private Optional<StaffRole> role(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = who.roleIn(ctx.pathParam("election"));
    if (role.isEmpty()) {
      message(ctx, 404, lang, "c.noElectionTitle", List.of(pages.text(lang, "c.noElection.1")), "/console",
          pages.text(lang, "cBackHome"));
    }
    return role;
  }

  private void voter(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String identifier = trimmed(ctx.request().getParam("identifiant"));
    String electionId = ctx.pathParam("election");
    if (identifier == null) {
      String unlocked = ctx.request().getParam("groupe");
      renderVoter(ctx, 200, lang, who, role.get(), null, null, Map.of(), unlocked != null
          && unlocked.matches("[0-9]{1,6}") ? pages.text(lang, "c.windowUnlocked", Integer.parseInt(unlocked)) : null);
      return;
    }
    if (identifier.length() > 256 || !RollLineParser.IDENTIFIER.matcher(identifier).matches()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of("identifier",
          pages.text(lang, "c.err.identifier")), null);
      return;
    }
    support.status(electionId, identifier).onSuccess(status -> {
      String notice = "1".equals(ctx.request().getParam("deverrouille")) ? pages.text(lang, "c.unlocked")
          : "1".equals(ctx.request().getParam("renvoye")) ? pages.text(lang, "c.resent")
          : "1".equals(ctx.request().getParam("reassort")) ? pages.text(lang, "c.reassortSent")
          : "2".equals(ctx.request().getParam("reassort")) ? pages.text(lang, "c.reassortAlready") : null;
      if (status.isEmpty()) {
        renderVoter(ctx, 404, lang, who, role.get(), identifier, null, Map.of("identifier",
            pages.text(lang, "c.err.notOnRoll")), null);
      } else {
        renderVoter(ctx, 200, lang, who, role.get(), identifier, status.get(), Map.of(), notice);
      }
    }).onFailure(ctx::fail);
  }

  private void renderVoter(RoutingContext ctx, int status, String lang, StaffService.Staff who, StaffRole role,
                           String identifier, SupportService.VoterStatus voter, Map<String, String> errors,
                           String notice) {
    Map<String, Object> m = model(ctx);
    String electionId = ctx.pathParam("election");
    m.put("searchAction", "/console/e/" + electionId + "/electeurs");
    m.put("unlockAction", "/console/e/" + electionId + "/electeurs/deverrouiller");
    m.put("resendAction", "/console/e/" + electionId + "/electeurs/renvoyer");
    m.put("windowAction", "/console/e/" + electionId + "/deverrouillage-groupe");
    m.put("reassortAction", "/console/e/" + electionId + "/electeurs/reassort");
    m.put("mayAct", role.mayActOnVoters());
    m.put("logoutAction", "/console/deconnexion");
    m.put("homeHref", "/console");
    m.put("electionId", electionId);
    m.put("identifier", identifier == null ? "" : identifier);
    m.put("staffName", who.name());
    if (notice != null) {
      m.put("notice", notice);
    }
    if (voter != null) {
      DateTimeFormatter f = DateTimeFormatter.ofPattern(lang.equals("fr") ? "d MMMM yyyy 'à' HH'h'mm"
          : "d MMMM yyyy 'at' HH:mm", Locale.forLanguageTag(lang));
      Map<String, Object> v = new HashMap<>();
      v.put("identifier", voter.identifier());
      v.put("college", voter.college());
      v.put("state", pages.text(lang, voter.locked() ? "c.state.locked" : "c.state.active"));
      v.put("locked", voter.locked());
      v.put("failures", Long.toString(voter.failedAttempts()));
      v.put("lockedAt", voter.lockedAt() == null ? "" : f.format(voter.lockedAt().atZone(PARIS)));
      v.put("lastLogin", voter.lastLoginAt() == null ? pages.text(lang, "c.never")
          : f.format(voter.lastLoginAt().atZone(PARIS)));
      v.put("phone", voter.maskedPhone() == null ? "—" : voter.maskedPhone());
      v.put("email", voter.maskedEmail() == null ? "—" : voter.maskedEmail());
      v.put("voted", pages.text(lang, voter.hasVoted() ? "c.yes" : "c.no"));
      v.put("mayUnlock", role.mayActOnVoters() && voter.locked());
      v.put("mayReassort", role.mayActOnVoters() && (voter.maskedEmail() != null || voter.maskedPhone() != null));
      v.put("reassortEmail", voter.maskedEmail() != null);
      v.put("reassortSms", voter.maskedPhone() != null);
      List<String> logins = new ArrayList<>();
      voter.recentLogins().forEach(l -> logins.add(pages.text(lang, "c.loginAt",
          f.format(l.at().atZone(PARIS)), l.ip())));
      v.put("recentLogins", logins);
      v.put("hasLogins", !logins.isEmpty());
      voter.lastCode().ifPresent(c -> {
        Map<String, Object> code = new HashMap<>();
        code.put("channel", pages.text(lang, "channel." + c.channel()));
        code.put("status", pages.texts(lang).getOrDefault("c.delivery." + c.status(), c.status()));
        code.put("provider", c.provider() == null ? "—" : c.provider());
        code.put("updatedAt", c.updatedAt() == null ? "—" : f.format(c.updatedAt().atZone(PARIS)));
        code.put("resends", Long.toString(c.resends()));
        code.put("valid", pages.text(lang, c.valid() ? "c.yes" : "c.no"));
        v.put("lastCode", code);
        v.put("mayResend", role.mayActOnVoters() && !voter.locked());
      });
      m.put("voter", v);
    }
    errors(m, errors, List.of("identifier", "reason", "resend", "reassort", "from", "to", "windowReason"));
    render(ctx, status, "console-voter", lang, pages.text(lang, "c.voterTitle"), m, null);
  }

  private void resend(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String identifier = trimmed(first(ctx, "identifiant"));
    if (identifier == null || !RollLineParser.IDENTIFIER.matcher(identifier).matches()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of("identifier",
          pages.text(lang, "c.err.identifier")), null);
      return;
    }
    String electionId = ctx.pathParam("election");
    String back = "/console/e/" + electionId + "/electeurs?identifiant="
        + java.net.URLEncoder.encode(identifier, java.nio.charset.StandardCharsets.UTF_8);
    elections.find(electionId).compose(e -> e.isEmpty() ? Future.succeededFuture(Optional.<fr.sesame.gateway.auth
            .LoginOutcome>empty()) : support.resend(e.get(), identifier, from(ctx, who.actor())))
        .onSuccess(outcome -> {
          if (outcome.isPresent() && outcome.get() instanceof fr.sesame.gateway.auth.LoginOutcome.OtpSent) {
            redirect(ctx, back + "&renvoye=1");
            return;
          }
          String why = outcome.isEmpty() ? "c.err.noChallenge" : switch (outcome.get().kind()) {
            case RESEND_LIMIT -> "c.err.resendLimit";
            case RATE_LIMITED, SENDS_SUSPENDED -> "c.err.rateLimited";
            case UNKNOWN_CHALLENGE -> "c.err.noChallenge";
            default -> "c.err.resendFailed";
          };
          int status = outcome.isEmpty() || outcome.get().kind().problem() == null ? 409
              : outcome.get().kind().problem().status();
          support.status(electionId, identifier).onSuccess(st -> renderVoter(ctx, status, lang, who, role.get(),
              identifier, st.orElse(null), Map.of("resend", pages.text(lang, why)), null)).onFailure(ctx::fail);
        }).onFailure(ctx::fail);
  }

  /** The réassort: the voter's access information sent again by the chosen channel, to the roll's contact. */
  private void reassort(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String identifier = trimmed(first(ctx, "identifiant"));
    Optional<fr.sesame.channels.ChannelKind> channel = Optional.ofNullable(first(ctx, "channel"))
        .flatMap(fr.sesame.channels.ChannelKind::fromWire)
        .filter(k -> k == fr.sesame.channels.ChannelKind.EMAIL || k == fr.sesame.channels.ChannelKind.SMS);
    if (identifier == null || !RollLineParser.IDENTIFIER.matcher(identifier).matches() || channel.isEmpty()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of(identifier == null
          || !RollLineParser.IDENTIFIER.matcher(identifier).matches() ? "identifier" : "reassort",
          pages.text(lang, identifier == null ? "c.err.identifier" : "c.err.reassortChannel")), null);
      return;
    }
    String electionId = ctx.pathParam("election");
    String back = "/console/e/" + electionId + "/electeurs?identifiant="
        + java.net.URLEncoder.encode(identifier, java.nio.charset.StandardCharsets.UTF_8);
    elections.find(electionId).compose(e -> e.isEmpty() ? Future.succeededFuture(SupportService.Reassort.NOT_ON_ROLL)
            : support.reassort(e.get(), identifier, channel.get(), from(ctx, who.actor())))
        .onSuccess(r -> {
          switch (r) {
            case SENT -> redirect(ctx, back + "&reassort=1");
            case ALREADY_SENT -> redirect(ctx, back + "&reassort=2");
            default -> {
              String why = switch (r) {
                case NO_PLATFORM_URL -> "c.err.noPlatformUrl";
                case NO_CONTACT -> "c.err.noContact";
                case NOT_ON_ROLL -> "c.err.notOnRoll";
                default -> "c.err.rateLimited";
              };
              int status = r == SupportService.Reassort.NOT_ON_ROLL ? 404 : r == SupportService.Reassort.NO_CONTACT
                  ? 422 : r == SupportService.Reassort.NO_PLATFORM_URL ? 409 : 429;
              support.status(electionId, identifier).onSuccess(st -> renderVoter(ctx, status, lang, who, role.get(),
                  identifier, st.orElse(null), Map.of("reassort", pages.text(lang, why)), null)).onFailure(ctx::fail);
            }
          }
        }).onFailure(ctx::fail);
  }

  /** The voters locked between two times (Paris), unlocked with a reason: support's answer to a wave of locks. */
  private void unlockWindow(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    Map<String, String> errors = new HashMap<>();
    java.time.Instant from = localTime(first(ctx, "from"));
    java.time.Instant to = localTime(first(ctx, "to"));
    if (from == null) {
      errors.put("from", pages.text(lang, "c.err.time"));
    }
    if (to == null) {
      errors.put("to", pages.text(lang, "c.err.time"));
    } else if (from != null && (!from.isBefore(to) || java.time.Duration.between(from, to).toDays() > 7)) {
      errors.put("to", pages.text(lang, "c.err.window"));
    }
    String reason = trimmed(first(ctx, "windowReason"));
    if (reason == null || reason.length() < 3 || reason.length() > 500) {
      errors.put("windowReason", pages.text(lang, "c.err.reason"));
    }
    if (!errors.isEmpty()) {
      renderVoter(ctx, 400, lang, who, role.get(), null, null, errors, null);
      return;
    }
    String electionId = ctx.pathParam("election");
    support.unlockWindow(electionId, from, to, reason, from(ctx, who.actor()))
        .onSuccess(n -> redirect(ctx, "/console/e/" + electionId + "/electeurs?groupe=" + n))
        .onFailure(ctx::fail);
  }

  /** A {@code datetime-local} value, in Paris time; null when it is not one. */
  private static java.time.Instant localTime(String value) {
    if (value == null || value.length() > 32) {
      return null;
    }
    try {
      return java.time.LocalDateTime.parse(value.strip()).atZone(PARIS).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private void unlock(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    String identifier = trimmed(first(ctx, "identifiant"));
    String reason = trimmed(first(ctx, "reason"));
    if (identifier == null || !RollLineParser.IDENTIFIER.matcher(identifier).matches()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of("identifier",
          pages.text(lang, "c.err.identifier")), null);
      return;
    }
    if (reason == null || reason.length() < 3 || reason.length() > 500) {
      support.status(electionId, identifier).onSuccess(status -> renderVoter(ctx, 400, lang, who, role.get(),
          identifier, status.orElse(null), Map.of("reason", pages.text(lang, "c.err.reason")), null))
          .onFailure(ctx::fail);
      return;
    }
    support.unlock(electionId, identifier, reason, from(ctx, who.actor())).onSuccess(done -> {
      if (done.isEmpty()) {
        renderVoter(ctx, 404, lang, who, role.get(), identifier, null, Map.of("identifier",
            pages.text(lang, "c.err.notOnRoll")), null);
      } else {
        redirect(ctx, "/console/e/" + electionId + "/electeurs?identifiant="
            + java.net.URLEncoder.encode(identifier, java.nio.charset.StandardCharsets.UTF_8) + "&deverrouille=1");
      }
    }).onFailure(ctx::fail);
  }
}
