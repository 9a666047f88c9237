package fr.sesame.gateway.dev;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Dev mode's demo "ballot box": a relying party of its own, on another port, that logs voters in through
 * Sesame's OpenID Connect provider (code flow, PKCE, {@code client_secret_basic}) and shows what a voting
 * platform learns: a pairwise pseudonym and the factors used, never who the voter is. It is registered through
 * the admin API as any platform would be. Not for production: its pending logins live in memory.
 */
public final class DemoBallotBox implements AutoCloseable {
  public static final String CLIENT_ID = "urne-demo";
  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClient client;
  private final String issuer;
  private final int gatewayPort;
  private final String secret;
  private final int port;
  private final SecureRandom random = new SecureRandom();
  /** state → code verifier and nonce, for logins under way. */
  private final Map<String, String[]> pending = new ConcurrentHashMap<>();

  private DemoBallotBox(Vertx vertx, HttpServer server, HttpClient client, String issuer, int gatewayPort,
                        String secret, int port) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
    this.issuer = issuer;
    this.gatewayPort = gatewayPort;
    this.secret = secret;
    this.port = port;
  }

  /** Registers the demo platform with the gateway, then serves it on a free port; blocking. */
  public static DemoBallotBox start(Vertx vertx, int gatewayPort, String issuer, String adminKey) throws Exception {
    HttpServer server = vertx.createHttpServer();
    HttpClient client = vertx.createHttpClient();
    DemoBallotBox[] box = new DemoBallotBox[1];
    server.requestHandler(req -> box[0].handle(req));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    int port = server.actualPort();
    String base = "http://localhost:" + port;
    JsonObject registration = new JsonObject().put("name", "Urne de démonstration")
        .put("redirectUris", new JsonArray().add(base + "/retour"))
        .put("postLogoutRedirectUris", new JsonArray().add(base + "/"))
        .put("authMethod", "client_secret_basic").put("newSecret", true);
    String answer = client.request(new RequestOptions().setMethod(HttpMethod.PUT).setHost("127.0.0.1")
            .setPort(gatewayPort).setURI("/v1/admin/elections/" + DemoElection.ID + "/clients/" + CLIENT_ID)
            .putHeader("Authorization", "Bearer " + adminKey).putHeader("Content-Type", "application/json"))
        // the body asked for in the callback that gets the response, on the connection's thread. It was asked for in
        // a callback of the outer future, made on a thread of no Vert.x context, and came back empty once in a while
        // (a 201 of 0 bytes in CI): most likely that callback ran a moment later, once the body had gone by
        .compose(req -> req.send(registration.encode()).compose(r -> r.body().map(b -> {
          if (r.statusCode() >= 300 || b.length() == 0) { // an empty answer: said as such, with what came with it
            throw new IllegalStateException("registering the demo ballot box answered " + r.statusCode() + " ("
                + b.length() + " bytes, " + r.getHeader("Content-Type") + ", " + r.version() + ")");
          }
          return b.toString();
        }))).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    box[0] = new DemoBallotBox(vertx, server, client, issuer, gatewayPort,
        new JsonObject(answer).getString("clientSecret"), port);
    return box[0];
  }

  public String url() {
    return "http://localhost:" + port + "/";
  }

  private void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/" -> page(req, 200, "<h1>Urne de démonstration</h1>"
          + "<p>Cette plateforme de vote fictive confie l’authentification des électeurs à Sesame, par OpenID "
          + "Connect. Elle ne reçoit qu’un pseudonyme, propre à elle et à ce scrutin.</p>"
          + "<p><a href=\"/connexion\">Se connecter pour voter</a></p>");
      case "/connexion" -> login(req);
      case "/retour" -> back(req);
      default -> page(req, 404, "<h1>Page introuvable</h1><p><a href=\"/\">Accueil de l’urne</a></p>");
    }
  }

  private String random() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private void login(HttpServerRequest req) {
    String state = random();
    String nonce = random();
    CodeVerifier verifier = new CodeVerifier();
    if (pending.size() > 10_000) {
      pending.clear(); // a demo: abandoned logins are forgotten rather than kept without bound
    }
    pending.put(state, new String[] {verifier.getValue(), nonce});
    String challenge = CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue();
    String location = issuer + "/oidc/authorize?response_type=code&scope=openid&client_id=" + CLIENT_ID
        + "&redirect_uri=" + enc(base() + "/retour") + "&state=" + state + "&nonce=" + nonce
        + "&code_challenge=" + challenge + "&code_challenge_method=S256&prompt=login";
    req.response().setStatusCode(303).putHeader("Location", location).end();
  }

  private String base() {
    return "http://localhost:" + port;
  }

  private void back(HttpServerRequest req) {
    String error = req.getParam("error");
    String state = req.getParam("state");
    String[] kept = state == null ? null : pending.remove(state);
    if (error != null || kept == null) {
      page(req, 400, "<h1>Connexion non aboutie</h1><p>" + esc(error == null ? "état inconnu" : error)
          + "</p><p><a href=\"/\">Recommencer</a></p>");
      return;
    }
    String form = "grant_type=authorization_code&code=" + enc(req.getParam("code")) + "&redirect_uri="
        + enc(base() + "/retour") + "&code_verifier=" + kept[0];
    String basic = Base64.getEncoder().encodeToString((CLIENT_ID + ":" + secret).getBytes(StandardCharsets.UTF_8));
    post("/oidc/token", form, basic).compose(tokens -> get("/oidc/jwks").map(jwks -> {
      try {
        SignedJWT jwt = SignedJWT.parse(tokens.getString("id_token"));
        JWK key = JWKSet.parse(jwks.encode()).getKeyByKeyId(jwt.getHeader().getKeyID());
        boolean valid = key instanceof ECKey ec ? jwt.verify(new ECDSAVerifier(ec))
            : key instanceof RSAKey rsa && jwt.verify(new RSASSAVerifier(rsa));
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        if (!valid || !issuer.equals(c.getIssuer()) || !kept[1].equals(c.getStringClaim("nonce"))) {
          throw new IllegalStateException("ID token refused");
        }
        return "<h1>Vous êtes connecté à l’urne</h1>"
            + "<p>Voici tout ce que l’urne sait de vous :</p><dl>"
            + "<dt>Pseudonyme (<code>sub</code>)</dt><dd><code>" + esc(c.getSubject()) + "</code></dd>"
            + "<dt>Facteurs (<code>acr</code>)</dt><dd>" + esc(c.getStringClaim("acr")) + "</dd>"
            + "<dt>Méthodes (<code>amr</code>)</dt><dd>" + esc(String.join(", ", c.getStringListClaim("amr")))
            + "</dd><dt>Authentifié le (<code>auth_time</code>)</dt><dd>" + esc(String.valueOf(
                c.getDateClaim("auth_time").toInstant())) + "</dd></dl>"
            + "<p>Ni nom, ni courriel, ni téléphone : le pseudonyme est propre à cette urne et à ce scrutin.</p>"
            + "<p><a href=\"" + esc(issuer + "/oidc/logout?id_token_hint=" + tokens.getString("id_token")
                + "&post_logout_redirect_uri=" + enc(base() + "/")) + "\">Se déconnecter</a></p>";
      } catch (Exception e) {
        throw new IllegalStateException("ID token unreadable", e);
      }
    })).onSuccess(html -> page(req, 200, html))
        .onFailure(e -> page(req, 502, "<h1>Échec de l’échange du code</h1><p>" + esc(e.getMessage())
            + "</p><p><a href=\"/\">Recommencer</a></p>"));
  }

  private Future<JsonObject> post(String path, String form, String basic) {
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gatewayPort)
            .setURI(path).putHeader("Authorization", "Basic " + basic)
            .putHeader("Content-Type", "application/x-www-form-urlencoded"))
        .compose(r -> r.send(Buffer.buffer(form)).compose(res -> res.body().map(b -> {
          if (res.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + res.statusCode() + ": " + b);
          }
          return new JsonObject(b);
        })));
  }

  private Future<JsonObject> get(String path) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gatewayPort)
        .setURI(path)).compose(r -> r.send().compose(res -> res.body().map(JsonObject::new)));
  }

  private static void page(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        .end("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
            + "content=\"width=device-width, initial-scale=1\"><title>Urne de démonstration</title></head><body><main>"
            + body + "</main></body></html>");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }

  URI uri() {
    return URI.create(url());
  }
}
