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
    StringBuilder sb = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      sb.append((char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }

  public static String base64Url(byte[] bytes) {
    return B64.encodeToString(bytes);
  }
}
