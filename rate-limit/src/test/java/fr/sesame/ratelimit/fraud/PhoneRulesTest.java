package fr.sesame.ratelimit.fraud;

import static fr.sesame.ratelimit.fraud.PhoneRules.FRANCE_WITH_OVERSEAS;
import static fr.sesame.ratelimit.fraud.PhoneRules.Use.ANY;
import static fr.sesame.ratelimit.fraud.PhoneRules.Use.SMS;
import static fr.sesame.ratelimit.fraud.PhoneRules.Use.VOICE;
import static fr.sesame.ratelimit.fraud.PhoneRules.Verdict.COUNTRY_NOT_ALLOWED;
import static fr.sesame.ratelimit.fraud.PhoneRules.Verdict.INVALID;
import static fr.sesame.ratelimit.fraud.PhoneRules.Verdict.OK;
import static fr.sesame.ratelimit.fraud.PhoneRules.Verdict.SPECIAL_RATE;
import static fr.sesame.ratelimit.fraud.PhoneRules.Verdict.WRONG_KIND;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PhoneRulesTest {
  @Test
  void frenchMobilesIncludingOverseasReceiveCodes() {
    assertThat(PhoneRules.check("+33612345678", FRANCE_WITH_OVERSEAS, SMS)).isEqualTo(OK);
    assertThat(PhoneRules.check("+262692123456", FRANCE_WITH_OVERSEAS, SMS)).as("La Réunion").isEqualTo(OK);
    assertThat(PhoneRules.check("+590690123456", FRANCE_WITH_OVERSEAS, VOICE)).as("Guadeloupe").isEqualTo(OK);
  }

  @Test
  void specialRateNumbersAreRefusedWhateverTheUse() {
    for (String n : new String[] {"+33899123456", "+33810123456", "+33800123456"}) {
      assertThat(PhoneRules.check(n, FRANCE_WITH_OVERSEAS, VOICE)).as(n).isEqualTo(SPECIAL_RATE);
      assertThat(PhoneRules.check(n, FRANCE_WITH_OVERSEAS, ANY)).as(n).isEqualTo(SPECIAL_RATE);
    }
  }

  @Test
  void otherCountriesOnlyWhenTheElectionAllowsThem() {
    assertThat(PhoneRules.check("+32470123456", FRANCE_WITH_OVERSEAS, SMS)).isEqualTo(COUNTRY_NOT_ALLOWED);
    assertThat(PhoneRules.check("+32470123456", Set.of("FR", "BE"), SMS)).isEqualTo(OK);
  }

  @Test
  void smsNeedsAMobileWhileACallReachesFixedAndBoxLines() {
    assertThat(PhoneRules.check("+33144556677", FRANCE_WITH_OVERSEAS, SMS)).isEqualTo(WRONG_KIND);
    assertThat(PhoneRules.check("+33144556677", FRANCE_WITH_OVERSEAS, VOICE)).isEqualTo(OK);
    assertThat(PhoneRules.check("+33912345678", FRANCE_WITH_OVERSEAS, SMS)).isEqualTo(WRONG_KIND);
    assertThat(PhoneRules.check("+33912345678", FRANCE_WITH_OVERSEAS, VOICE)).isEqualTo(OK);
    assertThat(PhoneRules.check("nope", FRANCE_WITH_OVERSEAS, SMS)).isEqualTo(INVALID);
  }

  @Test
  void placeGivesRegionAndPrefixBlock() {
    assertThat(PhoneRules.place("+33612345678", 5)).isEqualTo(new PhoneRules.Place("FR", "+3361234"));
    assertThat(PhoneRules.place("+262692123456", 5)).isEqualTo(new PhoneRules.Place("RE", "+26269212"));
    assertThat(PhoneRules.place("+33612345678", 20).prefix()).as("never more than the number")
        .isEqualTo("+33612345678");
  }

  @Test
  void splittingWithoutParsingAgreesWithLibphonenumber() throws Exception {
    var phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
    for (String region : new String[] {"FR", "RE", "GP", "BE", "DE", "IT", "GB", "US", "CA", "CH", "MA", "SN"}) {
      for (var type : new com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType[] {
          com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.MOBILE,
          com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.FIXED_LINE}) {
        var example = phones.getExampleNumberForType(region, type);
        if (example == null) {
          continue;
        }
        String e164 = phones.format(example, com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.E164);
        String[] split = PhoneRules.split(e164);
        assertThat(split).as(e164).isNotNull();
        assertThat(split[0]).as(e164).isEqualTo(Integer.toString(example.getCountryCode()));
        assertThat(split[1]).as(e164).isEqualTo(phones.getNationalSignificantNumber(example));
        var parsed = phones.parse(e164, "ZZ");
        assertThat(PhoneRules.place(e164, 5)).as(e164).isEqualTo(new PhoneRules.Place(
            phones.getRegionCodeForNumber(parsed), "+" + parsed.getCountryCode()
                + phones.getNationalSignificantNumber(parsed).substring(0, 5)));
      }
    }
    assertThat(PhoneRules.split("0612345678")).isNull();
    assertThat(PhoneRules.split("+")).isNull();
    assertThat(PhoneRules.split("+999123456")).as("no such calling code").isNull();
  }
}
