package fr.sesame.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContactsTest {
  @Test
  void parsesPhonesWithLibphonenumber() {
    assertThat(Contacts.phone("06 12 34 56 78", "FR")).contains("+33612345678");
    assertThat(Contacts.phone("+33 6 12 34 56 78", null)).contains("+33612345678");
    assertThat(Contacts.phone("0612345678", null)).as("E.164 demanded").isEmpty();
    assertThat(Contacts.phone("06 12", "FR")).isEmpty();
    assertThat(Contacts.phone("+262 692 12 34 56", null)).as("La Réunion").contains("+262692123456");
    assertThat(Contacts.phone("hello", "FR")).isEmpty();
  }

  @Test
  void aPostalAddressShowsItsTownOnly() {
    assertThat(Contacts.maskPostalAddress("Mme Chloé Bernard\n12 rue de la Paix\n75002 Paris")).isEqualTo("Paris");
    assertThat(Contacts.maskPostalAddress("M. X\n3 place Carnot\n69002 Lyon Cedex 02")).isEqualTo("Lyon Cedex 02");
    assertThat(fr.sesame.gateway.roll.RollLineParser.postalAddress(" M. X |3 place Carnot|  69002 Lyon "))
        .contains("M. X\n3 place Carnot\n69002 Lyon");
    assertThat(fr.sesame.gateway.roll.RollLineParser.postalAddress("M. X\n69002 Lyon")).isEmpty();
  }

  @Test
  void masksPhonesAsTheApiShowsThem() {
    assertThat(Contacts.maskPhone("+33612345678")).isEqualTo("+33 6** ** ** 78");
    assertThat(Contacts.maskPhone("+262692123456")).isEqualTo("+262 6** ** ** 56");
    assertThat(Contacts.maskPhone("+447911123456")).startsWith("+44 7").endsWith("56").doesNotContain("911123");
  }

  @Test
  void validatesAndMasksEmails() {
    assertThat(Contacts.email(" jeanne.martin@univ-exemple.fr ")).contains("jeanne.martin@univ-exemple.fr");
    assertThat(Contacts.email("no-at-sign")).isEmpty();
    assertThat(Contacts.email("a@localhost")).as("needs a dot in the domain").isEmpty();
    assertThat(Contacts.email("a b@x.fr")).isEmpty();
    assertThat(Contacts.maskEmail("jeanne.martin@univ-exemple.fr")).isEqualTo("j***@u***.fr");
  }

  /**
   * The E.164 numbers built without the parser ({@link Contacts#e164Fast}) are the parser's own, for every calling
   * code: random national numbers of every length, and the parser never refuses one the fast path took.
   */
  @Test
  void numbersReadWithoutTheParserAreTheParsersOwn() throws Exception {
    var phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
    java.util.Random random = new java.util.Random(20261130);
    int fast = 0;
    for (int cc : phones.getSupportedCallingCodes()) {
      int tries = phones.getRegionCodesForCountryCode(cc).stream()
          .anyMatch(fr.sesame.ratelimit.fraud.PhoneRules.FRANCE_WITH_OVERSEAS::contains) ? 5_000 : 50;
      for (int k = 0; k < tries; k++) {
        StringBuilder s = new StringBuilder("+").append(cc);
        int length = 1 + random.nextInt(15 - s.length() + 1);
        for (int i = 0; i < length; i++) {
          s.append((char) ('0' + (i == 0 && k % 4 != 0 ? 1 + random.nextInt(9) : random.nextInt(10))));
        }
        var quick = Contacts.e164Fast(s.toString());
        if (quick != null) {
          fast++;
          assertThat(quick).as(s.toString()).isEqualTo(phones.parse(s.toString(), "ZZ"));
          assertThat(Contacts.phone(s.toString(), null)).as(s.toString())
              .isEqualTo(phones.isValidNumber(quick) ? java.util.Optional.of(s.toString()) : java.util.Optional.empty());
        }
      }
    }
    assertThat(fast).as("numbers read without the parser").isGreaterThan(20_000);
    assertThat(Contacts.e164Fast("+33612345678")).as("a French mobile").isNotNull();
    assertThat(Contacts.e164Fast("+330612345678")).as("a national prefix left in: the parser strips it").isNull();
    assertThat(Contacts.e164Fast("+33 6 12 34 56 78")).as("spaces: the parser reads them").isNull();
  }
}
