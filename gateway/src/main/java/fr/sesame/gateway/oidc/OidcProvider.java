package fr.sesame.gateway.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientAuthenticationVerifier;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientCredentialsSelector;
import com.nimbusds.oauth2.sdk.auth.verifier.Context;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.auth.verifier.JWTAudienceCheck;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.OIDCError;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.SessionService;
import fr.sesame.gateway.config.OidcConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.store.OidcStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect provider (OpenID Connect Core 1.0, authorization code flow only), on the Nimbus SDK: it
 * parses, checks and answers the protocol's requests; the login itself is the hosted pages' work, on the same
 * {@code LoginService} as the API (same limits, lockout and audit).
 *
 * <p>What a relying party receives: an ID token whose {@code sub} is pairwise (a keyed hash of the client, the
 * election and the voter's pseudonym: two platforms, or two elections, cannot link a voter), with {@code acr},
 * {@code amr}, {@code auth_time}, {@code nonce} and {@code sid}, and no name, email or phone; and an access token
 * that is the voter's Sesame session (opaque), usable on {@code /v1/introspect}, the émargement route and RFC 7662
 * introspection, ending after the session's idle timeout.
 */
public final class OidcProvider {
  private static final Logger LOG = LoggerFactory.getLogger(OidcProvider.class);
  /** The ACR of a login with the knowledge secret and a code on {@code channel}. */
  public static final String ACR_PREFIX = "urn:sesame:acr:secret+";
  /**
   * The scopes that name the voter, granted to the election's voter-file client only ({@link
   * RelyingParty#voterFile()}); any other client asking for them gets the pairwise subject alone.
   */
  public static final java.util.Set<String> IDENTITY_SCOPES = java.util.Set.of("profile", "email", "phone");
  /** How long a provider session id is kept for logout: a session cannot live longer than a day of activity. */
  private static final Duration SID_TTL = Duration.ofHours(24);

  /** Runs CPU-heavy work (signing, verifying signatures) off the event loop. */
  @FunctionalInterface
  public interface OffLoop {
    <T> Future<T> run(Callable<T> work);
  }

  private final OidcConfig config;
  private final OidcStore store;
  private final SigningKeys keys;
  private final SessionService sessions;
  private final AuditTrail audit;
  private final KeyedHasher hasher;
  private final FieldCipher cipher;
  private final RandomTokens random;
  private final Clock clock;
  private final OffLoop offLoop;
  private final Issuer issuer;
  private final Duration sessionIdle;
  private final fr.sesame.ratelimit.RateLimiter limiter;
  private final fr.sesame.ratelimit.LimitPolicy flowsPerIp;
  private final fr.sesame.gateway.store.VoterStore voters;

  public OidcProvider(OidcConfig config, OidcStore store, SigningKeys keys, SessionService sessions,
                      AuditTrail audit, KeyedHasher hasher, FieldCipher cipher, RandomTokens random, Clock clock,
                      OffLoop offLoop, Duration sessionIdle, fr.sesame.ratelimit.RateLimiter limiter,
                      fr.sesame.ratelimit.LimitPolicy flowsPerIp, fr.sesame.gateway.store.VoterStore voters) {
    this.voters = voters;
    this.limiter = limiter;
    this.flowsPerIp = flowsPerIp;
    this.config = java.util.Objects.requireNonNull(config);
    this.store = store;
    this.keys = keys;
    this.sessions = sessions;
    this.audit = audit;
    this.hasher = hasher;
    this.cipher = cipher;
    this.random = random;
    this.clock = clock;
    this.offLoop = offLoop;
    this.sessionIdle = sessionIdle;
    this.issuer = new Issuer(java.util.Objects.requireNonNull(config.issuer(), "oidc.issuer"));
  }

  public URI endpoint(String path) {
    return URI.create(issuer.getValue() + path);
  }

  public static final String AUTHORIZE = "/oidc/authorize";
  public static final String TOKEN = "/oidc/token";
  public static final String JWKS = "/oidc/jwks";
  public static final String INTROSPECT = "/oidc/introspect";
  public static final String REVOKE = "/oidc/revoke";
  public static final String LOGOUT = "/oidc/logout";
  public static final String DISCOVERY = "/.well-known/openid-configuration";
  public static final String USERINFO = "/oidc/userinfo";
  /** What an access token of this provider begins with (the platform routes tell them from session tokens). */
  public static final String ACCESS_PREFIX = "sat.";

  // ---------------------------------------------------------------- discovery and keys

  /** The provider's metadata (OpenID Connect Discovery 1.0). */
  public JsonObject discovery() {
    OIDCProviderMetadata m = new OIDCProviderMetadata(issuer, List.of(SubjectType.PAIRWISE), endpoint(JWKS));
    m.setAuthorizationEndpointURI(endpoint(AUTHORIZE));
    m.setTokenEndpointURI(endpoint(TOKEN));
    m.setIntrospectionEndpointURI(endpoint(INTROSPECT));
    m.setRevocationEndpointURI(endpoint(REVOKE));
    m.setEndSessionEndpointURI(endpoint(LOGOUT));
    m.setUserInfoEndpointURI(endpoint(USERINFO));
    // profile, email and phone: for the election's voter-file client only (RelyingParty.voterFile)
    m.setScopes(new Scope(OIDCScopeValue.OPENID, OIDCScopeValue.PROFILE, OIDCScopeValue.EMAIL, OIDCScopeValue.PHONE));
    m.setResponseTypes(List.of(ResponseType.CODE));
    m.setResponseModes(List.of(ResponseMode.QUERY));
    m.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE));
    m.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
    List<ClientAuthenticationMethod> methods = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
        ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT);
    m.setTokenEndpointAuthMethods(methods);
    m.setIntrospectionEndpointAuthMethods(methods);
    m.setRevocationEndpointAuthMethods(methods);
    List<JWSAlgorithm> clientAlgs = List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);
    m.setTokenEndpointJWSAlgs(clientAlgs);
    m.setIntrospectionEndpointJWSAlgs(clientAlgs);
    m.setRevocationEndpointJWSAlgs(clientAlgs);
    m.setIDTokenJWSAlgs(List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256));
    m.setACRs(List.of(new ACR(ACR_PREFIX + "sms"), new ACR(ACR_PREFIX + "voice"), new ACR(ACR_PREFIX + "email")));
    m.setClaims(List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid",
        "preferred_username", "family_name", "given_name", "birthdate", "email", "phone_number"));
    try {
      m.setUILocales(List.of(new com.nimbusds.langtag.LangTag("fr"), new com.nimbusds.langtag.LangTag("en")));
    } catch (com.nimbusds.langtag.LangTagException e) {
      throw new IllegalStateException(e);
    }
    m.setSupportsRequestParam(false);
    m.setSupportsRequestURIParam(false);
    m.setSupportsFrontChannelLogout(false);
    m.setSupportsBackChannelLogout(false);
    m.setSupportsAuthorizationResponseIssuerParam(true);
    return new JsonObject(m.toJSONObject().toJSONString());
  }

  /** The JWK set, read from Redis at each request (relying parties cache it a minute). */
  public Future<JsonObject> jwks() {
    return keys.publishedNow().map(set -> new JsonObject(set.toString(true)));
  }

  public SigningKeys keys() {
    return keys;
  }

  // ---------------------------------------------------------------- registration

  /** A relying party, when registered. */
  public Future<Optional<RelyingParty>> client(String clientId) {
    if (!RelyingParty.validId(clientId)) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.client(clientId).map(json -> json.map(j -> RelyingParty.fromJson(new JsonObject(j))));
  }

  /** What registering gave: the stored party, whether it is new, and its new secret when one was made. */
  public record Registered(RelyingParty party, boolean created, String secret) {}

  /**
   * Registers (or updates) a relying party of {@code electionId}. A {@code client_secret_basic} party gets a
   * secret when new or when {@code newSecret}: shown once, only its keyed hash is kept.
   * @throws IllegalArgumentException when the client id belongs to another election
   */
  public Future<Registered> register(RelyingParty asked, boolean newSecret, ClientInfo by) {
    return client(asked.clientId()).compose(existing -> {
      if (existing.isPresent() && !existing.get().electionId().equals(asked.electionId())) {
        return Future.failedFuture(new IllegalArgumentException("client id " + asked.clientId()
            + " is registered for another election"));
      }
      String secret = null;
      String secretHash = null;
      if (asked.usesSecret()) {
        boolean keep = existing.isPresent() && existing.get().secretHash() != null && !newSecret;
        if (keep) {
          secretHash = existing.get().secretHash();
        } else {
          secret = RandomTokens.base64Url(random.bytes(32));
          secretHash = hasher.hashText(HashPurpose.OIDC_CLIENT_SECRET, asked.clientId(), secret);
        }
      }
      RelyingParty party = new RelyingParty(asked.clientId(), asked.electionId(), asked.name(), asked.redirectUris(),
          asked.logoutUris(), asked.authMethod(), secretHash, asked.jwks(), asked.idTokenAlg(), asked.requirePkce(),
          asked.voterFile());
      String shown = secret;
      return store.putClient(party.clientId(), party.toJson().encode()).compose(created ->
          audit.record(party.electionId(), AuditEvent.of(clock.instant(), "oidc.client", by.actor(), by.ip(),
              created ? "created" : "updated", "client", party.clientId(), "authMethod",
              party.authMethod().getValue(), "redirectUris", party.redirectUris().size(),
              "newSecret", shown != null ? "yes" : null, "voterFile", party.voterFile() ? "yes" : null))
          .map(v -> new Registered(party, created, shown)));
    });
  }

  // ---------------------------------------------------------------- authorization endpoint

  /** What an authorization request leads to. */
  public sealed interface Authorization {
    /** The client or its redirect URI cannot be trusted: the browser is told on an error page, not redirected. */
    record ErrorPage(String error, String description) implements Authorization {}

    /** An error sent back to the client (RFC 6749 §4.1.2.1). */
    record ErrorRedirect(URI to) implements Authorization {}

    /** A login flow started: the pages take it from here. */
    record Login(LoginFlow flow) implements Authorization {}

    /** Too many flows started from this client IP: try again after {@code retryAfter}. */
    record TooMany(Duration retryAfter) implements Authorization {}
  }

  /**
   * Checks an authorization request (query or form parameters) and starts a login flow bound to the browser
   * {@code browserId} (the pages' cookie).
   */
  public Future<Authorization> authorize(Map<String, List<String>> params, String browserId, ClientInfo from) {
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (p.getValue().size() > 1) {
        // RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once"
        return refuseBeforeClient(params, OAuth2Error.INVALID_REQUEST.setDescription("repeated parameter: "
            + p.getKey()));
      }
    }
    AuthenticationRequest request;
    try {
      request = AuthenticationRequest.parse(endpoint(AUTHORIZE), params);
    } catch (ParseException e) {
      ErrorObject error = e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject();
      return refuseBeforeClient(params, error);
    }
    String clientId = request.getClientID().getValue();
    return client(clientId).compose(found -> {
      if (found.isEmpty()) {
        LOG.info("authorization refused: unknown client");
        return Future.succeededFuture(new Authorization.ErrorPage("unauthorized_client",
            "unknown client"));
      }
      RelyingParty client = found.get();
      if (request.getRedirectionURI() == null || !client.redirects(request.getRedirectionURI())) {
        return refusal(client, from, "redirect_uri_mismatch").map(v -> new Authorization.ErrorPage(
            "invalid_request", "the redirect_uri is not one registered for this client"));
      }
      ErrorObject error = check(request, client);
      if (error != null) {
        URI to = new AuthenticationErrorResponse(request.getRedirectionURI(), error, request.getState(), issuer,
            ResponseMode.QUERY).toURI();
        return refusal(client, from, error.getCode()).map(v -> new Authorization.ErrorRedirect(to));
      }
      // each flow is kept in Redis for its lifetime: a flood of authorizations from one address is refused
      // (the login routes' per-IP policy, in a bucket of its own), so it cannot fill Redis with flows
      return limiter.check(client.electionId(), List.of(new fr.sesame.ratelimit.Limit(flowsPerIp, "oidc-flow:"
          + fr.sesame.gateway.auth.LoginLimits.ipSubject(from.ip()))), 1, clock.instant()).compose(decision -> {
            if (!decision.allowed()) {
              return Future.succeededFuture(new Authorization.TooMany(decision.retryAfter()));
            }
            return startFlow(client, request, browserId, from);
          });
    });
  }

  private Future<Authorization> startFlow(RelyingParty client, AuthenticationRequest request, String browserId,
                                          ClientInfo from) {
    String flowId = RandomTokens.base64Url(random.bytes(24));
    LoginFlow flow = new LoginFlow(flowId, client, request.getRedirectionURI(),
        request.getState() == null ? null : request.getState().getValue(),
        request.getNonce() == null ? null : request.getNonce().getValue(),
        request.getCodeChallenge() == null ? null : request.getCodeChallenge().getValue(), request.getLoginHint(),
        request.getUILocales() == null ? "" : String.join(" ",
            request.getUILocales().stream().map(Object::toString).toList()),
        browserHash(browserId), Map.of(), client.voterFile() ? String.join(" ", request.getScope().stream()
            .map(Object::toString).filter(IDENTITY_SCOPES::contains).sorted().distinct().toList()) : "");
    return store.putFlow(flowId, flow.toFields(), config.flowTtl().toMillis())
        .compose(v -> audit.record(client.electionId(), AuditEvent.of(clock.instant(), "oidc.authorize",
            "client:" + client.clientId(), from.ip(), "login", "flow", flowHandle(flowId))))
        .map(v -> new Authorization.Login(flow));
  }

  /** The checks beyond parsing; null when the request may go on. */
  private static ErrorObject check(AuthenticationRequest request, RelyingParty client) {
    if (!request.getResponseType().equals(ResponseType.CODE)) {
      return OAuth2Error.UNSUPPORTED_RESPONSE_TYPE.setDescription("code flow only");
    }
    if (request.getResponseMode() != null && !request.getResponseMode().equals(ResponseMode.QUERY)) {
      return OAuth2Error.INVALID_REQUEST.setDescription("response_mode query only");
    }
    if (request.getRequestObject() != null) {
      return OAuth2Error.REQUEST_NOT_SUPPORTED;
    }
    if (request.getRequestURI() != null) {
      return OAuth2Error.REQUEST_URI_NOT_SUPPORTED;
    }
    // OpenID Connect Core §3.1.2.1: scope values not understood are ignored (a platform asking for "openid profile
    // email" gets the pairwise subject only); openid is required
    if (!request.getScope().contains(OIDCScopeValue.OPENID)) {
      return OAuth2Error.INVALID_SCOPE.setDescription("openid is required");
    }
    if (request.getCodeChallenge() == null && client.requirePkce()) {
      return OAuth2Error.INVALID_REQUEST.setDescription("PKCE is required: code_challenge with S256");
    }
    if (request.getCodeChallenge() != null && !CodeChallengeMethod.S256.equals(request.getCodeChallengeMethod())) {
      return OAuth2Error.INVALID_REQUEST.setDescription("code_challenge_method must be S256");
    }
    Prompt prompt = request.getPrompt();
    if (prompt != null && prompt.contains(Prompt.Type.NONE)) {
      // every authorization is a full login: there is no provider session to answer silently with
      return OIDCError.LOGIN_REQUIRED;
    }
    if (request.getLoginHint() != null && request.getLoginHint().length() > 128) {
      return OAuth2Error.INVALID_REQUEST.setDescription("login_hint too long");
    }
    return null;
  }

  /**
   * A request refused before its client was checked: redirected with the error when the client is known and the
   * redirect URI is one of its own (RFC 6749 §4.1.2.1), else an error page.
   */
  private Future<Authorization> refuseBeforeClient(Map<String, List<String>> params, ErrorObject error) {
    String clientId = first(params, "client_id");
    String redirect = first(params, "redirect_uri");
    if (clientId == null || redirect == null) {
      return Future.succeededFuture(new Authorization.ErrorPage(error.getCode(), error.getDescription()));
    }
    URI redirectUri;
    try {
      redirectUri = new URI(redirect);
    } catch (java.net.URISyntaxException e) {
      return Future.succeededFuture(new Authorization.ErrorPage(error.getCode(), "malformed redirect_uri"));
    }
    return client(clientId).map(found -> {
      if (found.isEmpty() || !found.get().redirects(redirectUri)) {
        return new Authorization.ErrorPage(error.getCode(), error.getDescription());
      }
      String state = first(params, "state");
      return new Authorization.ErrorRedirect(new AuthenticationErrorResponse(redirectUri, error,
          state == null ? null : new State(state), issuer, ResponseMode.QUERY).toURI());
    });
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private Future<Void> refusal(RelyingParty client, ClientInfo from, String reason) {
    return audit.record(client.electionId(), AuditEvent.of(clock.instant(), "oidc.authorize",
        "client:" + client.clientId(), from.ip(), "refused", "reason", reason));
  }

  // ---------------------------------------------------------------- the pages' side of a flow

  /** The flow, when it exists and belongs to this browser. */
  public Future<Optional<LoginFlow>> flow(String flowId, String browserId) {
    if (flowId == null || flowId.length() != 32 || browserId == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.flow(flowId).compose(fields -> {
      String clientId = fields.get("c");
      if (clientId == null || !KeyedHasher.equal(browserHash(browserId).getBytes(StandardCharsets.US_ASCII),
          fields.getOrDefault("b", "").getBytes(StandardCharsets.US_ASCII))) {
        return Future.succeededFuture(Optional.empty());
      }
      return client(clientId).map(c -> c.flatMap(client -> LoginFlow.of(flowId, fields, client)));
    });
  }

  /** Keeps the pages' fields in the flow (and gives it its full time again). */
  public Future<Void> remember(LoginFlow flow, Map<String, String> fields) {
    return store.updateFlow(flow.id(), LoginFlow.pageFields(fields), config.flowTtl().toMillis());
  }

  /**
   * The voter logged in (secret and code checked by {@code LoginService}; {@code sessionToken} is the session it
   * opened): issues the authorization code and ends the flow.
   * @return where to send the browser: the client's redirect URI with the code, {@code state} and {@code iss}
   */
  public Future<URI> complete(LoginFlow flow, String sessionToken, ChannelKind channel, ClientInfo from) {
    return sessions.introspect(sessionToken).compose(found -> {
      if (found.isEmpty() || !found.get().electionId().equals(flow.electionId())) {
        return Future.failedFuture(new IllegalStateException("the session just opened is not active"));
      }
      SessionService.Introspection s = found.get();
      Instant now = clock.instant();
      AuthorizationCode code = new AuthorizationCode(RandomTokens.base64Url(random.bytes(32)));
      String sid = RandomTokens.base64Url(random.bytes(24));
      JsonObject record = new JsonObject().put("c", flow.client().clientId()).put("e", flow.electionId())
          .put("r", flow.redirectUri().toString()).put("n", flow.nonce()).put("cc", flow.codeChallenge())
          .put("sub", subject(flow.client(), s.voterId())).put("ch", channel.wireName())
          .put("at", now.getEpochSecond()).put("sid", sid).put("v", s.voterId())
          .put("exp", now.plus(config.codeTtl()).toEpochMilli()).put("sc", flow.claimScopes());
      String codeHash = hasher.hashText(HashPurpose.OIDC_CODE, code.getValue());
      record.put("t", cipher.encrypt(sessionToken, "oidc-code:" + codeHash));
      return store.putCode(codeHash, record.encode(), config.codeTtl().toMillis())
          .compose(v -> store.putSession(sid, cipher.encrypt(sessionToken, "oidc-sid:" + sid), SID_TTL.toMillis()))
          .compose(v -> store.deleteFlow(flow.id()))
          .compose(v -> audit.record(flow.electionId(), AuditEvent.of(now, "oidc.code", "voter:" + s.voterId(),
              from.ip(), "issued", "client", flow.client().clientId(), "channel", channel.wireName(),
              "flow", flowHandle(flow.id()))))
          .map(v -> new AuthenticationSuccessResponse(flow.redirectUri(), code, null, null,
              flow.state() == null ? null : new State(flow.state()), null, issuer, ResponseMode.QUERY).toURI());
    });
  }

  /** The voter gave up: {@code access_denied} to the client, and the flow ends. */
  public Future<URI> cancel(LoginFlow flow, ClientInfo from) {
    URI to = new AuthenticationErrorResponse(flow.redirectUri(), OAuth2Error.ACCESS_DENIED,
        flow.state() == null ? null : new State(flow.state()), issuer, ResponseMode.QUERY).toURI();
    return store.deleteFlow(flow.id()).compose(v -> refusal(flow.client(), from, "access_denied")).map(to);
  }

  // ---------------------------------------------------------------- token endpoint

  /** The token endpoint (RFC 6749 §3.2, OpenID Connect Core §3.1.3). */
  public Future<HTTPResponse> token(HTTPRequest http, ClientInfo from) {
    TokenRequest request;
    try {
      request = TokenRequest.parse(http);
    } catch (ParseException e) {
      return Future.succeededFuture(error(e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST
          : e.getErrorObject()));
    }
    if (request.getClientAuthentication() == null) {
      return Future.succeededFuture(error(OAuth2Error.INVALID_CLIENT.setDescription(
          "client authentication required: client_secret_basic or private_key_jwt")));
    }
    return authenticate(request.getClientAuthentication(), "oidc.token", from).compose(client -> {
      if (client == null) {
        return Future.succeededFuture(error(OAuth2Error.INVALID_CLIENT));
      }
      if (!(request.getAuthorizationGrant() instanceof AuthorizationCodeGrant grant)) {
        return tokenRefused(client, from, OAuth2Error.UNSUPPORTED_GRANT_TYPE, "grant");
      }
      String codeHash = hasher.hashText(HashPurpose.OIDC_CODE, grant.getAuthorizationCode().getValue());
      return store.redeemCode(codeHash).compose(redeemed -> {
        if (redeemed.isEmpty()) {
          return tokenRefused(client, from, OAuth2Error.INVALID_GRANT.setDescription("unknown or expired code"),
              "code");
        }
        JsonObject code = new JsonObject(redeemed.get().record());
        if (!code.getString("c").equals(client.clientId())) {
          return tokenRefused(client, from, OAuth2Error.INVALID_GRANT.setDescription("code issued to another client"),
              "client");
        }
        String sessionToken = cipher.decrypt(code.getString("t"), "oidc-code:" + codeHash);
        if (redeemed.get().replay() && !redeemed.get().issued()) {
          // presented again after a first presentation that issued nothing (refused, or failed on the way):
          // refused, and the voter's session stays (a client's retry must not log the voter out)
          return tokenRefused(client, from, OAuth2Error.INVALID_GRANT.setDescription("code already presented"),
              "code-reused");
        }
        if (redeemed.get().replay()) {
          // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it
          return sessions.logout(sessionToken, from).compose(ended -> audit.record(client.electionId(),
              AuditEvent.of(clock.instant(), "oidc.token", "client:" + client.clientId(), from.ip(), "code-replay",
                  "revoked", ended ? "session" : null)))
              .map(v -> error(OAuth2Error.INVALID_GRANT.setDescription("code already used")));
        }
        if (code.getLong("exp") <= clock.millis()) {
          return tokenRefused(client, from, OAuth2Error.INVALID_GRANT.setDescription("expired code"), "expired");
        }
        if (grant.getRedirectionURI() == null || !grant.getRedirectionURI().toString().equals(code.getString("r"))) {
          return tokenRefused(client, from, OAuth2Error.INVALID_GRANT.setDescription("redirect_uri differs"),
              "redirect_uri");
        }
        CodeVerifier verifier = grant.getCodeVerifier();
        if (code.getString("cc") != null && (verifier == null || !KeyedHasher.equal(
            CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue().getBytes(StandardCharsets.US_ASCII),
            code.getString("cc").getBytes(StandardCharsets.US_ASCII)))) {
          return tokenRefused(client, from, OAuth2Error.INVALID_GRANT.setDescription("PKCE verification failed"),
              "pkce");
        }
        return sessions.introspect(sessionToken).compose(active -> {
          if (active.isEmpty()) {
            return tokenRefused(client, from, OAuth2Error.INVALID_GRANT.setDescription("the session has ended"),
                "session");
          }
          // the access token is opaque and random: the session token begins with the voter's Sesame pseudonym,
          // which would let every platform of the election link the voter across logins and clients
          String accessToken = ACCESS_PREFIX + RandomTokens.base64Url(random.bytes(32));
          String accessHash = accessHash(accessToken);
          String granted = client.voterFile() ? code.getString("sc", "") : "";
          JsonObject accessRecord = new JsonObject().put("c", client.clientId()).put("e", client.electionId())
              .put("t", cipher.encrypt(sessionToken, "oidc-access:" + accessHash)).put("sc", granted);
          return identityClaims(client.electionId(), code.getString("v"), granted)
              .compose(identity -> offLoop.run(() -> idToken(client, code, identity)))
              .compose(idToken -> store.putAccessToken(accessHash, accessRecord.encode(), SID_TTL.toMillis())
                  .compose(v -> store.markIssued(codeHash)).map(idToken))
              .compose(idToken -> {
                BearerAccessToken access = new BearerAccessToken(accessToken, sessionIdle.toSeconds(),
                    scope(granted));
                HTTPResponse ok = new OIDCTokenResponse(new OIDCTokens(idToken, access, null)).toHTTPResponse();
                return audit.record(client.electionId(), AuditEvent.of(clock.instant(), "oidc.token",
                    "client:" + client.clientId(), from.ip(), "issued", "voter", code.getString("v"),
                    "sid", code.getString("sid"), "identity", granted.isEmpty() ? null : granted)).map(ok);
              });
        });
      });
    });
  }

  private Future<HTTPResponse> tokenRefused(RelyingParty client, ClientInfo from, ErrorObject error, String reason) {
    return audit.record(client.electionId(), AuditEvent.of(clock.instant(), "oidc.token",
        "client:" + client.clientId(), from.ip(), "refused", "reason", reason)).map(error(error));
  }

  private static HTTPResponse error(ErrorObject error) {
    if (OAuth2Error.INVALID_CLIENT.getCode().equals(error.getCode())) {
      error = error.setHTTPStatusCode(401);
    }
    HTTPResponse response = new TokenErrorResponse(error).toHTTPResponse();
    if (response.getStatusCode() == 401) {
      response.setHeader("WWW-Authenticate", "Basic realm=\"sesame\"");
    }
    return response;
  }

  /** {@code openid} and the identity scopes granted. */
  private static Scope scope(String granted) {
    Scope scope = new Scope(OIDCScopeValue.OPENID);
    for (String s : granted.split(" ")) {
      if (!s.isEmpty()) {
        scope.add(s);
      }
    }
    return scope;
  }

  /**
   * The claims that name the voter, for the identity scopes {@code granted} (a voter-file client's; "" for any
   * other, then nothing is read): {@code profile} → {@code preferred_username} (the roll's identifier),
   * {@code family_name}, {@code given_name}, {@code birthdate}; {@code email} → {@code email}; {@code phone} →
   * {@code phone_number} (the roll's, else the one given at login), each as the roll holds it.
   */
  private Future<JsonObject> identityClaims(String electionId, String pseudonym, String granted) {
    if (granted.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    java.util.Set<String> scopes = java.util.Set.of(granted.split(" "));
    return voters.read(new fr.sesame.gateway.domain.VoterKey(electionId, pseudonym)).map(found -> {
      JsonObject claims = new JsonObject();
      if (found.isEmpty()) {
        return claims;
      }
      var v = found.get();
      if (scopes.contains("profile") && v.identityEnc() != null) {
        JsonObject id = new JsonObject(cipher.decrypt(v.identityEnc(), fr.sesame.gateway.crypto.CipherContext.voter(
            pseudonym, fr.sesame.gateway.crypto.CipherContext.VoterField.IDENTITY)));
        putIfPresent(claims, "preferred_username", id.getString("i"));
        putIfPresent(claims, "family_name", id.getString("l"));
        putIfPresent(claims, "given_name", id.getString("f"));
        putIfPresent(claims, "birthdate", id.getString("b"));
      }
      if (scopes.contains("email") && v.emailEnc() != null) {
        claims.put("email", cipher.decrypt(v.emailEnc(), fr.sesame.gateway.crypto.CipherContext.voter(pseudonym,
            fr.sesame.gateway.crypto.CipherContext.VoterField.EMAIL)));
      }
      if (scopes.contains("phone")) {
        if (v.phoneEnc() != null) {
          claims.put("phone_number", cipher.decrypt(v.phoneEnc(), fr.sesame.gateway.crypto.CipherContext.voter(
              pseudonym, fr.sesame.gateway.crypto.CipherContext.VoterField.PHONE)));
        } else if (v.loginPhoneEnc() != null) {
          claims.put("phone_number", cipher.decrypt(v.loginPhoneEnc(), fr.sesame.gateway.crypto.CipherContext.voter(
              pseudonym, fr.sesame.gateway.crypto.CipherContext.VoterField.LOGIN_PHONE)));
        }
      }
      return claims;
    });
  }

  private static void putIfPresent(JsonObject claims, String name, String value) {
    if (value != null && !value.isEmpty()) {
      claims.put(name, value);
    }
  }

  /** The signed ID token of a redeemed code, with {@code identity}'s claims (a voter-file client's; else none). */
  private String idToken(RelyingParty client, JsonObject code, JsonObject identity)
      throws JOSEException, ParseException {
    Instant now = clock.instant();
    IDTokenClaimsSet claims = new IDTokenClaimsSet(issuer, new Subject(code.getString("sub")),
        List.of(new Audience(client.clientId())), Date.from(now.plus(config.idTokenTtl())), Date.from(now));
    claims.setAuthenticationTime(Date.from(Instant.ofEpochSecond(code.getLong("at"))));
    if (code.getString("n") != null) {
      claims.setNonce(new com.nimbusds.openid.connect.sdk.Nonce(code.getString("n")));
    }
    String channel = code.getString("ch");
    claims.setACR(new ACR(ACR_PREFIX + channel));
    claims.setAMR(List.of(new AMR("kba"), new AMR(switch (channel) {
      case "sms" -> "sms";
      case "voice" -> "tel";
      default -> "otp";
    }), AMR.MFA));
    claims.setSessionID(new com.nimbusds.openid.connect.sdk.claims.SessionID(code.getString("sid")));
    identity.forEach(e -> claims.setClaim(e.getKey(), e.getValue()));
    JWK key = keys.signingKey(client.idTokenAlg());
    JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(client.idTokenAlg()).keyID(key.getKeyID()).build(),
        claims.toJWTClaimsSet());
    jwt.sign(signer);
    return jwt.serialize();
  }

  /** The pairwise subject of a voter for a client: the same for every login of the voter to that client. */
  String subject(RelyingParty client, String voterPseudonym) {
    return hasher.hashText(HashPurpose.OIDC_SUBJECT, client.clientId(), client.electionId(), voterPseudonym);
  }

  // ---------------------------------------------------------------- client authentication

  /**
   * @return the authenticated client, or null (unknown, wrong secret, bad assertion, method not registered); a
   *         registered client that fails is audited as {@code event} refused, {@code client-auth}
   */
  private Future<RelyingParty> authenticate(ClientAuthentication auth, String event, ClientInfo from) {
    return checkClient(auth).compose(client -> {
      if (client != null) {
        return Future.succeededFuture(client);
      }
      return client(auth.getClientID().getValue()).compose(known -> known.isEmpty()
          ? Future.<RelyingParty>succeededFuture(null)
          : audit.record(known.get().electionId(), AuditEvent.of(clock.instant(), event, "client:"
              + known.get().clientId(), from.ip(), "refused", "reason", "client-auth", "method",
              auth.getMethod().getValue())).map((RelyingParty) null));
    });
  }

  private Future<RelyingParty> checkClient(ClientAuthentication auth) {
    return client(auth.getClientID().getValue()).compose(found -> {
      if (found.isEmpty() || !found.get().authMethod().equals(auth.getMethod())) {
        return Future.succeededFuture(null);
      }
      RelyingParty client = found.get();
      if (auth instanceof com.nimbusds.oauth2.sdk.auth.PlainClientSecret plain) { // basic or post
        byte[] given = hasher.hash(HashPurpose.OIDC_CLIENT_SECRET, client.clientId(), plain.getClientSecret().getValue());
        byte[] stored = java.util.Base64.getUrlDecoder().decode(client.secretHash());
        return Future.succeededFuture(KeyedHasher.equal(given, stored) ? client : null);
      }
      if (auth instanceof PrivateKeyJWT jwt) {
        return offLoop.run(() -> verifyAssertion(client, jwt)).compose(ok -> {
          if (!ok) {
            return Future.succeededFuture(null);
          }
          JWTClaimsSet claims;
          try {
            claims = jwt.getClientAssertion().getJWTClaimsSet();
          } catch (java.text.ParseException e) {
            return Future.succeededFuture(null);
          }
          // an assertion names its own id and expires within 10 minutes: its id is kept that long, no longer
          if (claims.getJWTID() == null || claims.getExpirationTime() == null
              || claims.getExpirationTime().getTime() - clock.millis() > 600_000) {
            return Future.succeededFuture(null);
          }
          long ttl = Math.max(1_000, claims.getExpirationTime().getTime() - clock.millis() + 60_000);
          // an assertion is used once (RFC 7523 §3, item 7)
          return store.firstUse(hasher.hashText(HashPurpose.OIDC_JTI, client.clientId(), claims.getJWTID()), ttl)
              .map(first -> first ? client : null);
        });
      }
      return Future.succeededFuture(null);
    });
  }

  /** Nimbus's verifier: signature by one of the client's keys, iss = sub = client, aud this provider, not expired. */
  private boolean verifyAssertion(RelyingParty client, PrivateKeyJWT jwt) {
    ClientCredentialsSelector<Void> selector = new ClientCredentialsSelector<>() {
      @Override
      public List<com.nimbusds.oauth2.sdk.auth.Secret> selectClientSecrets(ClientID id, ClientAuthenticationMethod m,
                                                                           Context<Void> c) {
        return List.of();
      }

      @Override
      public List<? extends PublicKey> selectPublicKeys(ClientID id, ClientAuthenticationMethod m, JWSHeader header,
                                                        boolean forceRefresh, Context<Void> c) {
        List<PublicKey> out = new ArrayList<>();
        for (JWK k : new JWKSelector(JWKMatcher.forJWSHeader(header)).select(client.publicKeys())) {
          try {
            if (k instanceof ECKey ec) {
              out.add(ec.toECPublicKey());
            } else if (k instanceof RSAKey rsa) {
              out.add(rsa.toRSAPublicKey());
            }
          } catch (JOSEException e) {
            // an unusable key is no candidate
          }
        }
        return out;
      }
    };
    ClientAuthenticationVerifier<Void> verifier = new ClientAuthenticationVerifier<>(selector,
        Set.of(new Audience(endpoint(TOKEN)), new Audience(issuer), new Audience(endpoint(INTROSPECT)),
            new Audience(endpoint(REVOKE))), JWTAudienceCheck.LEGACY);
    try {
      verifier.verify(jwt, null, null);
      return true;
    } catch (InvalidClientException | JOSEException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- access tokens

  /** An access token resolved: the session it stands for, the client it was issued to. */
  /** @param claimScopes the identity scopes granted with the token (a voter-file client's), or "" */
  public record Access(String sessionToken, String clientId, String electionId, String claimScopes) {}

  private String accessHash(String accessToken) {
    return hasher.hashText(HashPurpose.OIDC_CODE, "access", accessToken);
  }

  /** The session an access token of this provider stands for; empty when it is not one (or expired). */
  public Future<Optional<Access>> access(String accessToken) {
    if (accessToken == null || !accessToken.startsWith(ACCESS_PREFIX) || accessToken.length() > 128) {
      return Future.succeededFuture(Optional.empty());
    }
    String hash = accessHash(accessToken);
    return store.accessToken(hash).map(found -> found.map(json -> {
      JsonObject r = new JsonObject(json);
      return new Access(cipher.decrypt(r.getString("t"), "oidc-access:" + hash), r.getString("c"),
          r.getString("e"), r.getString("sc", ""));
    }));
  }

  /**
   * What the platform routes ({@code /v1/introspect}, émargement, logout) act on for a token they are given:
   * the session of an access token of this provider, the token itself otherwise (a session token of the API).
   */
  public Future<String> sessionTokenOf(String token) {
    if (token == null || !token.startsWith(ACCESS_PREFIX)) {
      return Future.succeededFuture(token);
    }
    return access(token).map(a -> a.map(Access::sessionToken).orElse(""));
  }

  /**
   * OpenID Connect UserInfo: the pairwise subject, and nothing else (no name, email or phone), but for the
   * election's voter-file client, which gets the claims of the identity scopes it was granted.
   */
  public Future<Optional<JsonObject>> userInfo(String accessToken) {
    return access(accessToken).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<JsonObject>empty());
      }
      Access a = found.get();
      return sessions.introspect(a.sessionToken()).compose(s -> {
        if (s.isEmpty() || !s.get().electionId().equals(a.electionId())) {
          return Future.succeededFuture(Optional.<JsonObject>empty());
        }
        return client(a.clientId()).compose(c -> {
          if (c.isEmpty()) {
            return Future.succeededFuture(Optional.<JsonObject>empty());
          }
          String granted = c.get().voterFile() ? a.claimScopes() : "";
          return identityClaims(a.electionId(), s.get().voterId(), granted).map(identity -> Optional.of(
              new JsonObject().put("sub", subject(c.get(), s.get().voterId())).mergeIn(identity)));
        });
      });
    });
  }

  // ---------------------------------------------------------------- introspection, revocation, logout

  /** A request parsed by the SDK. */
  @FunctionalInterface
  private interface Parser<T> {
    T parse(HTTPRequest http) throws ParseException;
  }

  /**
   * Parses a client-authenticated request (introspection, revocation), authenticates its client (audited as
   * {@code event} when a registered one fails), then answers with {@code then}; RFC 6749 §5.2 errors otherwise.
   */
  private <T> Future<HTTPResponse> withClient(HTTPRequest http, Parser<T> parser,
                                              java.util.function.Function<T, ClientAuthentication> authOf,
                                              String event, ClientInfo from,
                                              java.util.function.BiFunction<T, RelyingParty, Future<HTTPResponse>> then) {
    T request;
    try {
      request = parser.parse(http);
    } catch (ParseException e) {
      return Future.succeededFuture(error(e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST
          : e.getErrorObject()));
    }
    ClientAuthentication auth = authOf.apply(request);
    if (auth == null) {
      return Future.succeededFuture(error(OAuth2Error.INVALID_CLIENT));
    }
    return authenticate(auth, event, from).compose(client -> client == null
        ? Future.succeededFuture(error(OAuth2Error.INVALID_CLIENT)) : then.apply(request, client));
  }

  /** RFC 7662 introspection: the client's own tokens only; the subject is pairwise for it. */
  public Future<HTTPResponse> introspect(HTTPRequest http, ClientInfo from) {
    HTTPResponse inactive = new TokenIntrospectionSuccessResponse.Builder(false).build().toHTTPResponse();
    return withClient(http, TokenIntrospectionRequest::parse, TokenIntrospectionRequest::getClientAuthentication,
        "oidc.introspect", from, (request, client) -> access(request.getToken().getValue()).compose(a -> {
          if (a.isEmpty() || !a.get().clientId().equals(client.clientId())) {
            return Future.succeededFuture(inactive);
          }
          return sessions.introspect(a.get().sessionToken()).map(found -> {
            if (found.isEmpty() || !found.get().electionId().equals(client.electionId())) {
              return inactive;
            }
            SessionService.Introspection s = found.get();
            return new TokenIntrospectionSuccessResponse.Builder(true)
                .scope(scope(client.voterFile() ? a.get().claimScopes() : ""))
                .tokenType(AccessTokenType.BEARER).issuer(issuer).subject(new Subject(subject(client, s.voterId())))
                .expirationTime(new Date(s.exp() * 1000)).build().toHTTPResponse();
          });
        }));
  }

  /** RFC 7009 revocation: ends the session of a token issued to this client; 200 whatever the token. */
  public Future<HTTPResponse> revoke(HTTPRequest http, ClientInfo from) {
    return withClient(http, TokenRevocationRequest::parse, TokenRevocationRequest::getClientAuthentication,
        "oidc.revoke", from, (request, client) -> {
      String token = request.getToken().getValue();
      return access(token).compose(found -> {
        // RFC 7009 §2.1: only a token issued to this client; any other answers 200 and is left as it is
        if (found.isEmpty() || !found.get().clientId().equals(client.clientId())) {
          return Future.succeededFuture(new HTTPResponse(200));
        }
        return store.deleteAccessToken(accessHash(token))
            .compose(v -> sessions.logout(found.get().sessionToken(), new ClientInfo(from.ip(),
                "client:" + client.clientId())))
            .compose(ended -> audit.record(client.electionId(), AuditEvent.of(clock.instant(), "oidc.revoke",
                "client:" + client.clientId(), from.ip(), ended ? "ended" : "no-session")))
            .map(v -> new HTTPResponse(200));
      });
    });
  }

  /** Where RP-initiated logout leads: back to the client, or to the provider's "logged out" page. */
  public sealed interface Logout {
    record Redirect(URI to) implements Logout {}

    record Page(boolean ended) implements Logout {}

    record Refused(String description) implements Logout {}
  }

  /** RP-initiated logout 1.0: {@code id_token_hint} names the session; ends it, then goes where the client asked. */
  public Future<Logout> logout(Map<String, List<String>> params, ClientInfo from) {
    LogoutRequest request;
    try {
      request = LogoutRequest.parse(endpoint(LOGOUT), params);
    } catch (ParseException e) {
      return Future.succeededFuture(new Logout.Refused("malformed logout request"));
    }
    if (request.getIDTokenHint() == null) {
      return Future.succeededFuture(request.getPostLogoutRedirectionURI() != null
          ? new Logout.Refused("post_logout_redirect_uri needs id_token_hint") : new Logout.Page(false));
    }
    return offLoop.run(() -> verifiedHint(request)).compose(claims -> {
      if (claims == null) {
        return Future.succeededFuture(new Logout.Refused("the id_token_hint is not one of this provider's"));
      }
      String clientId = claims.getAudience().isEmpty() ? "" : claims.getAudience().get(0);
      return client(clientId).compose(found -> {
        if (found.isEmpty()) {
          return Future.succeededFuture(new Logout.Refused("unknown client"));
        }
        RelyingParty client = found.get();
        URI back = request.getPostLogoutRedirectionURI();
        if (back != null && !client.returnsAfterLogout(back)) {
          return Future.succeededFuture(new Logout.Refused("post_logout_redirect_uri not registered"));
        }
        Object sid = claims.getClaim("sid");
        Future<Boolean> ended = sid == null ? Future.succeededFuture(false) : store.session(sid.toString())
            .compose(enc -> enc.isEmpty() ? Future.succeededFuture(false)
                : sessions.logout(cipher.decrypt(enc.get(), "oidc-sid:" + sid), new ClientInfo(from.ip(),
                    "client:" + client.clientId())));
        return ended.compose(e -> audit.record(client.electionId(), AuditEvent.of(clock.instant(), "oidc.logout",
            "client:" + client.clientId(), from.ip(), e ? "ended" : "no-session")).map(e)).map(e -> {
              if (back == null) {
                return new Logout.Page(e);
              }
              String state = request.getState() == null ? "" : "state=" + java.net.URLEncoder.encode(
                  request.getState().getValue(), StandardCharsets.UTF_8);
              String sep = back.getRawQuery() == null ? "?" : "&";
              return state.isEmpty() ? new Logout.Redirect(back) : new Logout.Redirect(URI.create(back + sep + state));
            });
      });
    });
  }

  /** The hint's claims when this provider signed it (expired or not: it is only a hint), else null. */
  private JWTClaimsSet verifiedHint(LogoutRequest request) {
    if (!(request.getIDTokenHint() instanceof SignedJWT jwt)) {
      return null;
    }
    try {
      String kid = jwt.getHeader().getKeyID();
      JWK key = kid == null ? null : keys.publicSet().getKeyByKeyId(kid);
      // the header's algorithm must be the key's own (ES256 for the EC key, RS256 for the RSA one): anything
      // else is a forgery attempt, refused before any crypto runs
      if (key == null || key.getAlgorithm() == null || !key.getAlgorithm().equals(jwt.getHeader().getAlgorithm())) {
        return null;
      }
      JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) key);
      if (!jwt.verify(verifier)) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      return issuer.getValue().equals(claims.getIssuer()) ? claims : null;
    } catch (JOSEException | java.text.ParseException | RuntimeException e) {
      return null; // not a hint of this provider's
    }
  }

  // ---------------------------------------------------------------- helpers

  private String browserHash(String browserId) {
    return hasher.hashText(HashPurpose.OIDC_BROWSER, browserId);
  }

  /** A flow's id as the audit trail names it: not the id itself (which, with the cookie, continues it). */
  private String flowHandle(String flowId) {
    return hasher.hashText(HashPurpose.OIDC_BROWSER, "flow", flowId).substring(0, 16);
  }

  /** The CSRF token of a form in flow {@code flowId} shown to browser {@code browserId}. */
  public String csrf(String browserId, String flowId) {
    return hasher.hashText(HashPurpose.CSRF, browserId, flowId);
  }

  /** Whether a submitted CSRF token is this browser's for this flow (constant time). */
  public boolean csrfMatches(String browserId, String flowId, String given) {
    return given != null && KeyedHasher.equal(csrf(browserId, flowId).getBytes(StandardCharsets.US_ASCII),
        given.getBytes(StandardCharsets.US_ASCII));
  }

  public OidcConfig config() {
    return config;
  }
}
