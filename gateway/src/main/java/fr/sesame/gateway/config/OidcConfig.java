package fr.sesame.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The OpenID Connect provider and the hosted login pages.
 *
 * @param issuer     the provider's issuer: the public https URL voters' browsers and the relying parties reach the
 *                   gateway at, with no query, fragment or trailing slash ({@code https://sesame.example.fr}); env
 *                   {@code SESAME_OIDC_ISSUER}. None: the provider and the pages are not served (dev mode uses
 *                   {@code http://localhost:PORT})
 * @param codeTtl    an authorization code's lifetime; default 60 s (RFC 6749 §4.1.2 advises at most 10 minutes)
 * @param idTokenTtl an ID token's lifetime; a retired signing key stays published this long after its last use;
 *                   default 5 minutes
 * @param flowTtl    how long a login flow (authorization request to code) may take; default 15 minutes
 */
public record OidcConfig(String issuer, Duration codeTtl, Duration idTokenTtl, Duration flowTtl) {
  public static final OidcConfig DEFAULTS = new OidcConfig(null, Duration.ofSeconds(60), Duration.ofMinutes(5),
      Duration.ofMinutes(15));

  /** Dev mode's issuer before the port is known: {@code http://localhost:PORT} once it is. */
  public static final String DEV_ISSUER = "http://localhost";

  public OidcConfig {
    Objects.requireNonNull(codeTtl, "oidc.codeTtl");
    Objects.requireNonNull(idTokenTtl, "oidc.idTokenTtl");
    Objects.requireNonNull(flowTtl, "oidc.flowTtl");
    if (issuer != null) {
      URI uri;
      try {
        uri = new URI(issuer);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("oidc.issuer must be an https URL: " + e.getReason());
      }
      boolean local = "http".equals(uri.getScheme()) && ("localhost".equals(uri.getHost())
          || "127.0.0.1".equals(uri.getHost()));
      if (!("https".equals(uri.getScheme()) || local) || uri.getHost() == null || uri.getQuery() != null
          || uri.getFragment() != null || issuer.endsWith("/")) {
        throw new IllegalArgumentException("oidc.issuer must be an https URL with no query, fragment or trailing "
            + "slash (http only for localhost)");
      }
    }
    if (codeTtl.toSeconds() < 10 || codeTtl.toMinutes() > 10) {
      throw new IllegalArgumentException("oidc.codeTtl must be between 10 seconds and 10 minutes");
    }
    if (idTokenTtl.toMinutes() < 1 || idTokenTtl.toHours() > 1) {
      throw new IllegalArgumentException("oidc.idTokenTtl must be between 1 minute and 1 hour");
    }
    if (flowTtl.toMinutes() < 5 || flowTtl.toHours() > 1) {
      throw new IllegalArgumentException("oidc.flowTtl must be between 5 minutes and 1 hour");
    }
  }

  /** A copy with another issuer. */
  public OidcConfig withIssuer(String other) {
    return new OidcConfig(other, codeTtl, idTokenTtl, flowTtl);
  }
}
