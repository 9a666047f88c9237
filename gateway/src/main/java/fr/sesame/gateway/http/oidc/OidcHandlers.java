package fr.sesame.gateway.http.oidc;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.ApiKeyAuth;
import fr.sesame.gateway.http.ApiRouter;
import fr.sesame.gateway.http.JsonInput;
import fr.sesame.gateway.http.Paths;
import fr.sesame.gateway.http.RouteGroup;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.http.pages.Browser;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.oidc.OidcProvider;
import fr.sesame.gateway.oidc.RelyingParty;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenID Connect provider's endpoints ({@link OidcProvider} does the protocol) and the registration of
 * relying parties through the admin API.
 */
public final class OidcHandlers implements RouteGroup {
  static final Set<String> CLIENT_FIELDS = Set.of("name", "redirectUris", "postLogoutRedirectUris", "authMethod",
      "jwks", "idTokenSignedResponseAlg", "newSecret", "requirePkce", "voterFile");
  private final OidcProvider provider;
  private final ElectionService elections;
  private final ApiKeyAuth auth;
  private final Pages pages;

  public OidcHandlers(OidcProvider provider, ElectionService elections, ApiKeyAuth auth, Pages pages) {
    this.provider = provider;
    this.elections = elections;
    this.auth = auth;
    this.pages = pages;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get(OidcProvider.DISCOVERY), "oidc-discovery", ctx -> json(ctx, provider.discovery(), 300));
    routes.plain(router.get(OidcProvider.JWKS), "oidc-jwks", ctx -> provider.jwks()
        .onSuccess(set -> json(ctx, set, 60)).onFailure(ctx::fail));
    routes.plain(router.get(OidcProvider.AUTHORIZE), "oidc-authorize", ctx -> authorize(ctx, params(ctx.queryParams())));
    routes.form(router.post(OidcProvider.AUTHORIZE), "oidc-authorize-post", this::authorizePost);
    routes.plain(router.get(OidcProvider.USERINFO), "oidc-userinfo", this::userInfo);
    routes.form(router.post(OidcProvider.USERINFO), "oidc-userinfo-post", this::userInfo);
    routes.form(router.post(OidcProvider.TOKEN), "oidc-token",
        ctx -> protocol(ctx, OidcProvider.TOKEN, http -> provider.token(http, ApiKeyAuth.client(ctx))));
    routes.form(router.post(OidcProvider.INTROSPECT), "oidc-introspect",
        ctx -> protocol(ctx, OidcProvider.INTROSPECT, http -> provider.introspect(http, ApiKeyAuth.client(ctx))));
    routes.form(router.post(OidcProvider.REVOKE), "oidc-revoke",
        ctx -> protocol(ctx, OidcProvider.REVOKE, http -> provider.revoke(http, ApiKeyAuth.client(ctx))));
    routes.plain(router.get(OidcProvider.LOGOUT), "oidc-logout", ctx -> logout(ctx, params(ctx.queryParams())));
    routes.form(router.post(OidcProvider.LOGOUT), "oidc-logout-post", ctx -> logout(ctx, ctx.get(Routes.FORM)));
    String clients = "/v1/admin/elections/:electionId/clients/:clientId";
    routes.json(router.put(clients), "client-put", auth.require(Role.ADMIN), this::putClient);
    routes.plain(router.get(clients), "client-get", auth.require(Role.ADMIN), this::getClient);
    routes.plain(router.post("/v1/admin/oidc/keys/rotate"), "oidc-keys-rotate", auth.require(Role.ADMIN), this::rotate);
  }

  private static void json(RoutingContext ctx, JsonObject body, int maxAgeSeconds) {
    ctx.response().putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=" + maxAgeSeconds).end(body.encode());
  }

  static Map<String, List<String>> params(MultiMap multi) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : multi.names()) {
      out.put(name, new ArrayList<>(multi.getAll(name)));
    }
    return out;
  }

  // ---------------------------------------------------------------- authorization

  private void authorize(RoutingContext ctx, Map<String, List<String>> params) {
    String browser = Browser.ensure(ctx);
    String lang = Pages.language(ctx, null);
    provider.authorize(params, browser, ClientInfo.voter(ApiKeyAuth.client(ctx).ip())).onSuccess(a -> {
      if (a instanceof OidcProvider.Authorization.Login login) {
        redirect(ctx, "/connexion/" + login.flow().id());
      } else if (a instanceof OidcProvider.Authorization.ErrorRedirect error) {
        redirect(ctx, error.to().toString());
      } else if (a instanceof OidcProvider.Authorization.TooMany tooMany) {
        ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (tooMany.retryAfter().toMillis() + 999)
            / 1000)));
        pages.render(ctx, 429, "message", lang, pages.text(lang, "unavailableTitle"), Map.of("paragraphs",
            List.of(pages.text(lang, "err.rateLimited")), "switchHref", ""), null);
      } else {
        OidcProvider.Authorization.ErrorPage page = (OidcProvider.Authorization.ErrorPage) a;
        errorPage(ctx, lang, page.error());
      }
    }).onFailure(ctx::fail);
  }

  /**
   * A form-posted authorization request: a cross-site POST does not carry the {@code SameSite=Lax} browser
   * cookie, and giving the browser a new one would end a login under way in another tab; so the same request
   * comes back as a GET (a top-level navigation, which carries it).
   */
  private void authorizePost(RoutingContext ctx) {
    Map<String, List<String>> form = ctx.get(Routes.FORM);
    if (Browser.id(ctx) != null) {
      authorize(ctx, form);
      return;
    }
    StringBuilder query = new StringBuilder();
    form.forEach((name, values) -> values.forEach(v -> query.append(query.length() == 0 ? "?" : "&")
        .append(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)).append('=')
        .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8))));
    redirect(ctx, OidcProvider.AUTHORIZE + query);
  }

  /** OpenID Connect UserInfo: the bearer access token's pairwise subject only. */
  private void userInfo(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip()
        : null;
    provider.userInfo(token).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", token == null ? "Bearer realm=\"sesame\""
            : "Bearer realm=\"sesame\", error=\"invalid_token\"").putHeader("Cache-Control", "no-store").end();
      } else {
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(found.get().encode());
      }
    }).onFailure(ctx::fail);
  }

  /** The error page for a request that cannot be sent back to its client (RFC 6749 §4.1.2.1). */
  private void errorPage(RoutingContext ctx, String lang, String error) {
    String code = error == null || !error.matches("[a-z_]{1,40}") ? "invalid_request" : error;
    pages.render(ctx, 400, "message", lang, pages.text(lang, "errorTitle"), Map.of("paragraphs",
        List.of(pages.text(lang, "error.1", code), pages.text(lang, "error.2")), "switchHref", ""), null);
  }

  static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  // ---------------------------------------------------------------- token, introspection, revocation

  @FunctionalInterface
  private interface Endpoint {
    Future<HTTPResponse> handle(HTTPRequest request);
  }

  /** Hands a form request to the SDK as it came (the client's Authorization header, the raw body). */
  private void protocol(RoutingContext ctx, String path, Endpoint endpoint) {
    HTTPRequest http = new HTTPRequest(HTTPRequest.Method.POST, provider.endpoint(path));
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null) {
      http.setAuthorization(authorization);
    }
    http.setEntityContentType(ContentType.APPLICATION_URLENCODED);
    String raw = ctx.get(Routes.FORM_RAW);
    http.setBody(raw == null ? "" : raw);
    Future<HTTPResponse> answer;
    try {
      answer = endpoint.handle(http);
    } catch (RuntimeException e) {
      // whatever the SDK could not make sense of is the request's fault, never a 500
      answer = Future.succeededFuture(badRequest());
    }
    answer.onSuccess(r -> write(ctx, r)).onFailure(ctx::fail);
  }

  private static HTTPResponse badRequest() {
    return new com.nimbusds.oauth2.sdk.TokenErrorResponse(com.nimbusds.oauth2.sdk.OAuth2Error.INVALID_REQUEST)
        .toHTTPResponse();
  }

  static void write(RoutingContext ctx, HTTPResponse r) {
    ctx.response().setStatusCode(r.getStatusCode());
    r.getHeaderMap().forEach((name, values) -> ctx.response().putHeader(name, values));
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    String body = r.getBody();
    ctx.response().end(body == null ? "" : body);
  }

  // ---------------------------------------------------------------- logout

  private void logout(RoutingContext ctx, Map<String, List<String>> params) {
    String lang = Pages.language(ctx, null);
    provider.logout(params, ClientInfo.voter(ApiKeyAuth.client(ctx).ip())).onSuccess(l -> {
      if (l instanceof OidcProvider.Logout.Redirect r) {
        redirect(ctx, r.to().toString());
      } else if (l instanceof OidcProvider.Logout.Page page) {
        pages.render(ctx, 200, "message", lang, pages.text(lang, "loggedOutTitle"), Map.of("paragraphs",
            List.of(pages.text(lang, page.ended() ? "loggedOut.1" : "loggedOut.none")), "switchHref", ""), null);
      } else {
        pages.render(ctx, 400, "message", lang, pages.text(lang, "logoutRefusedTitle"), Map.of("paragraphs",
            List.of(pages.text(lang, "logoutRefused.1")), "switchHref", ""), null);
      }
    }).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- registration

  private void putClient(RoutingContext ctx) {
    String clientId = ctx.pathParam("clientId");
    if (!RelyingParty.validId(clientId)) {
      throw JsonInput.invalid("the client id must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    JsonInput in = JsonInput.read(ctx, CLIENT_FIELDS);
    String name = in.string("name", 128);
    List<URI> redirects = uris(in, "redirectUris", true);
    List<URI> logouts = uris(in, "postLogoutRedirectUris", false);
    String method = in.optionalString("authMethod", 32);
    ClientAuthenticationMethod authMethod = method == null ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
        : ClientAuthenticationMethod.parse(method);
    if (!RelyingParty.METHODS.contains(authMethod)) {
      throw JsonInput.invalid("'authMethod' must be client_secret_basic, client_secret_post or private_key_jwt");
    }
    String jwks = null;
    JsonNode keys = in.node("jwks");
    if (authMethod.equals(ClientAuthenticationMethod.PRIVATE_KEY_JWT)) {
      if (keys == null || !keys.isObject()) {
        throw JsonInput.invalid("'jwks' (a JWK set of the client's public keys) is required for private_key_jwt");
      }
      try {
        JWKSet set = JWKSet.parse(keys.toString());
        if (set.getKeys().isEmpty() || set.getKeys().stream().anyMatch(k -> k.isPrivate())) {
          throw JsonInput.invalid("'jwks' must hold at least one key, and public keys only");
        }
        jwks = set.toString(true);
      } catch (java.text.ParseException e) {
        throw JsonInput.invalid("'jwks' is not a JWK set");
      }
    } else if (keys != null && !keys.isNull()) {
      throw JsonInput.invalid("'jwks' is only for private_key_jwt");
    }
    String alg = in.optionalString("idTokenSignedResponseAlg", 8);
    JWSAlgorithm idTokenAlg = alg == null ? JWSAlgorithm.ES256 : JWSAlgorithm.parse(alg);
    if (!RelyingParty.ALGORITHMS.contains(idTokenAlg)) {
      throw JsonInput.invalid("'idTokenSignedResponseAlg' must be ES256 or RS256");
    }
    JsonNode newSecret = in.node("newSecret");
    if (newSecret != null && !newSecret.isBoolean()) {
      throw JsonInput.invalid("'newSecret' must be true or false");
    }
    JsonNode pkce = in.node("requirePkce");
    if (pkce != null && !pkce.isBoolean()) {
      throw JsonInput.invalid("'requirePkce' must be true or false");
    }
    JsonNode voterFile = in.node("voterFile");
    if (voterFile != null && !voterFile.isBoolean()) {
      throw JsonInput.invalid("'voterFile' must be true or false");
    }
    ClientInfo by = ApiKeyAuth.client(ctx);
    String finalJwks = jwks;
    Paths.election(ctx, elections).compose(e -> provider.register(new RelyingParty(clientId, e.id(), name, redirects,
            logouts, authMethod, null, finalJwks, idTokenAlg, pkce == null || pkce.booleanValue(),
            voterFile != null && voterFile.booleanValue()),
            newSecret != null && newSecret.booleanValue(), by))
        .onSuccess(r -> {
          JsonObject body = r.party().describe();
          if (r.secret() != null) {
            body.put("clientSecret", r.secret());
          }
          body.put("issuer", provider.endpoint("").toString());
          ApiRouter.json(ctx, r.created() ? 201 : 200, body);
        })
        .onFailure(e -> ctx.fail(e instanceof IllegalArgumentException
            ? new ProblemException(ProblemType.CLIENT_ID_TAKEN, e.getMessage()) : e));
  }

  private static List<URI> uris(JsonInput in, String field, boolean required) {
    JsonNode node = in.node(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw JsonInput.invalid("'" + field + "' is required: a list of URLs");
      }
      return List.of();
    }
    if (!node.isArray() || (required && node.isEmpty()) || node.size() > 20) {
      throw JsonInput.invalid("'" + field + "' must be a list of 1 to 20 URLs");
    }
    List<URI> out = new ArrayList<>();
    for (JsonNode u : node) {
      if (!u.isTextual() || u.textValue().length() > 512) {
        throw JsonInput.invalid("'" + field + "' must hold URLs of at most 512 characters");
      }
      String why = RelyingParty.refusal(u.textValue());
      if (why != null) {
        throw JsonInput.invalid("'" + field + "': " + u.textValue().replaceAll("[^\\x21-\\x7e]", "?") + " " + why);
      }
      out.add(URI.create(u.textValue()));
    }
    return out;
  }

  private void getClient(RoutingContext ctx) {
    String clientId = ctx.pathParam("clientId");
    Paths.election(ctx, elections).compose(e -> provider.client(clientId).map(c -> c.filter(
            p -> p.electionId().equals(e.id()))))
        .onSuccess(c -> {
          if (c.isEmpty()) {
            ctx.fail(new ProblemException(ProblemType.NOT_FOUND, "no such client in this election"));
          } else {
            ApiRouter.json(ctx, 200, c.get().describe());
          }
        }).onFailure(ctx::fail);
  }

  private void rotate(RoutingContext ctx) {
    provider.keys().rotate().onSuccess(kids -> ApiRouter.json(ctx, 200, new JsonObject()
        .put("current", new JsonArray(kids)))).onFailure(ctx::fail);
  }
}
