package fr.sesame.ratelimit;

import java.util.Objects;

/**
 * A policy applied to one subject: an IP, a hashed identifier, an election, a phone prefix...
 *
 * @param policy the limit
 * @param key    the subject; never an identifier or a phone number in clear (hash it first)
 */
public record Limit(LimitPolicy policy, String key) {
  public Limit {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(key, "key");
  }
}
