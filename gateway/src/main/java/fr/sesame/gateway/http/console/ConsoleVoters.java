package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.roll.RollLineParser;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Support's voter page: a voter's status, unlock with a reason, resend of the login code, the réassort, and the bulk unlock of a time window. Each action calls the same {@link SupportService} as the API under the person's own identity.
 */
final class ConsoleVoters {
  private final ConsoleKit kit;
  private final fr.sesame.gateway.election.ElectionService elections;
  private final SupportService support;

  ConsoleVoters(ConsoleKit kit, fr.sesame.gateway.election.ElectionService elections, SupportService support) {
    this.kit = kit;
    this.elections = elections;
    this.support = support;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/electeurs"), "console-voter", kit.signedIn(this::voter));
    routes.form(router.post("/console/e/:election/electeurs/deverrouiller"), "console-unlock",
        kit.csrf(kit.signedIn(this::unlock)));
    routes.form(router.post("/console/e/:election/electeurs/renvoyer"), "console-resend",
        kit.csrf(kit.signedIn(this::resend)));
    routes.form(router.post("/console/e/:election/electeurs/reassort"), "console-reassort",
        kit.csrf(kit.signedIn(this::reassort)));
    routes.form(router.post("/console/e/:election/deverrouillage-groupe"), "console-unlock-window",
        kit.csrf(kit.signedIn(this::unlockWindow)));
  }

  private void voter(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.role(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String identifier = trimmed(ctx.request().getParam("identifiant"));
    String electionId = ctx.pathParam("election");
    if (identifier == null) {
      String unlocked = ctx.request().getParam("groupe");
      renderVoter(ctx, 200, lang, who, role.get(), null, null, Map.of(), unlocked != null
          && unlocked.matches("[0-9]{1,6}") ? kit.pages.text(lang, "c.windowUnlocked", Integer.parseInt(unlocked)) : null);
      return;
    }
    if (identifier.length() > 256 || !RollLineParser.IDENTIFIER.matcher(identifier).matches()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of("identifier",
          kit.pages.text(lang, "c.err.identifier")), null);
      return;
    }
    support.status(electionId, identifier).onSuccess(status -> {
      String notice = "1".equals(ctx.request().getParam("deverrouille")) ? kit.pages.text(lang, "c.unlocked")
          : "1".equals(ctx.request().getParam("renvoye")) ? kit.pages.text(lang, "c.resent")
          : "1".equals(ctx.request().getParam("reassort")) ? kit.pages.text(lang, "c.reassortSent")
          : "2".equals(ctx.request().getParam("reassort")) ? kit.pages.text(lang, "c.reassortAlready") : null;
      if (status.isEmpty()) {
        renderVoter(ctx, 404, lang, who, role.get(), identifier, null, Map.of("identifier",
            kit.pages.text(lang, "c.err.notOnRoll")), null);
      } else {
        renderVoter(ctx, 200, lang, who, role.get(), identifier, status.get(), Map.of(), notice);
      }
    }).onFailure(ctx::fail);
  }

