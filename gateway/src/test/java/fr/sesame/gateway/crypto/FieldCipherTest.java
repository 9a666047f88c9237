package fr.sesame.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FieldCipherTest {
  private final FieldCipher cipher = new FieldCipher(new byte[32]);

  @Test
  void roundTripsWithFreshNonces() {
    String a = cipher.encrypt("+33612345678", "gw:{v:x}|p");
    String b = cipher.encrypt("+33612345678", "gw:{v:x}|p");
    assertThat(a).isNotEqualTo(b).doesNotContain("612345678");
    assertThat(cipher.decrypt(a, "gw:{v:x}|p")).isEqualTo("+33612345678");
  }

  @Test
  void aValueMovedToAnotherVoterOrAlteredDoesNotDecrypt() {
    String a = cipher.encrypt("alice@x.fr", "gw:{v:x}|e");
    assertThatThrownBy(() -> cipher.decrypt(a, "gw:{v:y}|e")).isInstanceOf(IllegalStateException.class);
    String altered = (a.charAt(20) == 'A' ? 'B' : 'A') + "";
    assertThatThrownBy(() -> cipher.decrypt(a.substring(0, 20) + altered + a.substring(21), "gw:{v:x}|e"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(new FieldCipher(new byte[32]).decrypt(a, "gw:{v:x}|e")).isEqualTo("alice@x.fr");
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    assertThatThrownBy(() -> new FieldCipher(otherKey).decrypt(a, "gw:{v:x}|e")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keyedHashesDependOnKeyPurposeAndPartBoundaries() {
    KeyedHasher h = new KeyedHasher(new byte[32]);
    assertThat(h.hashText(HashPurpose.SECRET, "ab", "c")).isNotEqualTo(h.hashText(HashPurpose.SECRET, "a", "bc"));
    assertThat(h.hashText(HashPurpose.SECRET, "a")).isNotEqualTo(h.hashText(HashPurpose.OTP, "a"));
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(new KeyedHasher(other).hashText(HashPurpose.SECRET, "a")).isNotEqualTo(h.hashText(HashPurpose.SECRET, "a"));
  }
}
