package fr.sesame.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 under the gateway's hashing key, which lives in configuration and never in Redis.
 * Every hash takes a {@link HashPurpose}, so that one value hashed for two purposes gives two unrelated
 * hashes. Thread-safe.
 */
public final class KeyedHasher {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final ThreadLocal<Mac> macs;

  public KeyedHasher(byte[] key) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("the hashing key must be at least 32 bytes");
    }
    SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(spec);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    });
  }

  /** @return the 32-byte HMAC of {@code purpose}'s label, a separator and each part (length-prefixed, so parts cannot shift) */
  public byte[] hash(HashPurpose purpose, String... parts) {
    Mac mac = macs.get();
    update(mac, purpose.label());
    for (String part : parts) {
      update(mac, part);
    }
    return mac.doFinal();
  }

  /** @return the hash as unpadded base64url (43 characters) */
  public String hashText(HashPurpose purpose, String... parts) {
    return B64.encodeToString(hash(purpose, parts));
  }

  /** Compares two hashes in time that does not depend on where they differ. */
  public static boolean equal(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  private static void update(Mac mac, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    mac.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    mac.update(bytes);
  }
}
