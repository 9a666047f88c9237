package fr.sesame.gateway.staff;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Staff passwords, hashed with Argon2id (Bouncy Castle's {@link Argon2BytesGenerator}) and kept in the PHC string
 * format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), so that its parameters can be raised later without
 * losing the hashes made before. The defaults are OWASP's (19 MiB, 2 passes, 1 lane): about 50 ms of one core a
 * hash, which staff logins (few) afford; it runs off the event loop. Blocking: call from a worker thread.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private final int memoryKb;
  private final int iterations;
  private final int parallelism;
  private final SecureRandom random = new SecureRandom();

  public PasswordHasher() {
    this(19_456, 2, 1);
  }

  PasswordHasher(int memoryKb, int iterations, int parallelism) {
    this.memoryKb = memoryKb;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** A new salted hash of {@code password}, PHC-formatted. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = argon2(password, salt, memoryKb, iterations, parallelism, HASH_BYTES);
    return "$argon2id$v=19$m=" + memoryKb + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(hash);
  }

  /** Whether {@code password} matches {@code phc} (compared in constant time); false for a malformed hash. */
  public boolean verify(String password, String phc) {
    if (phc == null || password == null) {
      return false;
    }
    String[] parts = phc.split("\\$");
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
      return false;
    }
    try {
      int m = 0;
      int t = 0;
      int p = 0;
      for (String kv : parts[3].split(",")) {
        String[] pair = kv.split("=", 2);
        int v = Integer.parseInt(pair[1]);
        switch (pair[0]) {
          case "m" -> m = v;
          case "t" -> t = v;
          case "p" -> p = v;
          default -> {
            return false;
          }
        }
      }
      if (m < 8 || m > 1_048_576 || t < 1 || t > 16 || p < 1 || p > 16) {
        return false;
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      return MessageDigest.isEqual(expected, argon2(password, salt, m, t, p, expected.length));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
  }

  /** The work a hash costs, done for an unknown email too, so that timing tells nothing. */
  public void burn(String password) {
    argon2(password == null ? "" : password, new byte[SALT_BYTES], memoryKb, iterations, parallelism, HASH_BYTES);
  }

  private static byte[] argon2(String password, byte[] salt, int m, int t, int p, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(m).withIterations(t).withParallelism(p)
        .withSalt(salt).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
