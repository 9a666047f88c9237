package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.staff.PasswordPolicy;
import fr.sesame.gateway.staff.StaffService;
import fr.sesame.gateway.staff.Totp;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The invitation's pages: the password chosen by the rule, then the second factor, an authenticator app (its
 * first code) or, when the invitation has a mobile phone, a code by SMS (the first one sent confirms it).
 */
final class ConsoleInvitation {
  private final ConsoleKit kit;

  ConsoleInvitation(ConsoleKit kit) {
    this.kit = kit;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/invitation/:token"), "console-invitation", this::showInvitation);
    routes.form(router.post("/console/invitation/:token"), "console-invitation-post", kit.csrf(this::setPassword));
    routes.form(router.post("/console/invitation/:token/code"), "console-enrol-post", kit.csrf(this::enrol));
    routes.form(router.post("/console/invitation/:token/sms"), "console-enrol-sms", kit.csrf(this::enrolSms));
  }

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
    m.put("notice", kit.sendNotice(ctx, lang));
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
          .onSuccess(sent -> redirect(ctx, "/console/invitation/" + token + "?sms=1&envoi=" + ConsoleKit.sendParam(sent)))
          .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }
}
