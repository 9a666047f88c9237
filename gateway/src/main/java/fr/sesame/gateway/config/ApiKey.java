package fr.sesame.gateway.config;

import java.util.Locale;
import java.util.Objects;

/**
 * A service client's API key, as the gateway keeps it: a keyed hash, never the key itself.
 *
 * @param role    what the key may do
 * @param name    how the audit trail names the caller: the role and the first hex digits of the hash
 * @param keyHash HMAC-SHA-256 of the key under the gateway's hashing key
 */
public record ApiKey(Role role, String name, byte[] keyHash) {
  /** What a service client may do. */
  public enum Role {
    ADMIN, SUPPORT, PLATFORM;

    public static Role parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown API key role '" + value + "' (admin, support or platform)");
      }
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ApiKey {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyHash, "keyHash");
  }
}
