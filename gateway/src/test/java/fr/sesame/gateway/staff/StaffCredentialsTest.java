package fr.sesame.gateway.staff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The staff's credentials: Argon2id hashes, RFC 6238 codes, the password rule. No Redis, no HTTP. */
class StaffCredentialsTest {
  @Test
  void argon2idHashesVerifyTheirPasswordOnlyAndCarryTheirParameters() {
    PasswordHasher hasher = new PasswordHasher();
    String phc = hasher.hash("Bureau-de-vote-2026");
    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hasher.verify("Bureau-de-vote-2026", phc)).isTrue();
    assertThat(hasher.verify("Bureau-de-vote-2027", phc)).isFalse();
    assertThat(hasher.hash("Bureau-de-vote-2026")).as("salted").isNotEqualTo(phc);
    // a hash made with other parameters still verifies (they are read from it)
    String light = new PasswordHasher(1024, 1, 1).hash("x");
    assertThat(hasher.verify("x", light)).isTrue();
    for (String bad : new String[] {null, "", "$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1,t=1,p=1$AA$AA",
        "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=8,t=1,p=1$!!$!!", phc.substring(0, phc.length() - 2)}) {
      assertThat(hasher.verify("x", bad)).as(String.valueOf(bad)).isFalse();
    }
  }

  /** RFC 6238 appendix B, SHA-1, truncated to 6 digits (the last 6 of the RFC's 8). */
  @Test
  void totpMatchesTheRfcVectorsAndAcceptsOneStepEitherSideOnly() {
    byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    Totp totp = new Totp();
    assertThat(totp.code(secret, Instant.ofEpochSecond(59))).isEqualTo("287082");
    assertThat(totp.code(secret, Instant.ofEpochSecond(1111111109))).isEqualTo("081804");
    assertThat(totp.code(secret, Instant.ofEpochSecond(2000000000))).isEqualTo("279037");
    Instant now = Instant.ofEpochSecond(1111111109);
    long step = now.getEpochSecond() / 30;
    assertThat(totp.verify(secret, "081804", now)).hasValue(step);
    assertThat(totp.verify(secret, "081804", now.plusSeconds(30))).hasValue(step);
    assertThat(totp.verify(secret, "081804", now.minusSeconds(30))).hasValue(step);
    assertThat(totp.verify(secret, "081804", now.plusSeconds(61))).isEmpty();
    assertThat(totp.verify(secret, "08180", now)).isEmpty();
    assertThat(totp.verify(secret, "abcdef", now)).isEmpty();
    assertThat(Totp.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assertThat(Totp.fromBase32("gezd gnbv gy3t qojq GEZDGNBVGY3TQOJQ"))
        .isEqualTo("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Totp.fromBase32("GEZ1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Totp.uri(secret, "a@b.fr")).isEqualTo("otpauth://totp/Sesame%3Aa%40b.fr?secret="
        + "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Sesame&algorithm=SHA1&digits=6&period=30");
  }

  @Test
  void thePublicServiceRuleAndTheCommonPasswords() {
    assertThat(PasswordPolicy.commonCount()).isGreaterThan(20_000);
    assertThat(PasswordPolicy.check("Bureau-de-vote-2026", "agent@univ.fr")).isEmpty();
    assertThat(PasswordPolicy.check("Ab1defg", null)).hasValue(PasswordPolicy.Refusal.TOO_SHORT);
    assertThat(PasswordPolicy.check("abcdefg1", null)).hasValue(PasswordPolicy.Refusal.NO_UPPER);
    assertThat(PasswordPolicy.check("ABCDEFG1", null)).hasValue(PasswordPolicy.Refusal.NO_LOWER);
    assertThat(PasswordPolicy.check("Abcdefgh", null)).hasValue(PasswordPolicy.Refusal.NO_DIGIT);
    assertThat(PasswordPolicy.check("A1" + "b".repeat(127), null)).hasValue(PasswordPolicy.Refusal.TOO_LONG);
    for (String common : new String[] {"Password1", "Passw0rd", "Azerty123", "Motdepasse1", "Qwerty123"}) {
      assertThat(PasswordPolicy.check(common, null)).as(common).hasValue(PasswordPolicy.Refusal.COMMON);
    }
    assertThat(PasswordPolicy.check("Jean.Dupont9", "jean.dupont@univ.fr"))
        .hasValue(PasswordPolicy.Refusal.CONTAINS_EMAIL);
  }
}
