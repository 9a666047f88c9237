package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.domain.ClientInfo;
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
 * The console's sign-in: login with a password and a second factor (an authenticator app's code, or a code sent
 * by SMS, with a "send a new code" button), logout, the invitation (password, then the app or SMS), and the home
 * page listing the elections of the person's roles.
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
    routes.plain(router.get("/console/invitation/:token"), "console-invitation", this::showInvitation);
    routes.form(router.post("/console/invitation/:token"), "console-invitation-post", kit.csrf(this::setPassword));
    routes.form(router.post("/console/invitation/:token/code"), "console-enrol-post", kit.csrf(this::enrol));
    routes.form(router.post("/console/invitation/:token/sms"), "console-enrol-sms", kit.csrf(this::enrolSms));
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
            || second.sms() == StaffService.CodeSend.REFUSED ? "?envoi=" + sendParam(second.sms()) : ""));
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

  private static String sendParam(StaffService.CodeSend sent) {
    return switch (sent) {
      case SENT -> "nouveau";
      case TOO_SOON -> "attente";
      case TOO_MANY -> "limite";
      case REFUSED -> "refuse";
    };
  }

  /** The notice of {@code ?envoi=}: how the last sending of an SMS code went; null when none. */
  private String sendNotice(RoutingContext ctx, String lang) {
    String sent = ctx.request().getParam("envoi");
    for (StaffService.CodeSend s : StaffService.CodeSend.values()) {
      if (sendParam(s).equals(sent)) {
        return kit.pages.text(lang, switch (s) {
          case SENT -> "c.sms.sent";
          case TOO_SOON -> "c.sms.tooSoon";
          case TOO_MANY -> "c.sms.tooMany";
          case REFUSED -> "c.sms.refused";
        });
      }
    }
    return null;
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
      m.put("notice", sendNotice(ctx, lang));
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
        redirect(ctx, "/console/connexion/code?envoi=" + sendParam(sent.get()));
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

  // ---------------------------------------------------------------- invitation

  private void showInvitation(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    kit.staff.invitation(ctx.pathParam("token")).onSuccess(found -> {
      if (found.isEmpty()) {
        kit.message(ctx, 404, lang, "c.invitationGoneTitle", List.of(kit.pages.text(lang, "c.invitationGone.1")),
            "/console/connexion", kit.pages.text(lang, "c.loginAgain"));
      } else if ("enrolling".equals(found.get().status())) {
        renderEnrol(ctx, 200, lang, found.get(), Map.of(), "1".equals(ctx.request().getParam("sms")));
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

  /** @param smsSent whether the SMS code's form is shown (a code was sent) */
  private void renderEnrol(RoutingContext ctx, int status, String lang, StaffService.Invitation inv,
                           Map<String, String> errors, boolean smsSent) {
    Map<String, Object> m = kit.model(ctx);
    m.put("notice", sendNotice(ctx, lang));
    String title = kit.pages.text(lang, "c.enrolTitle");
    if (inv.phone() != null) {
      title = kit.pages.text(lang, "c.enrolChoiceTitle");
      m.put("smsOffer", true);
      m.put("smsOfferText", kit.pages.text(lang, "c.enrolSmsOffer", inv.maskedPhone()));
      m.put("smsAction", "/console/invitation/" + ctx.pathParam("token") + "/sms");
      m.put("smsSent", smsSent);
      m.put("smsCodeHint", kit.pages.text(lang, "c.smsCodeHint", Totp.DIGITS));
    }
    byte[] secret = StaffService.enrollingSecret(inv);
    m.put("action", "/console/invitation/" + ctx.pathParam("token") + "/code");
    m.put("key", String.join(" ", Totp.base32(secret).split("(?<=\\G.{4})")));
    m.put("uri", Totp.uri(secret, inv.email()));
    m.put("codeHint", kit.pages.text(lang, "c.codeHint", Totp.DIGITS));
    errors(m, errors, List.of("code", "smsCode"));
    kit.render(ctx, status, "console-enrol", lang, title, m, null);
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
    boolean bySms = "sms".equals(first(ctx, "method"));
    kit.staff.invitation(token).onSuccess(found -> {
      if (found.isEmpty() || !"enrolling".equals(found.get().status())) {
        redirect(ctx, "/console/invitation/" + token);
        return;
      }
      if (bySms && (found.get().phone() == null || given.length() != Totp.DIGITS
          || !given.chars().allMatch(Character::isDigit))) {
        renderEnrol(ctx, 400, lang, found.get(), Map.of("smsCode", kit.pages.text(lang, "c.err.smsEnrolCode")),
            true);
        return;
      }
      ClientInfo by = from(ctx, "staff:" + found.get().staffId());
      (bySms ? kit.staff.confirmSmsEnrolment(token, found.get(), given, by)
          : kit.staff.confirmEnrolment(token, found.get(), given, by))
          .onSuccess(ok -> {
            if (ok) {
              redirect(ctx, "/console/connexion?active=1");
            } else if (bySms) {
              renderEnrol(ctx, 400, lang, found.get(), Map.of("smsCode", kit.pages.text(lang,
                  "c.err.smsEnrolCode")), true);
            } else {
              renderEnrol(ctx, 400, lang, found.get(), Map.of("code", kit.pages.text(lang, "c.err.enrolCode")),
                  false);
            }
          }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  /** The SMS choice at enrolment: a code sent to the invitation's phone, then its form. */
  private void enrolSms(RoutingContext ctx) {
    String lang = Pages.language(ctx, null);
    String token = ctx.pathParam("token");
    if (!tokenShape(token)) {
      showInvitation(ctx);
      return;
    }
    kit.staff.invitation(token).onSuccess(found -> {
      if (found.isEmpty() || !"enrolling".equals(found.get().status()) || found.get().phone() == null) {
        redirect(ctx, "/console/invitation/" + token);
        return;
      }
      kit.staff.sendEnrolmentCode(found.get(), lang, from(ctx, "staff:" + found.get().staffId()))
          .onSuccess(sent -> redirect(ctx, "/console/invitation/" + token + "?sms=1&envoi=" + sendParam(sent)))
          .onFailure(ctx::fail);
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
        kit.render(c, 200, "console-home", lang, kit.pages.text(lang, "c.homeTitle"), m, null);
      });
    }).handle(ctx);
  }

}
