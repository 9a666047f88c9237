package fr.sesame.gateway.staff;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords (30 s steps, 6 digits, HMAC-SHA1: what authenticator apps take from an
 * {@code otpauth://} URI), computed by {@code java-otp}. A code of the step before or after is accepted too (a
 * phone's clock a little off); the caller refuses a step already used, so a code works once.
 */
public final class Totp {
  public static final Duration STEP = Duration.ofSeconds(30);
  public static final int DIGITS = 6;
  private static final String ALGORITHM = "HmacSHA1";
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final TimeBasedOneTimePasswordGenerator generator = new TimeBasedOneTimePasswordGenerator(STEP, DIGITS,
      ALGORITHM);

  /** A new secret: 20 random bytes (RFC 4226's recommended length). */
  public static byte[] newSecret() {
    byte[] secret = new byte[20];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The code of {@code at}'s step. */
  public String code(byte[] secret, Instant at) {
    try {
      return generator.generateOneTimePasswordString(new SecretKeySpec(secret, ALGORITHM), at, Locale.ROOT);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The step {@code code} belongs to, within one step of {@code now}; empty when it matches none. Every candidate
   * is compared (constant time), whichever matched.
   */
  public OptionalLong verify(byte[] secret, String code, Instant now) {
    if (code == null || code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalLong.empty();
    }
    long step = now.getEpochSecond() / STEP.getSeconds();
    long found = -1;
    for (long s = step - 1; s <= step + 1; s++) {
      String expected = code(secret, Instant.ofEpochSecond(s * STEP.getSeconds()));
      if (java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          code.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
        found = s;
      }
    }
    return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
  }

  /** RFC 4648 base32, no padding: how authenticator apps take a secret typed in by hand. */
  public static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = buffer << 8 | b & 0xff;
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32.charAt(buffer >> bits - 5 & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32.charAt(buffer << 5 - bits & 31));
    }
    return out.toString();
  }

  /**
   * The bytes of a base32 key as an authenticator app reads it typed in (spaces and case ignored); what
   * {@link #base32} wrote. @throws IllegalArgumentException for a character outside the alphabet
   */
  public static byte[] fromBase32(String key) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : key.replace(" ", "").toUpperCase(Locale.ROOT).toCharArray()) {
      int value = BASE32.indexOf(c);
      if (value < 0) {
        throw new IllegalArgumentException("not a base32 key");
      }
      buffer = buffer << 5 | value;
      bits += 5;
      if (bits >= 8) {
        out.write(buffer >> bits - 8 & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  /** The {@code otpauth://} URI an authenticator app reads (typed or scanned), for {@code account} at Sesame. */
  public static String uri(byte[] secret, String account) {
    String label = java.net.URLEncoder.encode("Sesame:" + account, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
    return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=Sesame&algorithm=SHA1&digits=" + DIGITS
        + "&period=" + STEP.getSeconds();
  }
}
