package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.staff.PasswordPolicy;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import fr.sesame.gateway.staff.Totp;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's sign-in: login with a password and an authenticator app's code, logout, the invitation (password, then the app), and the home page listing the elections of the person's roles.
 */
final class ConsoleLogin {
  private final ConsoleKit kit;
  private final fr.sesame.gateway.election.ElectionService elections;

  ConsoleLogin(ConsoleKit kit, fr.sesame.gateway.election.ElectionService elections) {
    this.kit = kit;
    this.elections = elections;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console"), "console-home", this::home);
    routes.plain(router.get("/console/connexion"), "console-login", this::showLogin);
    routes.form(router.post("/console/connexion"), "console-login-post", kit.csrf(this::login));
    routes.plain(router.get("/console/connexion/code"), "console-code", this::showCode);
    routes.form(router.post("/console/connexion/code"), "console-code-post", kit.csrf(this::code));
    routes.form(router.post("/console/deconnexion"), "console-logout", kit.csrf(this::logout));
    routes.plain(router.get("/console/invitation/:token"), "console-invitation", this::showInvitation);
    routes.form(router.post("/console/invitation/:token"), "console-invitation-post", kit.csrf(this::setPassword));
    routes.form(router.post("/console/invitation/:token/code"), "console-enrol-post", kit.csrf(this::enrol));
  }

  // ---------------------------------------------------------------- login

  private void showLogin(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    Map<String, Object> m = kit.model(ctx);
    if ("1".equals(ctx.request().getParam("active"))) {
      m.put("notice", kit.pages.text(lang, "c.activated"));
    }
    renderLogin(ctx, 200, lang, m, null, Map.of());
  }

  private void renderLogin(RoutingContext ctx, int status, String lang, Map<String, Object> m, String email,
                           Map<String, String> errors) {
    m.put("action", "/console/connexion");
    m.put("email", email == null ? "" : email);
    errors(m, errors, List.of("email", "password"));
    kit.render(ctx, status, "console-login", lang, kit.pages.text(lang, "c.loginTitle"), m, null);
  }

  private void login(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    String email = trimmed(first(ctx, "email"));
    String password = first(ctx, "password");
    Map<String, String> errors = new HashMap<>();
    if (email == null || email.length() > 254 || !email.contains("@")) {
      errors.put("email", kit.pages.text(lang, "c.err.email"));
    }
    if (password == null || password.isEmpty() || password.length() > PasswordPolicy.MAX_LENGTH) {
      errors.put("password", kit.pages.text(lang, "c.err.password"));
    }
    if (!errors.isEmpty()) {
      renderLogin(ctx, 400, lang, kit.model(ctx), email, errors);
      return;
    }
    kit.staff.password(email, password, from(ctx, "staff-login")).onSuccess(step -> {
      if (step instanceof StaffService.Step.SecondFactor second) {
        cookie(ctx, PENDING_COOKIE, second.pendingToken(), StaffService.PENDING_TTL.toSeconds());
        redirect(ctx, "/console/connexion/code");
      } else if (step instanceof StaffService.Step.Locked) {
        locked(ctx, lang);
      } else if (step instanceof StaffService.Step.Busy) {
        ctx.response().putHeader("Retry-After", "2");
        kit.message(ctx, 503, lang, "unavailableTitle", List.of(kit.pages.text(lang, "unavailable.1")), "/console/connexion",
            kit.pages.text(lang, "c.loginAgain"));
      } else {
        int left = step instanceof StaffService.Step.Refused r ? r.remaining() : 0;
        renderLogin(ctx, 401, lang, kit.model(ctx), email, Map.of("password", kit.pages.text(lang, "c.err.credentials",
            left)));
      }
    }).onFailure(ctx::fail);
  }

  private void locked(RoutingContext ctx, String lang) {
    kit.message(ctx, 423, lang, "c.lockedTitle", List.of(kit.pages.text(lang, "c.locked.1")), null, null);
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
    Map<String, Object> m = kit.model(ctx);
    m.put("action", "/console/connexion/code");
    m.put("codeHint", kit.pages.text(lang, "c.codeHint", Totp.DIGITS));
    errors(m, errors, List.of("code"));
    kit.render(ctx, status, "console-code", lang, kit.pages.text(lang, "c.codeTitle"), m, null);
  }

