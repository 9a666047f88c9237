package fr.sesame.gateway.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random values from a CSPRNG: the JDK's NIST SP 800-90A DRBG, seeded from the operating system and
 * reseeded by it, without a read of the kernel's random device on every call (the default NativePRNG
 * does one, which showed in the load-test profile). Thread-safe.
 */
public final class RandomTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final SecureRandom random = drbg();

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG", java.security.DrbgParameters.instantiation(256,
          java.security.DrbgParameters.Capability.RESEED_ONLY, "sesame".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  public byte[] bytes(int n) {
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

  /** @return a uniformly drawn code of {@code digits} decimal digits, leading zeros kept */
  public String digits(int digits) {
    // one draw of bytes for the whole code (not one per digit); a byte of 250 or more is skipped, so that each of
    // the 250 kept values, and therefore each digit (value mod 10), is equally likely
    char[] out = new char[digits];
    byte[] pool = new byte[digits + 8];
    random.nextBytes(pool);
    int p = 0;
    for (int i = 0; i < digits; ) {
      if (p == pool.length) {
        random.nextBytes(pool);
        p = 0;
      }
      int b = pool[p++] & 0xFF;
      if (b < 250) {
        out[i++] = (char) ('0' + b % 10);
      }
    }
    return new String(out);
  }

  public static String base64Url(byte[] bytes) {
    return B64.encodeToString(bytes);
  }
}
