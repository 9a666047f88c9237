package fr.sesame.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The gateway's evidence key: an Ed25519 key pair (the JDK's own EdDSA) that signs the audit checkpoints and the
 * evidence bundles (and, later, the seals). Its private key comes from {@code SESAME_EVIDENCE_KEY} (PKCS#8, base64);
 * its public key is published ({@code GET /v1/admin/evidence/key} and inside every bundle) under a key id, the
 * SHA-256 fingerprint (hex) of its X.509 encoding, which an expert compares with the one they were given.
 */
public final class EvidenceKey {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String kid;

  private EvidenceKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.kid = fingerprint(publicKey);
  }

  /** A fresh key (tests, tools). */
  public static EvidenceKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new EvidenceKey(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The key whose private part is this PKCS#8 encoding (base64). The JDK cannot derive an EdDSA public key from its
   * private one directly, so the private key's seed is given to the key-pair generator as its randomness: it then
   * makes this very private key, and its public key.
   * @throws IllegalArgumentException when it is not an Ed25519 private key in PKCS#8, base64
   */
  public static EvidenceKey fromPkcs8(String base64) {
    try {
      byte[] der = Base64.getDecoder().decode(base64.strip());
      PrivateKey given = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
      byte[] seed = ((EdECPrivateKey) given).getBytes().orElseThrow(() -> new InvalidKeyException("no seed"));
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
        @Override
        public void nextBytes(byte[] bytes) {
          System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
      });
      KeyPair pair = generator.generateKeyPair();
      return new EvidenceKey(given, pair.getPublic());
    } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("must be an Ed25519 private key, PKCS#8, base64 (openssl genpkey "
          + "-algorithm ed25519 -outform DER | base64 -w0)");
    }
  }

  /** The private key as PKCS#8, base64 (what {@code SESAME_EVIDENCE_KEY} holds). */
  public String pkcs8() {
    return Base64.getEncoder().encodeToString(privateKey.getEncoded());
  }

  /** The key id: SHA-256 (hex) of the public key's X.509 encoding. */
  public String kid() {
    return kid;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** The public key's X.509 (SubjectPublicKeyInfo) encoding, base64. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  /** The public key as PEM. */
  public String publicKeyPem() {
    return "-----BEGIN PUBLIC KEY-----\n" + publicKeyBase64() + "\n-----END PUBLIC KEY-----\n";
  }

  /** Signs the UTF-8 bytes of {@code text}: the signature, base64. */
  public String sign(String text) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code signature} (base64) is {@code key}'s signature of the UTF-8 bytes of {@code text}. */
  public static boolean verify(PublicKey key, String text, String signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(text.getBytes(StandardCharsets.UTF_8));
      return s.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  /**
   * An Ed25519 public key from its X.509 encoding in base64, or PEM.
   * @throws IllegalArgumentException when it is not one
   */
  public static PublicKey publicKey(String text) {
    try {
      String b64 = text.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
          .replaceAll("\\s", "");
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an Ed25519 public key (X.509, base64 or PEM)");
    }
  }

  /** SHA-256 (hex, lower case) of the key's X.509 encoding. */
  public static String fingerprint(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fingerprint as given by a person: lower case, without colons or spaces. */
  public static String normalizeFingerprint(String given) {
    return given.replace(":", "").replaceAll("\\s", "").toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "EvidenceKey[" + kid + "]"; // never the private key
  }
}
