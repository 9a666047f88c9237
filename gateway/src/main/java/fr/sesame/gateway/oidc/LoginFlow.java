package fr.sesame.gateway.oidc;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A login under way through the hosted pages: the authorization request it answers, and what the pages have
 * kept of the voter's progress ({@link #step}). Kept in Redis: any gateway instance serves any step.
 *
 * @param id           random, in the pages' URLs
 * @param client       the relying party that asked
 * @param redirectUri  where the code (or an error) goes
 * @param state        the client's {@code state}, echoed; null when none
 * @param nonce        the client's {@code nonce}, put in the ID token; null when none
 * @param codeChallenge PKCE S256 challenge
 * @param loginHint    prefills the identifier; null when none
 * @param locales      {@code ui_locales}, space-separated; "" when none
 * @param browserHash  keyed hash of the browser's cookie: only that browser continues the flow
 * @param step         the pages' own fields (challenge id, channel, masked destination ...)
 * @param claimScopes  the identity scopes granted (a voter-file client's {@code profile email phone}, those it
 *                     asked), space-separated; "" for every other client
 */
public record LoginFlow(String id, RelyingParty client, URI redirectUri, String state, String nonce,
                        String codeChallenge, String loginHint, String locales, String browserHash,
                        Map<String, String> step, String claimScopes) {
  public LoginFlow {
    step = Map.copyOf(step);
    claimScopes = claimScopes == null ? "" : claimScopes;
  }

  public String electionId() {
    return client.electionId();
  }

  /** A page field kept in the flow. */
  public Optional<String> get(String field) {
    return Optional.ofNullable(step.get("p." + field));
  }

  /** This flow with page fields {@code fields} set, as {@code OidcProvider.remember} stores them. */
  public LoginFlow with(Map<String, String> fields) {
    Map<String, String> all = new HashMap<>(step);
    all.putAll(pageFields(fields));
    return new LoginFlow(id, client, redirectUri, state, nonce, codeChallenge, loginHint, locales, browserHash, all,
        claimScopes);
  }

  /** The fields to store for page fields {@code fields} (prefixed so that they never clash with the request's). */
  static Map<String, String> pageFields(Map<String, String> fields) {
    Map<String, String> out = new HashMap<>();
    fields.forEach((k, v) -> out.put("p." + k, v));
    return out;
  }

  /** The stored fields of a new flow. */
  Map<String, String> toFields() {
    Map<String, String> f = new HashMap<>(step);
    f.put("c", client.clientId());
    f.put("r", redirectUri.toString());
    if (codeChallenge != null) {
      f.put("cc", codeChallenge);
    }
    f.put("b", browserHash);
    f.put("l", locales);
    if (state != null) {
      f.put("s", state);
    }
    if (nonce != null) {
      f.put("n", nonce);
    }
    if (loginHint != null) {
      f.put("h", loginHint);
    }
    if (!claimScopes.isEmpty()) {
      f.put("sc", claimScopes);
    }
    return f;
  }

  /** Reads a stored flow; empty when a field the request set is missing (expired, then partly rewritten). */
  static Optional<LoginFlow> of(String id, Map<String, String> f, RelyingParty client) {
    for (String required : List.of("c", "r", "b", "l")) {
      if (!f.containsKey(required)) {
        return Optional.empty();
      }
    }
    Map<String, String> step = new HashMap<>();
    f.forEach((k, v) -> {
      if (k.startsWith("p.")) {
        step.put(k, v);
      }
    });
    return Optional.of(new LoginFlow(id, client, URI.create(f.get("r")), f.get("s"), f.get("n"), f.get("cc"),
        f.get("h"), f.get("l"), f.get("b"), step, f.get("sc")));
  }
}
