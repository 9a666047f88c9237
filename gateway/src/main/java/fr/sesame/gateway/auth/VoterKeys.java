package fr.sesame.gateway.auth;

import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Makes pseudonyms, challenge ids and session tokens. Challenge ids and tokens start with the voter's
 * 16-byte pseudonym so that the gateway finds the voter's keys (one Redis Cluster slot) without a lookup;
 * the rest is CSPRNG output: 128 bits for a challenge id, 256 bits for a session token.
 */
public final class VoterKeys {
  private static final int PSEUDONYM_BYTES = 16;
  private static final int CHALLENGE_RANDOM_BYTES = 16;
  private static final int TOKEN_RANDOM_BYTES = 32;
  private final KeyedHasher hasher;
  private final RandomTokens random;

  public VoterKeys(KeyedHasher hasher, RandomTokens random) {
    this.hasher = hasher;
    this.random = random;
  }

  public VoterKey of(String electionId, String identifier) {
    byte[] h = hasher.hash(HashPurpose.VOTER, electionId, identifier);
    return new VoterKey(electionId, RandomTokens.base64Url(Arrays.copyOf(h, PSEUDONYM_BYTES)));
  }

  public String newChallengeId(VoterKey voter) {
    return withPseudonym(voter, CHALLENGE_RANDOM_BYTES);
  }

  public String newSessionToken(VoterKey voter) {
    return withPseudonym(voter, TOKEN_RANDOM_BYTES);
  }

  /** @return the voter a challenge id points to, empty when it is not one of ours in shape */
  public Optional<VoterKey> fromChallengeId(String electionId, String challengeId) {
    return parse(electionId, challengeId, CHALLENGE_RANDOM_BYTES);
  }

  /** @return the voter a token points to (its election is read from the session), empty when malformed */
  public Optional<VoterKey> fromSessionToken(String token) {
    return parse("", token, TOKEN_RANDOM_BYTES);
  }

  /** The keyed hash a session is stored under: the token itself is never stored. */
  public String sessionKeyHash(String token) {
    return hasher.hashText(HashPurpose.SESSION, token);
  }

  private String withPseudonym(VoterKey voter, int randomBytes) {
    byte[] p = Base64.getUrlDecoder().decode(voter.pseudonym());
    byte[] out = Arrays.copyOf(p, PSEUDONYM_BYTES + randomBytes);
    System.arraycopy(random.bytes(randomBytes), 0, out, PSEUDONYM_BYTES, randomBytes);
    return RandomTokens.base64Url(out);
  }

  private static Optional<VoterKey> parse(String electionId, String value, int randomBytes) {
    int expectedChars = (int) Math.ceil((PSEUDONYM_BYTES + randomBytes) * 4 / 3.0);
    if (value == null || value.length() != expectedChars) {
      return Optional.empty();
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (raw.length != PSEUDONYM_BYTES + randomBytes) {
      return Optional.empty();
    }
    return Optional.of(new VoterKey(electionId, RandomTokens.base64Url(Arrays.copyOf(raw, PSEUDONYM_BYTES))));
  }
}
