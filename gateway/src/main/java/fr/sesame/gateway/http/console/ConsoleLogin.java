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

/**
 * The console's sign-in: login with a password and a second factor (an authenticator app's code, or a code sent
 * by SMS, with a "send a new code" button), logout, and the home page listing the elections of the person's roles.
 * The invitation's pages are {@link ConsoleInvitation}.
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
    routes.form(router.post("/console/connexion/code/renvoyer"), "console-code-resend", kit.csrf(this::resend));
    routes.form(router.post("/console/deconnexion"), "console-logout", kit.csrf(this::logout));
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
    kit.staff.password(email, password, lang, from(ctx, "staff-login")).onSuccess(step -> {
      if (step instanceof StaffService.Step.SecondFactor second) {
        cookie(ctx, PENDING_COOKIE, second.pendingToken(), StaffService.PENDING_TTL.toSeconds());
        // the code sent (or a live one sent less than 30 s ago): nothing to say; a refused send is said
        redirect(ctx, "/console/connexion/code" + (second.sms() == StaffService.CodeSend.TOO_MANY
            || second.sms() == StaffService.CodeSend.REFUSED ? "?envoi=" + kit.sendParam(second.sms()) : ""));
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

  private static String pendingToken(RoutingContext ctx) {
    Cookie pending = ctx.request().getCookie(PENDING_COOKIE);
    return pending == null ? null : pending.getValue();
  }

  private void showCode(RoutingContext ctx) {
    renderCode(ctx, 200, Pages.language(ctx, null), Map.of());
  }

  /** The second factor's page, for the app or for SMS as the pending login is; the login page when it is gone. */
  private void renderCode(RoutingContext ctx, int status, String lang, Map<String, String> errors) {
    kit.staff.pending(pendingToken(ctx)).onSuccess(pending -> {
      if (pending.isEmpty()) {
        cookie(ctx, PENDING_COOKIE, "", 0);
        redirect(ctx, "/console/connexion");
        return;
      }
      String smsTo = pending.get().smsTo();
      Map<String, Object> m = kit.model(ctx);
      m.put("action", "/console/connexion/code");
      m.put("notice", kit.sendNotice(ctx, lang));
      if (smsTo == null) {
        m.put("intro", kit.pages.text(lang, "cCodeIntro"));
        m.put("codeLabel", kit.pages.text(lang, "cCode"));
        m.put("codeHint", kit.pages.text(lang, "c.codeHint", Totp.DIGITS));
      } else {
        m.put("intro", kit.pages.text(lang, "c.smsCodeIntro", smsTo));
        m.put("codeLabel", kit.pages.text(lang, "cSmsCode"));
        m.put("codeHint", kit.pages.text(lang, "c.smsCodeHint", Totp.DIGITS));
        m.put("resendAction", "/console/connexion/code/renvoyer");
      }
      errors(m, errors, List.of("code"));
      kit.render(ctx, status, "console-code", lang, kit.pages.text(lang, "c.codeTitle"), m, null);
    }).onFailure(ctx::fail);
  }

  /** "Send a new code": spaced and counted; the code page again, saying how it went. */
  private void resend(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    kit.staff.resendLoginCode(pendingToken(ctx), lang, from(ctx, "staff-login")).onSuccess(sent -> {
      if (sent.isEmpty()) {
        redirect(ctx, "/console/connexion");
      } else {
        redirect(ctx, "/console/connexion/code?envoi=" + kit.sendParam(sent.get()));
      }
    }).onFailure(ctx::fail);
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
            kit.staff.pending(pendingToken(ctx)).onSuccess(p -> renderCode(ctx, 401, lang, Map.of("code",
                kit.pages.text(lang, p.isPresent() && p.get().smsTo() != null ? "c.err.smsCode" : "c.err.wrongCode",
                    r.remaining())))).onFailure(ctx::fail);
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
