package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;

/**
 * What the OpenID Connect provider keeps: relying parties, login flows under way, authorization codes, the
 * signing keys, the assertion ids already used, and the provider's session ids. Every instance reads the same
 * data, so any gateway serves any step of a flow.
 */
public interface OidcStore {
  /** Stores a relying party's registration (JSON); @return true when it was new */
  Future<Boolean> putClient(String clientId, String json);

  /** @return the relying party's registration (JSON), empty when unknown */
  Future<Optional<String>> client(String clientId);

  /** Starts a login flow: its fields, kept {@code ttlMs}. */
  Future<Void> putFlow(String flowId, Map<String, String> fields, long ttlMs);

  /** @return the flow's fields, empty when unknown or expired */
  Future<Map<String, String>> flow(String flowId);

  /** Sets some of a flow's fields, and keeps it {@code ttlMs} from now. */
  Future<Void> updateFlow(String flowId, Map<String, String> fields, long ttlMs);

  /** Ends a flow (its code was issued, or it was abandoned). */
  Future<Void> deleteFlow(String flowId);

  /** Stores an authorization code's record under the code's hash, for {@code ttlMs}. */
  Future<Void> putCode(String codeHash, String record, long ttlMs);

  /** A code presented at the token endpoint: its record and how many times it has now been presented (1 first). */
  record Redemption(String record, long uses, boolean issued) {
    public boolean replay() {
      return uses > 1;
    }
  }

  /** Counts one presentation of a code; @return its record, empty when unknown or expired */
  Future<Optional<Redemption>> redeemCode(String codeHash);

  /** @return true the first time {@code jtiHash} is seen within {@code ttlMs}, false for a replay */
  Future<Boolean> firstUse(String jtiHash, long ttlMs);

  /** @return every signing key: key id to its record (JSON) */
  Future<Map<String, String>> signingKeys();

  /** Adds a signing key unless its id exists; @return true when added */
  Future<Boolean> addSigningKey(String kid, String json);

  /** Replaces a signing key's record (to retire it). */
  Future<Void> putSigningKey(String kid, String json);

  /** Keeps an access token's record (the session it stands for, encrypted; its client) under its hash. */
  Future<Void> putAccessToken(String tokenHash, String record, long ttlMs);

  /** @return an access token's record, empty when unknown or expired */
  Future<Optional<String>> accessToken(String tokenHash);

  /** Forgets an access token (revoked). */
  Future<Void> deleteAccessToken(String tokenHash);

  /** Notes that a code's tokens were issued: a later presentation of it is a replay to punish. */
  Future<Void> markIssued(String codeHash);

  /** Keeps the provider's session id {@code sid} to the (encrypted) session it names, for {@code ttlMs}. */
  Future<Void> putSession(String sid, String value, long ttlMs);

  /** @return what {@link #putSession} kept, empty when expired */
  Future<Optional<String>> session(String sid);
}
