package fr.sesame.gateway.http.pages;

import fr.sesame.gateway.crypto.RandomTokens;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The browser's id: a random value in a {@code __Host-} cookie ({@code Secure}, {@code HttpOnly},
 * {@code SameSite=Lax}, path {@code /}, no domain), to which login flows and form tokens are bound: a flow
 * started in one browser cannot be continued in another, and a form posted from another site fails its CSRF
 * check. No personal data is in it.
 */
public final class Browser {
  public static final String COOKIE = "__Host-sesame-b";
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Browser() {}

  /** The browser's id, when it sent a well-formed one. */
  public static String id(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie != null && SHAPE.matcher(cookie.getValue()).matches() ? cookie.getValue() : null;
  }

  /** The browser's id, a new one set in the answer when it has none. */
  public static String ensure(RoutingContext ctx) {
    String id = id(ctx);
    if (id != null) {
      return id;
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String fresh = RandomTokens.base64Url(bytes);
    ctx.response().addCookie(Cookie.cookie(COOKIE, fresh).setPath("/").setSecure(true).setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX));
    return fresh;
  }
}
