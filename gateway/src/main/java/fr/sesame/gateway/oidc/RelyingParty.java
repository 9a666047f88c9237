package fr.sesame.gateway.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import fr.sesame.gateway.domain.Election;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A relying party (a voting platform) registered for one election.
 *
 * @param clientId        its {@code client_id}: 1 to 64 of {@code A-Z a-z 0-9 _ -}
 * @param electionId      the election it logs voters into; a voter of another election is never logged into it
 * @param name            shown to voters on the login pages
 * @param redirectUris    where codes go: compared exactly, character for character
 * @param logoutUris      where RP-initiated logout may send the browser back
 * @param authMethod      {@code client_secret_basic} or {@code private_key_jwt}
 * @param secretHash      the keyed hash of its secret ({@code client_secret_basic}); null otherwise
 * @param jwks            its public keys, a JWK set's JSON ({@code private_key_jwt}); null otherwise
 * @param idTokenAlg      {@code ES256} (default) or {@code RS256}
 * @param requirePkce     true (default): an authorization request without a PKCE S256 challenge is refused;
 *                        false only for a platform that sends none (Belenios), registered so on purpose
 * @param voterFile       true only for the election's voter-file system (the roll's keeper, never the ballot
 *                        box): it alone may receive, for the scopes it asks ({@code profile}, {@code email},
 *                        {@code phone}), the voter's identifier, names, birth date, email and phone from the roll;
 *                        every other client gets the pairwise subject and nothing that names the voter
 */
public record RelyingParty(String clientId, String electionId, String name, List<URI> redirectUris,
                           List<URI> logoutUris, ClientAuthenticationMethod authMethod, String secretHash,
                           String jwks, JWSAlgorithm idTokenAlg, boolean requirePkce, boolean voterFile) {
  public static final Set<ClientAuthenticationMethod> METHODS = Set.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
      ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT);

  /** Whether this client authenticates with a shared secret (basic or post). */
  public boolean usesSecret() {
    return authMethod.equals(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
        || authMethod.equals(ClientAuthenticationMethod.CLIENT_SECRET_POST);
  }
  public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

  public RelyingParty {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(electionId, "electionId");
    Objects.requireNonNull(name, "name");
    redirectUris = List.copyOf(redirectUris);
    logoutUris = List.copyOf(logoutUris);
    Objects.requireNonNull(authMethod, "authMethod");
    Objects.requireNonNull(idTokenAlg, "idTokenAlg");
  }

  /** Whether a redirect URI is one of the registered ones, exactly (RFC 6749 §3.1.2.3, OIDC Core §3.1.2.1). */
  public boolean redirects(URI uri) {
    return uri != null && redirectUris.stream().anyMatch(r -> r.toString().equals(uri.toString()));
  }

  public boolean returnsAfterLogout(URI uri) {
    return uri != null && logoutUris.stream().anyMatch(r -> r.toString().equals(uri.toString()));
  }

  public JWKSet publicKeys() {
    try {
      return jwks == null ? new JWKSet() : JWKSet.parse(jwks);
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("stored JWK set unreadable", e);
    }
  }

  public JsonObject toJson() {
    JsonArray redirects = new JsonArray();
    redirectUris.forEach(u -> redirects.add(u.toString()));
    JsonArray logouts = new JsonArray();
    logoutUris.forEach(u -> logouts.add(u.toString()));
    return new JsonObject().put("clientId", clientId).put("electionId", electionId).put("name", name)
        .put("redirectUris", redirects).put("postLogoutRedirectUris", logouts).put("authMethod", authMethod.getValue())
        .put("secretHash", secretHash).put("jwks", jwks).put("idTokenSignedResponseAlg", idTokenAlg.getName()).put("requirePkce", requirePkce)
        .put("voterFile", voterFile);
  }

  /** What an administrator may read back: no secret hash. */
  public JsonObject describe() {
    JsonObject json = toJson();
    json.remove("secretHash");
    if (jwks != null) {
      json.put("jwks", new JsonObject(jwks));
    }
    return json;
  }

  /** Reads what {@link #toJson} wrote (stored data: trusted). */
  public static RelyingParty fromJson(JsonObject json) {
    return new RelyingParty(json.getString("clientId"), json.getString("electionId"), json.getString("name"),
        json.getJsonArray("redirectUris").stream().map(o -> URI.create((String) o)).toList(),
        json.getJsonArray("postLogoutRedirectUris").stream().map(o -> URI.create((String) o)).toList(),
        ClientAuthenticationMethod.parse(json.getString("authMethod")), json.getString("secretHash"),
        json.getString("jwks"), JWSAlgorithm.parse(json.getString("idTokenSignedResponseAlg")),
        json.getBoolean("requirePkce", true), json.getBoolean("voterFile", false));
  }

  /**
   * Checks a redirect or logout URI given at registration: absolute, https (http only to localhost, for
   * development), no fragment (RFC 6749 §3.1.2), no user info.
   * @return why it is refused, or null
   */
  public static String refusal(String uri) {
    return fr.sesame.gateway.domain.WebAddress.refusal(uri);
  }

  /** Whether {@code id} may be a client id. */
  public static boolean validId(String id) {
    return id != null && Election.ID.matcher(id).matches();
  }
}
