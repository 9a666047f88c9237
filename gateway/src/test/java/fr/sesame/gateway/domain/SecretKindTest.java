package fr.sesame.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretKindTest {
  @Test
  void canonicalFormIgnoresSpacesCaseAndFrenchDates() {
    assertThat(SecretKind.canonical(" fr76 1 ")).isEqualTo("FR761");
    assertThat(SecretKind.canonical("15/06/1990")).isEqualTo("1990-06-15");
    assertThat(SecretKind.canonical("1990-06-15")).isEqualTo("1990-06-15");
  }

  @Test
  void validatesEachKindsShape() {
    assertThat(SecretKind.SSN_LAST4.validate("1234")).contains("1234");
    assertThat(SecretKind.SSN_LAST4.validate("12345")).isEmpty();
    assertThat(SecretKind.SSN_LAST4.validate("12a4")).isEmpty();
    assertThat(SecretKind.IBAN_LAST5.validate("0a 12 3")).contains("0A123");
    assertThat(SecretKind.IBAN_LAST5.validate("0123")).isEmpty();
    assertThat(SecretKind.SISCOL.validate("21901234")).contains("21901234");
    assertThat(SecretKind.SISCOL.validate("12")).isEmpty();
    assertThat(SecretKind.BIRTH_DATE.validate("31/12/1999")).contains("1999-12-31");
    assertThat(SecretKind.BIRTH_DATE.validate("1999-02-30")).isEmpty();
    assertThat(SecretKind.BIRTH_DATE.validate("")).isEmpty();
  }
}
