package fr.sesame.ratelimit.fraud;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which numbers may receive a code: a real subscriber line in one of the election's countries, never a
 * premium, shared-cost, toll-free or other special-rate number (the pumping and toll-fraud targets).
 * Numbers are classified by libphonenumber. SMS needs a mobile; a voice call also reaches fixed lines and
 * the VoIP lines of household boxes (French 09 numbers).
 */
public final class PhoneRules {
  /** Metropolitan France and its overseas departments and territories. */
  public static final Set<String> FRANCE_WITH_OVERSEAS =
      Set.of("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC");

  /** What a number may be used for. */
  public enum Use {
    SMS(EnumSet.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)),
    VOICE(EnumSet.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.FIXED_LINE,
        PhoneNumberType.VOIP)),
    /** A voter's number on the roll: it may later serve either. */
    ANY(EnumSet.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.FIXED_LINE,
        PhoneNumberType.VOIP));

    private final Set<PhoneNumberType> types;

    Use(Set<PhoneNumberType> types) {
      this.types = types;
    }
  }

  /** The verdict; {@link #OK} or why not. */
  public enum Verdict {
    OK(null),
    INVALID("not a valid phone number"),
    COUNTRY_NOT_ALLOWED("phone numbers of this country are not allowed for this election"),
    SPECIAL_RATE("premium, shared-cost, toll-free and other special numbers are refused"),
    WRONG_KIND("this kind of line cannot receive it (SMS needs a mobile)");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final Set<PhoneNumberType> SPECIAL = EnumSet.of(PhoneNumberType.PREMIUM_RATE,
      PhoneNumberType.SHARED_COST, PhoneNumberType.TOLL_FREE, PhoneNumberType.UAN, PhoneNumberType.PERSONAL_NUMBER,
      PhoneNumberType.PAGER, PhoneNumberType.VOICEMAIL);

  private PhoneRules() {}

  /** @param e164 a number in E.164 form */
  public static Verdict check(String e164, Set<String> allowedRegions, Use use) {
    PhoneNumber n;
    try {
      n = PHONES.parse(e164, "ZZ");
    } catch (NumberParseException e) {
      return Verdict.INVALID;
    }
    return checkParsed(n, allowedRegions, use);
  }

  /**
   * As {@link #check(String, Set, Use)}, for a number already parsed (a roll's phone is parsed once): its validity
   * and its type come from one walk of its region's patterns ({@code isValidNumber} is {@code getNumberType} being
   * known, and each walks them).
   */
  public static Verdict checkParsed(PhoneNumber n, Set<String> allowedRegions, Use use) {
    PhoneNumberType type = PHONES.getNumberType(n);
    if (type == PhoneNumberType.UNKNOWN) {
      return Verdict.INVALID;
    }
    if (SPECIAL.contains(type)) {
      return Verdict.SPECIAL_RATE;
    }
    if (!allowedRegions.contains(PHONES.getRegionCodeForNumber(n))) {
      return Verdict.COUNTRY_NOT_ALLOWED;
    }
    return use.types.contains(type) ? Verdict.OK : Verdict.WRONG_KIND;
  }

  /**
   * Where a number sits, for the per-prefix and per-country limits: its region code (e.g. {@code FR}) and
   * its prefix, the country code and the first {@code prefixDigits} digits of the national number (e.g.
   * {@code +3361234} for 5 digits: a block of 10,000 numbers, the size pumping attacks walk through).
   * @param e164 a valid number in E.164 form
   */
  public static Place place(String e164, int prefixDigits) {
    String[] split = split(e164);
    if (split != null) {
      List<String> regions = PHONES.getRegionCodesForCountryCode(Integer.parseInt(split[0]));
      if (regions.size() == 1) { // no need to parse (it showed in load-test profiles): one region per code
        return new Place(regions.get(0),
            "+" + split[0] + split[1].substring(0, Math.min(prefixDigits, split[1].length())));
      }
    }
    PhoneNumber n;
    try {
      n = PHONES.parse(e164, "ZZ");
    } catch (NumberParseException e) {
      throw new IllegalArgumentException("not a phone number", e);
    }
    String national = PHONES.getNationalSignificantNumber(n);
    String region = PHONES.getRegionCodeForNumber(n);
    return new Place(region == null ? "ZZ" : region,
        "+" + n.getCountryCode() + national.substring(0, Math.min(prefixDigits, national.length())));
  }

  private static final Set<Integer> CALLING_CODES = Set.copyOf(PHONES.getSupportedCallingCodes());

  /**
   * An E.164 number cut into its country calling code and national significant number, without parsing
   * it (calling codes are prefix-free); null when it does not start with a known code.
   */
  public static String[] split(String e164) {
    if (e164 == null || e164.length() < 4 || e164.charAt(0) != '+') {
      return null;
    }
    for (int len = 1; len <= 3 && 1 + len < e164.length(); len++) {
      String cc = e164.substring(1, 1 + len);
      if (cc.chars().allMatch(Character::isDigit) && CALLING_CODES.contains(Integer.parseInt(cc))) {
        return new String[] {cc, e164.substring(1 + len)};
      }
    }
    return null;
  }

  /** A number's region code and prefix (no personal data: a prefix covers thousands of lines). */
  public record Place(String region, String prefix) {}

  /** @return true for a region code libphonenumber knows (e.g. {@code FR}, {@code RE}) */
  public static boolean knownRegion(String region) {
    return PHONES.getSupportedRegions().contains(region);
  }
}
