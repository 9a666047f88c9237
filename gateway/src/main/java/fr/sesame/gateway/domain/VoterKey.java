package fr.sesame.gateway.domain;

import java.util.Objects;

/**
 * A voter of one election, known by pseudonym: the first 128 bits of a keyed hash of the election and the
 * identifier, base64url. The same identifier in two elections gives two unrelated pseudonyms. The
 * pseudonym is also the stable {@code voterId} the voting platform sees. Where the voter is stored is the
 * store's business; what binds its encrypted fields is {@code crypto.CipherContext}'s.
 */
public record VoterKey(String electionId, String pseudonym) {
  public VoterKey {
    Objects.requireNonNull(electionId, "electionId");
    Objects.requireNonNull(pseudonym, "pseudonym");
  }
}
