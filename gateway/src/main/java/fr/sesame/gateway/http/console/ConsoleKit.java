package fr.sesame.gateway.http.console;

import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.http.ApiKeyAuth;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.http.pages.Browser;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
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
 * What every console page shares: the signed-in staff member, the CSRF check of every form, the role checks of an
 * election's pages (404 for an election not among the person's roles, 403 for a role that may not act), and the
 * rendering in the console's layout. The pages themselves are in {@link ConsoleLogin}, {@link ConsoleElection},
 * {@link ConsoleVoters} and {@link ConsoleImport}.
 */
final class ConsoleKit {
  static final String SESSION_COOKIE = "__Host-sesame-staff";
  static final String PENDING_COOKIE = "__Host-sesame-pending";
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  final StaffService staff;
  final Pages pages;
  final KeyedHasher hasher;
  final java.time.Clock clock;

  ConsoleKit(StaffService staff, Pages pages, KeyedHasher hasher, java.time.Clock clock) {
    this.staff = staff;
    this.pages = pages;
    this.hasher = hasher;
    this.clock = clock;
  }

  /** A date and time as the console writes them in {@code lang}. */
  static DateTimeFormatter dateTime(String lang) {
    return DateTimeFormatter.ofPattern(lang.equals("fr") ? "d MMMM yyyy 'à' HH'h'mm" : "d MMMM yyyy 'at' HH:mm",
        Locale.forLanguageTag(lang));
  }

  interface SignedIn {
    void handle(RoutingContext ctx, StaffService.Staff who, String lang);
  }

  /** The page for a signed-in staff member; the login page otherwise. */
  io.vertx.core.Handler<RoutingContext> signedIn(SignedIn page) {
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
  io.vertx.core.Handler<RoutingContext> csrf(io.vertx.core.Handler<RoutingContext> next) {
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

  String csrfOf(String browser) {
    return hasher.hashText(HashPurpose.CSRF, browser, "console");
  }

  Map<String, Object> model(RoutingContext ctx) {
    Map<String, Object> m = new HashMap<>();
    m.put("csrf", csrfOf(Browser.ensure(ctx)));
    return m;
  }

  static String first(RoutingContext ctx, String field) {
    Map<String, List<String>> form = ctx.get(Routes.FORM);
    List<String> values = form == null ? null : form.get(field);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every value of a form's field (checkboxes sharing a name); empty when none. */
  static List<String> all(RoutingContext ctx, String field) {
    Map<String, List<String>> form = ctx.get(Routes.FORM);
    List<String> values = form == null ? null : form.get(field);
    return values == null ? List.of() : values;
  }

  /** Whether the signed-in person is an organiser of at least one election (who may create one). */
  static boolean organisesAny(StaffService.Staff who) {
    return who.roles().containsValue(StaffRole.ORGANISER);
  }

  static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static ClientInfo from(RoutingContext ctx, String actor) {
    return new ClientInfo(ApiKeyAuth.client(ctx).ip(), actor);
  }

  static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  static void cookie(RoutingContext ctx, String name, String value, long maxAgeSeconds) {
    ctx.response().addCookie(Cookie.cookie(name, value).setPath("/").setSecure(true).setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSeconds));
  }

  void message(RoutingContext ctx, int status, String lang, String titleKey, List<String> paragraphs,
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
  void render(RoutingContext ctx, int status, String template, String lang, String title,
                      Map<String, Object> model, java.net.URI formTarget) {
    Map<String, Object> m = new HashMap<>(model);
    m.put("serviceName", pages.text(lang, "c.service"));
    pages.render(ctx, status, template, lang, title, m, formTarget);
  }

  static void errors(Map<String, Object> m, Map<String, String> errors, List<String> order) {
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


  /** The role of a staff member who acts on voters (support, organiser); empty when a 404 or 403 was answered. */
  Optional<StaffRole> actingRole(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isPresent() && !role.get().mayActOnVoters()) {
      message(ctx, 403, lang, "c.forbiddenTitle", List.of(pages.text(lang, "c.forbidden.1")), "/console",
          pages.text(lang, "cBackHome"));
      return Optional.empty();
    }
    return role;
  }



  /**
   * The role of one who oversees the election of the path (organiser, bureau, expert: the journal, the émargement
   * list, the providers' health, the alerts); empty when a 404 or 403 (support) was answered.
   */
  Optional<StaffRole> overseer(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isPresent() && role.get() == StaffRole.SUPPORT) {
      message(ctx, 403, lang, "c.forbiddenTitle", List.of(pages.text(lang, "c.forbidden.overseer")), "/console",
          pages.text(lang, "cBackHome"));
      return Optional.empty();
    }
    return role;
  }

  /** A {@code datetime-local} value, in Paris time; null when it is not one. */
  static java.time.Instant localTime(String value) {
    if (value == null || value.length() > 32) {
      return null;
    }
    try {
      return java.time.LocalDateTime.parse(value.strip()).atZone(PARIS).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** The role of an organiser of the election of the path; empty when a 404 or 403 was answered. */
  Optional<StaffRole> organiser(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = role(ctx, who, lang);
    if (role.isPresent() && role.get() != StaffRole.ORGANISER) {
      message(ctx, 403, lang, "c.forbiddenTitle", List.of(pages.text(lang, "c.forbidden.organiser")), "/console",
          pages.text(lang, "cBackHome"));
      return Optional.empty();
    }
    return role;
  }

  /** The staff member's role in the election of the path; empty (then a 404 was answered) when none. */
  Optional<StaffRole> role(RoutingContext ctx, StaffService.Staff who, String lang) {
    Optional<StaffRole> role = who.roleIn(ctx.pathParam("election"));
    if (role.isEmpty()) {
      message(ctx, 404, lang, "c.noElectionTitle", List.of(pages.text(lang, "c.noElection.1")), "/console",
          pages.text(lang, "cBackHome"));
    }
    return role;
  }

  /** The {@code ?envoi=} value saying how a sending of an SMS code went. */
  static String sendParam(StaffService.CodeSend sent) {
    return switch (sent) {
      case SENT -> "nouveau";
      case TOO_SOON -> "attente";
      case TOO_MANY -> "limite";
      case REFUSED -> "refuse";
    };
  }

  /** The notice of {@code ?envoi=}: how the last sending of an SMS code went; null when none. */
  String sendNotice(RoutingContext ctx, String lang) {
    String sent = ctx.request().getParam("envoi");
    for (StaffService.CodeSend s : StaffService.CodeSend.values()) {
      if (sendParam(s).equals(sent)) {
        return pages.text(lang, switch (s) {
          case SENT -> "c.sms.sent";
          case TOO_SOON -> "c.sms.tooSoon";
          case TOO_MANY -> "c.sms.tooMany";
          case REFUSED -> "c.sms.refused";
        });
      }
    }
    return null;
  }
}
