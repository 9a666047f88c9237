package fr.sesame.gateway.http.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole authorization code flow as a platform and a voter without JavaScript go through it, over real HTTP:
 * the platform's side with the Nimbus SDK as a client library would, the voter's with forms.
 */
class OidcFlowTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.withOidc();
  static final URI CALLBACK = URI.create("https://vote.example.fr/callback");
  static OIDCProviderMetadata metadata;
  static String el;
  static String secret;

  @BeforeAll
  static void registerPlatform() throws Exception {
    el = gw.openElection();
    Http.Res disco = gw.http.get("/.well-known/openid-configuration", null);
    assertThat(disco.status()).isEqualTo(200);
    metadata = OIDCProviderMetadata.parse(disco.body());
    assertThat(metadata.getIssuer().getValue()).isEqualTo("http://localhost:" + gw.gateway.port());
    assertThat(metadata.getCodeChallengeMethods()).extracting(Object::toString).containsExactly("S256");
    secret = register("ballot-" + el, "client_secret_basic", null, null).getString("clientSecret");
    assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
  }

  static JsonObject register(String clientId, String method, JsonObject jwks, String alg) {
    JsonObject body = new JsonObject().put("name", "Urne de test").put("authMethod", method)
        .put("redirectUris", new JsonArray().add(CALLBACK.toString()))
        .put("postLogoutRedirectUris", new JsonArray().add("https://vote.example.fr/bye"));
    if (jwks != null) {
      body.put("jwks", jwks);
    }
    if (alg != null) {
      body.put("idTokenSignedResponseAlg", alg);
    }
    Http.Res r = gw.http.put("/v1/admin/elections/" + el + "/clients/" + clientId, TestGateway.ADMIN, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.body()).doesNotContain("secretHash");
    return r.json();
  }

  /** What the platform keeps while the voter logs in. */
  record Started(FormClient browser, String flowPath, CodeVerifier verifier, State state, Nonce nonce) {}

  static Started start(String clientId) {
    return start(clientId, new Scope("openid"));
  }

  static Started start(String clientId, Scope scope) {
    FormClient browser = new FormClient(gw.gateway.port());
    CodeVerifier verifier = new CodeVerifier();
    State state = new State();
    Nonce nonce = new Nonce();
    URI authorize = new AuthenticationRequest.Builder(ResponseType.CODE, scope, new ClientID(clientId),
        CALLBACK).state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256)
        .endpointURI(metadata.getAuthorizationEndpointURI()).build().toURI();
    FormClient.Page first = browser.get(authorize.toString());
    assertThat(first.status()).as(first.body()).isEqualTo(303);
    assertThat(first.location()).startsWith("/connexion/");
    String cookie = first.header("Set-Cookie");
    assertThat(cookie).startsWith("__Host-sesame-b=").contains("Secure").containsIgnoringCase("HttpOnly").contains("SameSite=Lax")
        .contains("Path=/").doesNotContain("Domain");
    return new Started(browser, first.location(), verifier, state, nonce);
  }

  /** The voter's pages: secret, then the code received by SMS. @return where the browser is sent back */
  static URI voterLogsIn(Started s, String identifier, String secret, String phone) {
    // the voters' own login limit (10 an hour): one login's worth of allowance, as the same voters log in often here
    gw.clock.advance(Duration.ofMinutes(6));
    FormClient.Page login = s.browser().get(s.flowPath());
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.header("Content-Security-Policy")).contains("default-src 'none'").contains("frame-ancestors 'none'")
        .doesNotContain("script-src");
    assertThat(login.body()).contains("<html lang=\"fr\">").contains("Connexion au vote");
    FormClient.Page sent = secretThenChannel(s, login, identifier, secret, "sms", Map.of());
    assertThat(sent.status()).as(sent.body()).isEqualTo(303);
    assertThat(sent.location()).isEqualTo(s.flowPath() + "/code");
    FormClient.Page codePage = s.browser().get(sent.location());
    assertThat(codePage.body()).contains("autocomplete=\"one-time-code\"");
    FormClient.Page back = s.browser().post(s.flowPath() + "/code", Map.of("csrf", codePage.csrf(),
        "code", gw.lastCode(phone)));
    assertThat(back.status()).as(back.body()).isEqualTo(303);
    return URI.create(back.location());
  }

  /**
   * The first page (identifier and secret), then the channel page the test election's colleges lead to (they
   * offer different channels): the answer to the channel's form, or the first page's when it did not lead there.
   */
  static FormClient.Page secretThenChannel(Started s, FormClient.Page login, String identifier, String secret,
                                           String channel, Map<String, String> more) {
    FormClient.Page first = s.browser().post(s.flowPath(), Map.of("csrf", login.csrf(), "identifier", identifier,
        "secret", secret));
    if (first.status() != 303 || !first.location().endsWith("/canal")) {
      return first;
    }
    FormClient.Page choice = s.browser().get(first.location());
    assertThat(choice.status()).isEqualTo(200);
    Map<String, String> form = new java.util.HashMap<>(more);
    form.put("csrf", choice.csrf());
    form.put("channel", channel);
    return s.browser().post(first.location(), form);
  }

  static HTTPResponse tokenCall(AuthorizationCode code, CodeVerifier verifier, ClientAuthentication auth)
      throws Exception {
    return new TokenRequest(metadata.getTokenEndpointURI(), auth, new AuthorizationCodeGrant(code, CALLBACK, verifier))
        .toHTTPRequest().send();
  }

  static ClientSecretBasic basic(String clientId, String secret) {
    return new ClientSecretBasic(new ClientID(clientId), new Secret(secret));
  }

  static AuthorizationCode codeFrom(URI back, State state) throws Exception {
    AuthenticationResponse response = AuthenticationResponseParser.parse(back);
    assertThat(response.indicatesSuccess()).as(back.toString()).isTrue();
    assertThat(response.getState()).isEqualTo(state);
    assertThat(back.getQuery()).contains("iss=");
    return response.toSuccessResponse().getAuthorizationCode();
  }

  static JWTClaimsSet verified(String idToken, JWSAlgorithm alg) throws Exception {
    SignedJWT jwt = SignedJWT.parse(idToken);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(alg);
    JWKSet keys = JWKSet.parse(gw.http.get("/oidc/jwks", null).body());
    var key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(key).as("the signing key is published").isNotNull();
    boolean ok = key instanceof ECKey ec ? jwt.verify(new ECDSAVerifier(ec)) : jwt.verify(new RSASSAVerifier((RSAKey) key));
    assertThat(ok).as("signature").isTrue();
    return jwt.getJWTClaimsSet();
  }

  @Test
  void aPlatformLogsAVoterInAndGetsAPairwiseSubjectWithTheFactorsUsed() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    URI back = voterLogsIn(s, "alice", "20231234", "+33612345678");
    assertThat(back.toString()).startsWith(CALLBACK + "?");
    AuthorizationCode code = codeFrom(back, s.state());

    TokenResponse tokens = OIDCTokenResponseParser.parse(tokenCall(code, s.verifier(), basic(clientId, secret)));
    assertThat(tokens.indicatesSuccess()).as(tokens.toString()).isTrue();
    OIDCTokenResponse ok = (OIDCTokenResponse) tokens.toSuccessResponse();
    JWTClaimsSet claims = verified(ok.getOIDCTokens().getIDTokenString(), JWSAlgorithm.ES256);
    assertThat(claims.getIssuer()).isEqualTo(metadata.getIssuer().getValue());
    assertThat(claims.getAudience()).containsExactly(clientId);
    assertThat(claims.getStringClaim("nonce")).isEqualTo(s.nonce().getValue());
    assertThat(claims.getStringClaim("acr")).isEqualTo("urn:sesame:acr:secret+sms");
    assertThat(claims.getStringListClaim("amr")).containsExactlyInAnyOrder("kba", "sms", "mfa");
    assertThat(claims.getClaim("auth_time")).isNotNull();
    assertThat(claims.getClaim("sid")).isNotNull();
    // a pseudonym: neither the identifier nor Sesame's own pseudonym, and no contact
    assertThat(claims.getSubject()).isNotEqualTo("alice").isNotEqualTo(TestGateway.pseudonym(el, "alice"));
    assertThat(claims.getClaims().keySet()).doesNotContain("name", "email", "phone_number", "given_name",
        "family_name", "preferred_username");

    // the access token stands for the voter's session: the platform's JSON introspection and RFC 7662 both know
    // it; it is opaque (a session token begins with Sesame's own pseudonym of the voter) and /v1/introspect
    // gives no voterId for it
    BearerAccessToken access = ok.getOIDCTokens().getBearerAccessToken();
    String pseudonym = TestGateway.pseudonym(el, "alice");
    assertThat(access.getValue()).startsWith("sat.").doesNotContain(pseudonym);
    Http.Res json = gw.http.post("/v1/introspect", TestGateway.PLATFORM, new JsonObject().put("token", access.getValue()));
    assertThat(json.json().getBoolean("active")).isTrue();
    assertThat(json.json().containsKey("voterId")).isFalse();
    Http.Res userinfo = gw.http.call(io.vertx.core.http.HttpMethod.GET, "/oidc/userinfo", access.getValue(), null, null);
    assertThat(userinfo.status()).as(userinfo.body()).isEqualTo(200);
    assertThat(userinfo.json().fieldNames()).containsExactly("sub");
    assertThat(userinfo.json().getString("sub")).isEqualTo(claims.getSubject());
    TokenIntrospectionResponse intro = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
        metadata.getIntrospectionEndpointURI(), basic(clientId, secret), access).toHTTPRequest().send());
    TokenIntrospectionSuccessResponse active = intro.toSuccessResponse();
    assertThat(active.isActive()).isTrue();
    assertThat(active.getSubject().getValue()).isEqualTo(claims.getSubject());

    // the same voter through the same platform: the same subject; through another platform: another one
    Started again = start(clientId);
    JWTClaimsSet second = verified(((OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(codeFrom(
        voterLogsIn(again, "alice", "20231234", "+33612345678"), again.state()), again.verifier(),
        basic(clientId, secret))).toSuccessResponse()).getOIDCTokens().getIDTokenString(), JWSAlgorithm.ES256);
    assertThat(second.getSubject()).isEqualTo(claims.getSubject());

    String otherId = "other-" + el;
    String otherSecret = register(otherId, "client_secret_basic", null, "RS256").getString("clientSecret");
    Started other = start(otherId);
    JWTClaimsSet third = verified(((OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(codeFrom(
        voterLogsIn(other, "alice", "20231234", "+33612345678"), other.state()), other.verifier(),
        basic(otherId, otherSecret))).toSuccessResponse()).getOIDCTokens().getIDTokenString(), JWSAlgorithm.RS256);
    assertThat(third.getSubject()).isNotEqualTo(claims.getSubject());

    // revocation ends the session
    HTTPResponse revoked = new TokenRevocationRequest(metadata.getRevocationEndpointURI(), basic(clientId, secret),
        access).toHTTPRequest().send();
    assertThat(revoked.getStatusCode()).isEqualTo(200);
    assertThat(gw.http.post("/v1/introspect", TestGateway.PLATFORM, new JsonObject().put("token", access.getValue()))
        .json().getBoolean("active")).isFalse();
  }

  @Test
  void aCodeIsSingleUseAndItsReplayRevokesTheSession() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    AuthorizationCode code = codeFrom(voterLogsIn(s, "chloe", "4321", "+33698765432"), s.state());
    OIDCTokenResponse first = (OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(code, s.verifier(),
        basic(clientId, secret))).toSuccessResponse();
    String access = first.getOIDCTokens().getAccessToken().getValue();
    assertThat(introspect(access)).isTrue();

    HTTPResponse replay = tokenCall(code, s.verifier(), basic(clientId, secret));
    assertThat(replay.getStatusCode()).isEqualTo(400);
    assertThat(TokenErrorResponse.parse(replay).getErrorObject().getCode()).isEqualTo("invalid_grant");
    assertThat(introspect(access)).as("the tokens issued from a replayed code are revoked").isFalse();
    assertThat(auditTypes()).contains("oidc.authorize", "oidc.code", "oidc.token");
  }

  @Test
  void aWrongOrMissingPkceVerifierIsRefused() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    AuthorizationCode code = codeFrom(voterLogsIn(s, "alice", "20231234", "+33612345678"), s.state());
    HTTPResponse wrong = tokenCall(code, new CodeVerifier(), basic(clientId, secret));
    assertThat(TokenErrorResponse.parse(wrong).getErrorObject().getCode()).isEqualTo("invalid_grant");

    Started t = start(clientId);
    AuthorizationCode code2 = codeFrom(voterLogsIn(t, "alice", "20231234", "+33612345678"), t.state());
    HTTPResponse none = tokenCall(code2, null, basic(clientId, secret));
    assertThat(none.getStatusCode()).isEqualTo(400);
    assertThat(TokenErrorResponse.parse(none).getErrorObject().getCode()).isEqualTo("invalid_grant");
  }

  @Test
  void anExpiredCodeIsRefused() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    AuthorizationCode code = codeFrom(voterLogsIn(s, "alice", "20231234", "+33612345678"), s.state());
    gw.clock.advance(Duration.ofSeconds(61));
    HTTPResponse late = tokenCall(code, s.verifier(), basic(clientId, secret));
    assertThat(TokenErrorResponse.parse(late).getErrorObject().getCode()).isEqualTo("invalid_grant");
    assertThat(TokenErrorResponse.parse(late).getErrorObject().getDescription()).contains("expired");
  }

  @Test
  void aWrongClientSecretIsInvalidClient() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    AuthorizationCode code = codeFrom(voterLogsIn(s, "alice", "20231234", "+33612345678"), s.state());
    HTTPResponse r = tokenCall(code, s.verifier(), basic(clientId, secret + "x"));
    assertThat(r.getStatusCode()).isEqualTo(401);
    assertThat(TokenErrorResponse.parse(r).getErrorObject().getCode()).isEqualTo("invalid_client");
    // the code was not spent by a client that failed to authenticate
    HTTPResponse ok = tokenCall(code, s.verifier(), basic(clientId, secret));
    assertThat(ok.getStatusCode()).isEqualTo(200);
  }

  @Test
  void privateKeyJwtAuthenticatesAndAnAssertionIsUsedOnce() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    String clientId = "pkjwt-" + el;
    register(clientId, "private_key_jwt", new JsonObject(new JWKSet(key.toPublicJWK()).toString(true)), null);
    Started s = start(clientId);
    AuthorizationCode code = codeFrom(voterLogsIn(s, "alice", "20231234", "+33612345678"), s.state());
    PrivateKeyJWT assertion = new PrivateKeyJWT(new ClientID(clientId), metadata.getTokenEndpointURI(),
        JWSAlgorithm.ES256, key.toECPrivateKey(), "k1", null);
    HTTPResponse ok = tokenCall(code, s.verifier(), assertion);
    assertThat(ok.getStatusCode()).as(ok.getBody()).isEqualTo(200);

    Started t = start(clientId);
    AuthorizationCode code2 = codeFrom(voterLogsIn(t, "alice", "20231234", "+33612345678"), t.state());
    HTTPResponse replayed = tokenCall(code2, t.verifier(), assertion);
    assertThat(replayed.getStatusCode()).isEqualTo(401);
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    HTTPResponse forged = tokenCall(code2, t.verifier(), new PrivateKeyJWT(new ClientID(clientId),
        metadata.getTokenEndpointURI(), JWSAlgorithm.ES256, stranger.toECPrivateKey(), "k1", null));
    assertThat(forged.getStatusCode()).isEqualTo(401);
  }

  @Test
  void unknownClientAndMismatchedRedirectGetAnErrorPageNotARedirect() {
    FormClient browser = new FormClient(gw.gateway.port());
    String verifier = new CodeVerifier().getValue();
    URI unknown = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"), new ClientID("nobody"),
        CALLBACK).codeChallenge(new CodeVerifier(verifier), CodeChallengeMethod.S256)
        .endpointURI(metadata.getAuthorizationEndpointURI()).build().toURI();
    FormClient.Page a = browser.get(unknown.toString());
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.location()).isNull();
    assertThat(a.header("Content-Type")).startsWith("text/html");

    URI elsewhere = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"),
        new ClientID("ballot-" + el), URI.create("https://evil.example/callback"))
        .codeChallenge(new CodeVerifier(verifier), CodeChallengeMethod.S256)
        .endpointURI(metadata.getAuthorizationEndpointURI()).build().toURI();
    FormClient.Page b = browser.get(elsewhere.toString());
    assertThat(b.status()).isEqualTo(400);
    assertThat(b.location()).isNull();
  }

  @Test
  void aRequestWithoutPkceOrWithABadParameterIsSentBackWithInvalidRequest() {
    FormClient browser = new FormClient(gw.gateway.port());
    URI noPkce = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"), new ClientID("ballot-" + el),
        CALLBACK).state(new State("s1")).endpointURI(metadata.getAuthorizationEndpointURI()).build().toURI();
    FormClient.Page a = browser.get(noPkce.toString());
    assertThat(a.status()).isEqualTo(303);
    assertThat(a.location()).startsWith(CALLBACK + "?").contains("error=invalid_request").contains("state=s1");

    String plain = metadata.getAuthorizationEndpointURI() + "?response_type=code&scope=openid&client_id=ballot-" + el
        + "&redirect_uri=" + CALLBACK + "&code_challenge=" + "a".repeat(43) + "&code_challenge_method=plain&state=s2";
    FormClient.Page b = browser.get(plain);
    assertThat(b.location()).contains("error=invalid_request").contains("state=s2");

    String token = metadata.getAuthorizationEndpointURI() + "?response_type=token&scope=openid&client_id=ballot-" + el
        + "&redirect_uri=" + CALLBACK + "&state=s3";
    FormClient.Page c = browser.get(token);
    assertThat(c.status()).isEqualTo(303);
    assertThat(c.location()).startsWith(CALLBACK + "?").contains("error=");

    String none = metadata.getAuthorizationEndpointURI() + "?response_type=code&scope=openid&client_id=ballot-" + el
        + "&redirect_uri=" + CALLBACK + "&code_challenge=" + "a".repeat(43)
        + "&code_challenge_method=S256&prompt=none&state=s4";
    assertThat(browser.get(none).location()).contains("error=login_required");

    FormClient.Page nothing = browser.get(metadata.getAuthorizationEndpointURI().toString());
    assertThat(nothing.status()).isEqualTo(400);
    assertThat(nothing.header("Content-Type")).startsWith("text/html");
  }

  @Test
  void theFlowBelongsToTheBrowserThatStartedItAndFormsNeedTheirToken() {
    Started s = start("ballot-" + el);
    FormClient other = new FormClient(gw.gateway.port());
    FormClient.Page stolen = other.get(s.flowPath());
    assertThat(stolen.status()).isEqualTo(400);
    assertThat(stolen.body()).contains("expiré");

    FormClient.Page forged = s.browser().post(s.flowPath(), Map.of("csrf", "x".repeat(43), "identifier", "alice",
        "secret", "20231234", "channel", "sms"));
    assertThat(forged.status()).isEqualTo(403);
    assertThat(gw.status(el, "alice").json().getLong("failedAttempts")).as("nothing counted").isZero();

    FormClient.Page json = s.browser().postRaw(s.flowPath(), "application/json", "{}");
    assertThat(json.status()).isEqualTo(415);
  }

  @Test
  void fiveWrongSecretsOnThePagesLockTheAccountAsTheApiWould() {
    String el2 = gw.openElection();
    String clientId = "lock-" + el2;
    JsonObject body = new JsonObject().put("name", "Urne").put("redirectUris", new JsonArray().add(CALLBACK.toString()));
    assertThat(gw.http.put("/v1/admin/elections/" + el2 + "/clients/" + clientId, TestGateway.ADMIN, body).status())
        .isEqualTo(201);
    Started s = start(clientId);
    FormClient.Page page = s.browser().get(s.flowPath());
    for (int i = 1; i <= 4; i++) {
      page = s.browser().post(s.flowPath(), Map.of("csrf", page.csrf(), "identifier", "bruno", "secret",
          "0000000" + i, "channel", "email"));
      assertThat(page.status()).isEqualTo(401);
      assertThat(page.body()).contains("Il vous reste " + (5 - i) + " essai").contains("aria-invalid=\"true\"");
    }
    FormClient.Page locked = s.browser().post(s.flowPath(), Map.of("csrf", page.csrf(), "identifier", "bruno",
        "secret", "00000009", "channel", "email"));
    assertThat(locked.status()).isEqualTo(423);
    assertThat(locked.body()).contains("Compte verrouillé").contains("assistance");
    assertThat(gw.status(el2, "bruno").json().getString("status")).isEqualTo("locked");
  }

  @Test
  void englishIsChosenByAcceptLanguageOrTheSwitch() {
    Started s = start("ballot-" + el);
    s.browser().acceptLanguage = "en-GB,en;q=0.9";
    assertThat(s.browser().get(s.flowPath()).body()).contains("<html lang=\"en\">").contains("Log in to vote");
    s.browser().acceptLanguage = "en-GB";
    FormClient.Page french = s.browser().get(s.flowPath() + "?lang=fr");
    assertThat(french.body()).contains("<html lang=\"fr\">");
    assertThat(s.browser().get(s.flowPath()).body()).as("the choice is kept").contains("<html lang=\"fr\">");
  }

  @Test
  void theRegistrationRefusesWhatCannotBeTrusted() {
    JsonObject http = new JsonObject().put("name", "x").put("redirectUris", new JsonArray().add("http://vote.example.fr/cb"));
    assertThat(gw.http.put("/v1/admin/elections/" + el + "/clients/c1", TestGateway.ADMIN, http).status()).isEqualTo(400);
    JsonObject fragment = new JsonObject().put("name", "x").put("redirectUris", new JsonArray().add("https://a.fr/#x"));
    assertThat(gw.http.put("/v1/admin/elections/" + el + "/clients/c1", TestGateway.ADMIN, fragment).status()).isEqualTo(400);
    JsonObject noKeys = new JsonObject().put("name", "x").put("authMethod", "private_key_jwt")
        .put("redirectUris", new JsonArray().add("https://a.fr/cb"));
    assertThat(gw.http.put("/v1/admin/elections/" + el + "/clients/c1", TestGateway.ADMIN, noKeys).status()).isEqualTo(400);
    JsonObject ok = new JsonObject().put("name", "x").put("redirectUris", new JsonArray().add("https://a.fr/cb"));
    assertThat(gw.http.put("/v1/admin/elections/" + el + "/clients/c1", TestGateway.PLATFORM, ok).status()).isEqualTo(403);
    String el2 = gw.openElection();
    assertThat(gw.http.put("/v1/admin/elections/" + el2 + "/clients/ballot-" + el, TestGateway.ADMIN, ok).status())
        .as("a client id is one election's").isEqualTo(409);
  }

  @Test
  void aRotatedKeyIsPublishedBeforeItSignsAndTheRetiredOneUntilItsTokensExpire() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    String before = ((OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(codeFrom(voterLogsIn(s, "alice",
        "20231234", "+33612345678"), s.state()), s.verifier(), basic(clientId, secret))).toSuccessResponse())
        .getOIDCTokens().getIDTokenString();
    String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
    Http.Res rotated = gw.http.call(io.vertx.core.http.HttpMethod.POST, "/v1/admin/oidc/keys/rotate", TestGateway.ADMIN,
        null, null);
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    List<String> fresh = rotated.json().getJsonArray("current").stream().map(String::valueOf).toList();
    JWKSet published = JWKSet.parse(gw.http.get("/oidc/jwks", null).body());
    for (String kid : fresh) {
      assertThat(published.getKeyByKeyId(kid)).as("published before it signs (other instances, clients' caches)")
          .isNotNull();
    }

    // the old key signs until the switch, three minutes later; the voter logins in between advance the clock
    gw.clock.advance(Duration.ofMinutes(3));
    Started t = start(clientId);
    String after = ((OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(codeFrom(voterLogsIn(t, "alice",
        "20231234", "+33612345678"), t.state()), t.verifier(), basic(clientId, secret))).toSuccessResponse())
        .getOIDCTokens().getIDTokenString();
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(oldKid).isIn(fresh);
    verified(before, JWSAlgorithm.ES256); // the retired key still verifies the tokens it signed
    verified(after, JWSAlgorithm.ES256);

    gw.clock.advance(Duration.ofMinutes(11)); // ID tokens live 5 minutes, plus 5 minutes of margin
    JWKSet later = JWKSet.parse(gw.http.get("/oidc/jwks", null).body());
    assertThat(later.getKeyByKeyId(oldKid)).as("retired and past its tokens' lifetime").isNull();
    assertThat(later.getKeyByKeyId(SignedJWT.parse(after).getHeader().getKeyID())).isNotNull();
  }

  @Test
  void rpInitiatedLogoutEndsTheSessionAndReturnsToTheRegisteredPage() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    OIDCTokenResponse tokens = (OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(codeFrom(voterLogsIn(s,
        "alice", "20231234", "+33612345678"), s.state()), s.verifier(), basic(clientId, secret))).toSuccessResponse();
    String access = tokens.getOIDCTokens().getAccessToken().getValue();
    assertThat(introspect(access)).isTrue();
    String idToken = tokens.getOIDCTokens().getIDTokenString();

    FormClient.Page elsewhere = s.browser().get(metadata.getEndSessionEndpointURI() + "?id_token_hint=" + idToken
        + "&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F");
    assertThat(elsewhere.status()).isEqualTo(400);
    assertThat(introspect(access)).as("a refused logout changes nothing").isTrue();

    FormClient.Page out = s.browser().get(metadata.getEndSessionEndpointURI() + "?id_token_hint=" + idToken
        + "&post_logout_redirect_uri=https%3A%2F%2Fvote.example.fr%2Fbye&state=xyz");
    assertThat(out.status()).isEqualTo(303);
    assertThat(out.location()).isEqualTo("https://vote.example.fr/bye?state=xyz");
    assertThat(introspect(access)).isFalse();
  }

  @Test
  void anExpiredCodeOnThePageSaysSoAndAResendBringsANewOne() {
    Started s = start("ballot-" + el);
    gw.clock.advance(Duration.ofMinutes(6));
    FormClient.Page login = s.browser().get(s.flowPath());
    FormClient.Page sent = secretThenChannel(s, login, "alice", "20231234", "sms", Map.of());
    assertThat(sent.status()).isEqualTo(303);
    String old = gw.lastCode("+33612345678");
    gw.clock.advance(Duration.ofMinutes(6)); // codes live 5 minutes
    FormClient.Page codePage = s.browser().get(s.flowPath() + "/code");
    FormClient.Page expired = s.browser().post(s.flowPath() + "/code", Map.of("csrf", codePage.csrf(), "code", old));
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.body()).contains("Ce code a expiré").contains("aria-invalid=\"true\"");
    FormClient.Page resent = s.browser().post(s.flowPath() + "/resend", Map.of("csrf", codePage.csrf()));
    assertThat(resent.status()).isEqualTo(303);
    assertThat(s.browser().get(resent.location()).body()).contains("Un nouveau code vous a été envoyé");
    String fresh = gw.lastCode("+33612345678");
    assertThat(fresh).isNotEqualTo(old);
    FormClient.Page back = s.browser().post(s.flowPath() + "/code", Map.of("csrf", codePage.csrf(), "code", fresh));
    assertThat(back.status()).as(back.body()).isEqualTo(303);
    assertThat(back.location()).startsWith(CALLBACK + "?code=");
  }

  /**
   * The test election's colleges offer different channels: the first page asks for the identifier and the secret
   * only (a channel list there would tell a stranger which colleges exist and, by its errors, who is where), and
   * only a voter who proved the secret sees his college's channels, and a phone field when he has no phone.
   */
  @Test
  void theCollegesOwnChannelsAreOfferedOnlyAfterTheSecret() {
    gw.clock.advance(Duration.ofMinutes(6));
    Started s = start("ballot-" + el);
    FormClient.Page login = s.browser().get(s.flowPath());
    assertThat(login.body()).doesNotContain("name=\"channel\"").doesNotContain("name=\"phone\"").contains("Continuer");
    FormClient.Page wrong = s.browser().post(s.flowPath(), Map.of("csrf", login.csrf(), "identifier", "bruno",
        "secret", "99999999"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("name=\"channel\"");

    FormClient.Page accepted = s.browser().post(s.flowPath(), Map.of("csrf", login.csrf(), "identifier", "bruno",
        "secret", "20235678"));
    assertThat(accepted.status()).isEqualTo(303);
    assertThat(accepted.location()).isEqualTo(s.flowPath() + "/canal");
    assertThat(s.browser().get(s.flowPath() + "/code").location()).as("no code yet").isEqualTo(s.flowPath() + "/canal");
    FormClient.Page choice = s.browser().get(accepted.location());
    assertThat(choice.body()).contains("value=\"sms\"", "value=\"email\"").doesNotContain("value=\"voice\"")
        .as("bruno has no phone on the roll").contains("name=\"phone\"");
    FormClient.Page voice = s.browser().post(accepted.location(), Map.of("csrf", choice.csrf(), "channel", "voice"));
    assertThat(voice.status()).isEqualTo(400);
    assertThat(voice.body()).contains("id=\"channel-error\"");
    FormClient.Page noPhone = s.browser().post(accepted.location(), Map.of("csrf", choice.csrf(), "channel", "sms"));
    assertThat(noPhone.status()).isEqualTo(422);
    assertThat(noPhone.body()).contains("id=\"phone-error\"");
    FormClient.Page sent = s.browser().post(accepted.location(), Map.of("csrf", choice.csrf(), "channel", "sms",
        "phone", "06 55 44 33 22"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(303);
    assertThat(sent.location()).isEqualTo(s.flowPath() + "/code");
    assertThat(gw.lastCode("+33655443322")).as("the code went to the phone given, national format").hasSize(6);
    FormClient.Page again = s.browser().post(accepted.location(), Map.of("csrf", choice.csrf(), "channel", "email"));
    assertThat(again.status()).as("the channel is chosen once; then it is a resend").isEqualTo(303);
    assertThat(again.location()).isEqualTo(s.flowPath());
    assertThat(auditTypes()).contains("login.channel");
  }

  /**
   * The election's voter-file system (registered {@code voterFile: true}) gets, for the scopes it asks, the
   * voter's identity from the roll in the ID token, at the userinfo endpoint and in the introspection's scope; the
   * ballot box asking for the same scopes gets the pairwise subject alone.
   */
  @Test
  void onlyTheVoterFileClientGetsTheVotersIdentityForTheScopesItAsks() throws Exception {
    JsonObject body = new JsonObject().put("name", "Fichier des électeurs").put("voterFile", true)
        .put("redirectUris", new JsonArray().add(CALLBACK.toString()));
    Http.Res reg = gw.http.put("/v1/admin/elections/" + el + "/clients/roll-" + el, TestGateway.ADMIN, body);
    assertThat(reg.status()).as(reg.body()).isEqualTo(201);
    assertThat(reg.json().getBoolean("voterFile")).isTrue();
    String rollSecret = reg.json().getString("clientSecret");
    assertThat(gw.http.put("/v1/admin/elections/" + el + "/clients/bad-" + el, TestGateway.ADMIN,
        body.copy().put("voterFile", "yes")).status()).isEqualTo(400);

    Started s = start("roll-" + el, new Scope("openid", "profile", "email", "phone", "address"));
    AuthorizationCode code = codeFrom(voterLogsIn(s, "alice", "20231234", "+33612345678"), s.state());
    OIDCTokenResponse ok = (OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(code, s.verifier(),
        basic("roll-" + el, rollSecret))).toSuccessResponse();
    JWTClaimsSet claims = verified(ok.getOIDCTokens().getIDTokenString(), JWSAlgorithm.ES256);
    assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
    assertThat(claims.getStringClaim("family_name")).isEqualTo("Martin");
    assertThat(claims.getStringClaim("given_name")).isEqualTo("Alice");
    assertThat(claims.getStringClaim("birthdate")).isEqualTo("2001-04-12");
    assertThat(claims.getStringClaim("email")).isEqualTo("alice.martin@univ-test.fr");
    assertThat(claims.getStringClaim("phone_number")).isEqualTo("+33612345678");
    assertThat(claims.getClaims()).doesNotContainKey("address");
    assertThat(ok.getOIDCTokens().getAccessToken().getScope().toStringList())
        .containsExactlyInAnyOrder("openid", "email", "phone", "profile");
    Http.Res userinfo = gw.http.call(io.vertx.core.http.HttpMethod.GET, "/oidc/userinfo",
        ok.getOIDCTokens().getAccessToken().getValue(), null, null);
    assertThat(userinfo.json().getString("sub")).isEqualTo(claims.getSubject());
    assertThat(userinfo.json().getString("email")).isEqualTo("alice.martin@univ-test.fr");
    assertThat(userinfo.json().getString("preferred_username")).isEqualTo("alice");

    // only profile asked: no email, no phone
    Started p = start("roll-" + el, new Scope("openid", "profile"));
    JWTClaimsSet profileOnly = verified(((OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(codeFrom(
        voterLogsIn(p, "alice", "20231234", "+33612345678"), p.state()), p.verifier(),
        basic("roll-" + el, rollSecret))).toSuccessResponse()).getOIDCTokens().getIDTokenString(), JWSAlgorithm.ES256);
    assertThat(profileOnly.getStringClaim("family_name")).isEqualTo("Martin");
    assertThat(profileOnly.getClaims()).doesNotContainKeys("email", "phone_number");

    // the ballot box asks for the same scopes: nothing that names the voter
    Started b = start("ballot-" + el, new Scope("openid", "profile", "email", "phone"));
    OIDCTokenResponse box = (OIDCTokenResponse) OIDCTokenResponseParser.parse(tokenCall(codeFrom(
        voterLogsIn(b, "alice", "20231234", "+33612345678"), b.state()), b.verifier(), basic("ballot-" + el, secret)))
        .toSuccessResponse();
    JWTClaimsSet boxClaims = verified(box.getOIDCTokens().getIDTokenString(), JWSAlgorithm.ES256);
    assertThat(boxClaims.getClaims().keySet()).doesNotContain("email", "phone_number", "given_name", "family_name",
        "preferred_username", "birthdate");
    assertThat(gw.http.call(io.vertx.core.http.HttpMethod.GET, "/oidc/userinfo",
        box.getOIDCTokens().getAccessToken().getValue(), null, null).json().fieldNames()).containsExactly("sub");
    assertThat(box.getOIDCTokens().getAccessToken().getScope().toStringList()).containsExactly("openid");
  }

  @Test
  void aVoterWhoseCollegeHasOneChannelGetsTheCodeStraightAfterTheSecret() {
    gw.clock.advance(Duration.ofMinutes(6));
    Started s = start("ballot-" + el);
    FormClient.Page login = s.browser().get(s.flowPath());
    FormClient.Page sent = s.browser().post(s.flowPath(), Map.of("csrf", login.csrf(), "identifier", "emma",
        "secret", "15/06/1990"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(303);
    assertThat(sent.location()).isEqualTo(s.flowPath() + "/code");
    FormClient.Page codePage = s.browser().get(sent.location());
    FormClient.Page back = s.browser().post(s.flowPath() + "/code", Map.of("csrf", codePage.csrf(),
        "code", gw.lastCode("emma.robert@univ-test.fr")));
    assertThat(back.status()).as(back.body()).isEqualTo(303);
    assertThat(back.location()).startsWith(CALLBACK + "?code=");
  }

  @Test
  void aClosedElectionShowsItsWindowInsteadOfTheForm() {
    String closed = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + closed, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(10)), gw.clock.instant().minus(Duration.ofDays(1)))).status())
        .isEqualTo(201);
    JsonObject body = new JsonObject().put("name", "Urne close").put("redirectUris", new JsonArray().add(CALLBACK.toString()));
    assertThat(gw.http.put("/v1/admin/elections/" + closed + "/clients/closed-" + closed, TestGateway.ADMIN, body)
        .status()).isEqualTo(201);
    Started s = start("closed-" + closed);
    FormClient.Page page = s.browser().get(s.flowPath());
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.body()).contains("Le scrutin n’est pas ouvert").doesNotContain("name=\"secret\"");
  }

  @Test
  void aPlatformLikeBeleniosGetsIn_secretPostNoPkceExtraScopes_andUserInfoGivesThePairwiseSubject() throws Exception {
    String clientId = "belenios-" + el;
    JsonObject body = new JsonObject().put("name", "Belenios").put("authMethod", "client_secret_post")
        .put("requirePkce", false).put("redirectUris", new JsonArray().add(CALLBACK.toString()));
    Http.Res reg = gw.http.put("/v1/admin/elections/" + el + "/clients/" + clientId, TestGateway.ADMIN, body);
    assertThat(reg.status()).as(reg.body()).isEqualTo(201);
    String belSecret = reg.json().getString("clientSecret");
    FormClient browser = new FormClient(gw.gateway.port());
    FormClient.Page first = browser.get(metadata.getAuthorizationEndpointURI() + "?response_type=code&scope="
        + "openid+profile+email&prompt=consent&client_id=" + clientId + "&redirect_uri=" + CALLBACK + "&state=b1");
    assertThat(first.status()).as(first.location()).isEqualTo(303);
    assertThat(first.location()).startsWith("/connexion/");
    Started s = new Started(browser, first.location(), null, new State("b1"), null);
    AuthorizationCode code = codeFrom(voterLogsIn(s, "alice", "20231234", "+33612345678"), s.state());
    HTTPResponse tokens = tokenCall(code, null, new com.nimbusds.oauth2.sdk.auth.ClientSecretPost(new ClientID(clientId),
        new Secret(belSecret)));
    assertThat(tokens.getStatusCode()).as(tokens.getBody()).isEqualTo(200);
    String access = OIDCTokenResponse.parse(tokens).getOIDCTokens().getAccessToken().getValue();
    HTTPResponse info = new com.nimbusds.openid.connect.sdk.UserInfoRequest(metadata.getUserInfoEndpointURI(),
        new BearerAccessToken(access)).toHTTPRequest().send();
    assertThat(info.getStatusCode()).isEqualTo(200);
    assertThat(info.getBodyAsJSONObject().keySet()).containsExactly("sub");
    // the default stays: a client registered without requirePkce=false must send a challenge
    FormClient.Page refused = browser.get(metadata.getAuthorizationEndpointURI() + "?response_type=code&scope=openid"
        + "&client_id=ballot-" + el + "&redirect_uri=" + CALLBACK + "&state=b2");
    assertThat(refused.location()).contains("error=invalid_request");
    // a wrong bearer token
    HTTPResponse none = new com.nimbusds.openid.connect.sdk.UserInfoRequest(metadata.getUserInfoEndpointURI(),
        new BearerAccessToken("sat.nothing")).toHTTPRequest().send();
    assertThat(none.getStatusCode()).isEqualTo(401);
  }

  @Test
  void aForgedLogoutHintWithAnotherAlgorithmIsRefusedNotA500() throws Exception {
    JWKSet keys = JWKSet.parse(gw.http.get("/oidc/jwks", null).body());
    String ecKid = keys.getKeys().stream().filter(k -> k instanceof ECKey).findFirst().orElseThrow().getKeyID();
    for (String alg : List.of("RS256", "ES384", "HS256")) {
      String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"alg\":\"" + alg
          + "\",\"kid\":\"" + ecKid + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"x\"}"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      FormClient.Page page = new FormClient(gw.gateway.port()).get("/oidc/logout?id_token_hint=" + header + "."
          + payload + ".AAAA&post_logout_redirect_uri=https%3A%2F%2Fvote.example.fr%2Fbye");
      assertThat(page.status()).as(alg).isEqualTo(400);
    }
  }

  @Test
  void aCodeRefusedOnceIsRefusedAgainWithoutLoggingTheVoterOut() throws Exception {
    String clientId = "ballot-" + el;
    Started s = start(clientId);
    AuthorizationCode code = codeFrom(voterLogsIn(s, "alice", "20231234", "+33612345678"), s.state());
    assertThat(tokenCall(code, new CodeVerifier(), basic(clientId, secret)).getStatusCode()).isEqualTo(400);
    HTTPResponse again = tokenCall(code, s.verifier(), basic(clientId, secret));
    assertThat(TokenErrorResponse.parse(again).getErrorObject().getCode()).isEqualTo("invalid_grant");
    assertThat(auditTypes()).contains("oidc.token");
  }

  private static boolean introspect(String token) {
    return gw.http.post("/v1/introspect", TestGateway.PLATFORM, new JsonObject().put("token", token)).json()
        .getBoolean("active");
  }

  private static List<String> auditTypes() {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN);
    return r.body().lines().map(l -> new JsonObject(l).getJsonObject("event").getString("type")).toList();
  }
}