  private void renderVoter(RoutingContext ctx, int status, String lang, StaffService.Staff who, StaffRole role,
                           String identifier, SupportService.VoterStatus voter, Map<String, String> errors,
                           String notice) {
    Map<String, Object> m = kit.model(ctx);
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
      DateTimeFormatter f = dateTime(lang);
      Map<String, Object> v = new HashMap<>();
      v.put("identifier", voter.identifier());
      v.put("college", voter.college());
      v.put("state", kit.pages.text(lang, voter.locked() ? "c.state.locked" : "c.state.active"));
      v.put("locked", voter.locked());
      v.put("failures", Long.toString(voter.failedAttempts()));
      v.put("lockedAt", voter.lockedAt() == null ? "" : f.format(voter.lockedAt().atZone(PARIS)));
      v.put("lastLogin", voter.lastLoginAt() == null ? kit.pages.text(lang, "c.never")
          : f.format(voter.lastLoginAt().atZone(PARIS)));
      v.put("phone", voter.maskedPhone() == null ? "—" : voter.maskedPhone());
      v.put("email", voter.maskedEmail() == null ? "—" : voter.maskedEmail());
      v.put("postalTown", voter.postalTown() == null ? "—" : voter.postalTown());
      v.put("voted", kit.pages.text(lang, voter.hasVoted() ? "c.yes" : "c.no"));
      v.put("mayUnlock", role.mayActOnVoters() && voter.locked());
      v.put("mayReassort", role.mayActOnVoters() && (voter.maskedEmail() != null || voter.maskedPhone() != null
          || voter.postalTown() != null));
      v.put("reassortEmail", voter.maskedEmail() != null);
      v.put("reassortSms", voter.maskedPhone() != null);
      v.put("reassortPost", voter.postalTown() != null);
      List<String> logins = new ArrayList<>();
      voter.recentLogins().forEach(l -> logins.add(kit.pages.text(lang, "c.loginAt",
          f.format(l.at().atZone(PARIS)), l.ip())));
      v.put("recentLogins", logins);
      v.put("hasLogins", !logins.isEmpty());
      voter.lastCode().ifPresent(c -> {
        Map<String, Object> code = new HashMap<>();
        code.put("channel", kit.pages.text(lang, "channel." + c.channel()));
        code.put("status", kit.pages.texts(lang).getOrDefault("c.delivery." + c.status(), c.status()));
        code.put("provider", c.provider() == null ? "—" : c.provider());
        code.put("updatedAt", c.updatedAt() == null ? "—" : f.format(c.updatedAt().atZone(PARIS)));
        code.put("resends", Long.toString(c.resends()));
        code.put("valid", kit.pages.text(lang, c.valid() ? "c.yes" : "c.no"));
        v.put("lastCode", code);
        v.put("mayResend", role.mayActOnVoters() && !voter.locked());
      });
      m.put("voter", v);
    }
    errors(m, errors, List.of("identifier", "reason", "resend", "reassort", "from", "to", "windowReason"));
    kit.render(ctx, status, "console-voter", lang, kit.pages.text(lang, "c.voterTitle"), m, null);
  }

  private void resend(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String identifier = trimmed(first(ctx, "identifiant"));
    if (identifier == null || !RollLineParser.IDENTIFIER.matcher(identifier).matches()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of("identifier",
          kit.pages.text(lang, "c.err.identifier")), null);
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
              identifier, st.orElse(null), Map.of("resend", kit.pages.text(lang, why)), null)).onFailure(ctx::fail);
        }).onFailure(ctx::fail);
  }

  /** The réassort: the voter's access information sent again by the chosen channel, to the roll's contact. */
  private void reassort(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String identifier = trimmed(first(ctx, "identifiant"));
    Optional<fr.sesame.channels.ChannelKind> channel = Optional.ofNullable(first(ctx, "channel"))
        .flatMap(fr.sesame.channels.ChannelKind::fromWire)
        .filter(k -> k == fr.sesame.channels.ChannelKind.EMAIL || k == fr.sesame.channels.ChannelKind.SMS
            || k == fr.sesame.channels.ChannelKind.POST);
    if (identifier == null || !RollLineParser.IDENTIFIER.matcher(identifier).matches() || channel.isEmpty()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of(identifier == null
          || !RollLineParser.IDENTIFIER.matcher(identifier).matches() ? "identifier" : "reassort",
          kit.pages.text(lang, identifier == null ? "c.err.identifier" : "c.err.reassortChannel")), null);
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
                  identifier, st.orElse(null), Map.of("reassort", kit.pages.text(lang, why)), null)).onFailure(ctx::fail);
            }
          }
        }).onFailure(ctx::fail);
  }

  /** The voters locked between two times (Paris), unlocked with a reason: support's answer to a wave of locks. */
  private void unlockWindow(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    Map<String, String> errors = new HashMap<>();
    java.time.Instant from = localTime(first(ctx, "from"));
    java.time.Instant to = localTime(first(ctx, "to"));
    if (from == null) {
      errors.put("from", kit.pages.text(lang, "c.err.time"));
    }
    if (to == null) {
      errors.put("to", kit.pages.text(lang, "c.err.time"));
    } else if (from != null && (!from.isBefore(to) || java.time.Duration.between(from, to).toDays() > 7)) {
      errors.put("to", kit.pages.text(lang, "c.err.window"));
    }
    String reason = trimmed(first(ctx, "windowReason"));
    if (reason == null || reason.length() < 3 || reason.length() > 500) {
      errors.put("windowReason", kit.pages.text(lang, "c.err.reason"));
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

  private void unlock(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = kit.actingRole(ctx, who, lang);
    if (role.isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    String identifier = trimmed(first(ctx, "identifiant"));
    String reason = trimmed(first(ctx, "reason"));
    if (identifier == null || !RollLineParser.IDENTIFIER.matcher(identifier).matches()) {
      renderVoter(ctx, 400, lang, who, role.get(), identifier, null, Map.of("identifier",
          kit.pages.text(lang, "c.err.identifier")), null);
      return;
    }
    if (reason == null || reason.length() < 3 || reason.length() > 500) {
      support.status(electionId, identifier).onSuccess(status -> renderVoter(ctx, 400, lang, who, role.get(),
          identifier, status.orElse(null), Map.of("reason", kit.pages.text(lang, "c.err.reason")), null))
          .onFailure(ctx::fail);
      return;
    }
    support.unlock(electionId, identifier, reason, from(ctx, who.actor())).onSuccess(done -> {
      if (done.isEmpty()) {
        renderVoter(ctx, 404, lang, who, role.get(), identifier, null, Map.of("identifier",
            kit.pages.text(lang, "c.err.notOnRoll")), null);
      } else {
        redirect(ctx, "/console/e/" + electionId + "/electeurs?identifiant="
            + java.net.URLEncoder.encode(identifier, java.nio.charset.StandardCharsets.UTF_8) + "&deverrouille=1");
      }
    }).onFailure(ctx::fail);
  }

}
