package fr.sesame.gateway.auth;

import fr.sesame.gateway.store.redis.RedisKeys;
import java.util.Objects;

/**
 * A voter of one election, known by pseudonym: the first 128 bits of a keyed hash of the election and the
 * identifier, base64url. The same identifier in two elections gives two unrelated pseudonyms. The
 * pseudonym is also the stable {@code voterId} the voting platform sees.
 */
public record VoterKey(String electionId, String pseudonym) {
  public VoterKey {
    Objects.requireNonNull(electionId, "electionId");
    Objects.requireNonNull(pseudonym, "pseudonym");
  }

  public String redisKey() {
    return RedisKeys.voter(pseudonym);
  }

  /** Associated data binding an encrypted field to this voter and field name. */
  public String aad(String field) {
    return redisKey() + "|" + field;
  }
}
