package fr.sesame.gateway.domain;

import java.net.URI;

/** What an address given to the gateway (a redirect URI, a voting platform's address) must be. */
public final class WebAddress {
  private WebAddress() {}

  /**
   * Absolute, https (http only to localhost, for development), no fragment (RFC 6749 §3.1.2), no user info.
   * @return why it is refused, or null
   */
  public static String refusal(String uri) {
    URI u;
    try {
      u = new URI(uri);
    } catch (java.net.URISyntaxException | NullPointerException e) {
      return "is not a URI";
    }
    if (!u.isAbsolute() || u.getHost() == null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      return "must be an absolute URL with a host and no fragment";
    }
    boolean local = "localhost".equals(u.getHost()) || "127.0.0.1".equals(u.getHost()) || "[::1]".equals(u.getHost());
    if (!"https".equals(u.getScheme()) && !("http".equals(u.getScheme()) && local)) {
      return "must be https (http only for localhost)";
    }
    return null;
  }
}