  private void code(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    Cookie pending = ctx.request().getCookie(PENDING_COOKIE);
    String code = trimmed(first(ctx, "code"));
    code = code == null ? null : code.replace(" ", "");
    if (code == null || code.length() != Totp.DIGITS || !code.chars().allMatch(Character::isDigit)) {
      renderCode(ctx, 400, lang, Map.of("code", kit.pages.text(lang, "c.err.code", Totp.DIGITS)));
      return;
    }
    kit.staff.secondFactor(pending == null ? null : pending.getValue(), code, from(ctx, "staff-login"))
        .onSuccess(step -> {
          if (step instanceof StaffService.Step.Session s) {
            cookie(ctx, PENDING_COOKIE, "", 0);
            cookie(ctx, SESSION_COOKIE, s.token(), StaffService.SESSION_IDLE.toSeconds() * 48);
            redirect(ctx, "/console");
          } else if (step instanceof StaffService.Step.Locked) {
            cookie(ctx, PENDING_COOKIE, "", 0);
            locked(ctx, lang);
          } else if (step instanceof StaffService.Step.Refused r) {
            renderCode(ctx, 401, lang, Map.of("code", kit.pages.text(lang, "c.err.wrongCode", r.remaining())));
          } else {
            redirect(ctx, "/console/connexion");
          }
        }).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(SESSION_COOKIE);
    kit.staff.logout(c == null ? null : c.getValue(), from(ctx, "staff")).onSuccess(v -> {
      cookie(ctx, SESSION_COOKIE, "", 0);
      redirect(ctx, "/console/connexion");
    }).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- invitation

  private void showInvitation(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    kit.staff.invitation(ctx.pathParam("token")).onSuccess(found -> {
      if (found.isEmpty()) {
        kit.message(ctx, 404, lang, "c.invitationGoneTitle", List.of(kit.pages.text(lang, "c.invitationGone.1")),
            "/console/connexion", kit.pages.text(lang, "c.loginAgain"));
      } else if ("enrolling".equals(found.get().status())) {
        renderEnrol(ctx, 200, lang, found.get(), Map.of());
      } else {
        renderInvitation(ctx, 200, lang, found.get(), Map.of());
      }
    }).onFailure(ctx::fail);
  }

  private void renderInvitation(RoutingContext ctx, int status, String lang, StaffService.Invitation inv,
                                Map<String, String> errors) {
    Map<String, Object> m = kit.model(ctx);
    m.put("action", "/console/invitation/" + ctx.pathParam("token"));
    m.put("name", inv.name());
    m.put("email", inv.email());
    m.put("passwordHint", kit.pages.text(lang, "c.newPasswordHint", PasswordPolicy.MIN_LENGTH));
    errors(m, errors, List.of("password", "confirm"));
    kit.render(ctx, status, "console-invitation", lang, kit.pages.text(lang, "c.invitationTitle"), m, null);
  }

  private void renderEnrol(RoutingContext ctx, int status, String lang, StaffService.Invitation inv,
                           Map<String, String> errors) {
    Map<String, Object> m = kit.model(ctx);
    byte[] secret = StaffService.enrollingSecret(inv);
    m.put("action", "/console/invitation/" + ctx.pathParam("token") + "/code");
    m.put("key", String.join(" ", Totp.base32(secret).split("(?<=\\G.{4})")));
    m.put("uri", Totp.uri(secret, inv.email()));
    m.put("codeHint", kit.pages.text(lang, "c.codeHint", Totp.DIGITS));
    errors(m, errors, List.of("code"));
    kit.render(ctx, status, "console-enrol", lang, kit.pages.text(lang, "c.enrolTitle"), m, null);
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
    kit.staff.invitation(ctx.pathParam("token")).onSuccess(found -> {
      if (found.isEmpty() || !"invited".equals(found.get().status())) {
        redirect(ctx, "/console/invitation/" + ctx.pathParam("token"));
        return;
      }
      Optional<PasswordPolicy.Refusal> refused = PasswordPolicy.check(password, found.get().email());
      if (refused.isPresent()) {
        renderInvitation(ctx, 400, lang, found.get(), Map.of("password", kit.pages.text(lang,
            "c.err.policy." + refused.get().name(), PasswordPolicy.MIN_LENGTH)));
        return;
      }
      if (!password.equals(confirm)) {
        renderInvitation(ctx, 400, lang, found.get(), Map.of("confirm", kit.pages.text(lang, "c.err.mismatch")));
        return;
      }
      kit.staff.setPassword(found.get(), password)
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
    kit.staff.invitation(token).onSuccess(found -> {
      if (found.isEmpty() || !"enrolling".equals(found.get().status())) {
        redirect(ctx, "/console/invitation/" + token);
        return;
      }
      kit.staff.confirmEnrolment(token, found.get(), given, from(ctx, "staff:" + found.get().staffId()))
          .onSuccess(ok -> {
            if (ok) {
              redirect(ctx, "/console/connexion?active=1");
            } else {
              renderEnrol(ctx, 400, lang, found.get(), Map.of("code", kit.pages.text(lang, "c.err.enrolCode")));
            }
          }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- home and support

  private void home(RoutingContext ctx) {
    kit.signedIn((c, who, lang) -> {
      List<Map<String, Object>> list = new ArrayList<>();
      List<Future<?>> reads = new ArrayList<>();
      for (Map.Entry<String, StaffRole> e : who.roles().entrySet()) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", e.getKey());
        row.put("role", kit.pages.text(lang, "c.role." + e.getValue().wireName()));
        row.put("votersHref", "/console/e/" + e.getKey());
        list.add(row);
        reads.add(elections.find(e.getKey()).onSuccess(found -> row.put("name",
            found.map(fr.sesame.gateway.domain.Election::name).orElse(e.getKey()))));
      }
      Future.all(reads).onComplete(done -> {
        Map<String, Object> m = kit.model(c);
        m.put("name", who.name());
        m.put("elections", list);
        m.put("logoutAction", "/console/deconnexion");
        if (organisesAny(who)) {
          m.put("newElectionHref", "/console/elections/nouvelle");
        }
        kit.render(c, 200, "console-home", lang, kit.pages.text(lang, "c.homeTitle"), m, null);
      });
    }).handle(ctx);
  }

}
