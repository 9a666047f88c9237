package fr.sesame.gateway.domain;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Phone numbers (libphonenumber) and email addresses: validation, canonical form, masking for display.
 */
public final class Contacts {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  /** The WHATWG HTML "valid email address" rule, plus a dot in the domain. */
  private static final Pattern EMAIL = Pattern.compile(
      "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
          + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+");

  private Contacts() {}

  /**
   * @param raw           a number as written in a roll or a request
   * @param defaultRegion region for numbers written without a country code (e.g. "FR"), or null to demand E.164
   * @return the number in E.164 when libphonenumber finds it valid
   */
  public static Optional<String> phone(String raw, String defaultRegion) {
    return phoneNumber(raw, defaultRegion).map(Contacts::e164);
  }

  /**
   * As {@link #phone(String, String)}, the number as libphonenumber parsed it (for checks that would parse it again).
   * @return the number when libphonenumber finds it valid
   */
  public static Optional<PhoneNumber> phoneNumber(String raw, String defaultRegion) {
    return parsedPhone(raw, defaultRegion).filter(PHONES::isValidNumber);
  }

  /**
   * A number parsed as {@link #phone(String, String)} parses it, not checked for validity yet (a caller that asks
   * the number's type learns its validity with it: libphonenumber's validity is its type being known). A number
   * written in E.164 is built without libphonenumber's parser when that gives the same number ({@link #e164Fast}).
   * @return the number, empty when it cannot be parsed
   */
  public static Optional<PhoneNumber> parsedPhone(String raw, String defaultRegion) {
    if (raw == null || raw.isBlank() || raw.length() > 32) {
      return Optional.empty();
    }
    String s = raw.strip();
    if (defaultRegion == null && !s.startsWith("+")) {
      return Optional.empty();
    }
    PhoneNumber fast = e164Fast(s);
    if (fast != null) {
      return Optional.of(fast);
    }
    try {
      return Optional.of(PHONES.parse(s, defaultRegion == null ? "ZZ" : defaultRegion));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }

  /**
   * A number written in strict E.164 ({@code +} then 7 to 15 digits), cut into its calling code and national
   * number without libphonenumber's parser (regular expressions for extensions, punctuation, national prefixes:
   * the most of a roll line's parsing): only where the parser gives the same number, which {@code ContactsTest}
   * checks against it for every calling code — a national number not starting with {@code 0} (no leading zeros
   * to keep, no national prefix to strip) of France or its overseas departments and territories.
   * @return the number, or null when the parser must read it
   */
  static PhoneNumber e164Fast(String s) {
    int n = s.length();
    if (n < 8 || n > 16 || s.charAt(0) != '+') {
      return null;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    String[] split = fr.sesame.ratelimit.fraud.PhoneRules.split(s);
    if (split == null || split[1].length() < 2 || split[1].charAt(0) == '0'
        || !PLAIN_NATIONAL_PREFIX.contains(Integer.parseInt(split[0]))) {
      return null;
    }
    return new PhoneNumber().setCountryCode(Integer.parseInt(split[0])).setNationalNumber(Long.parseLong(split[1]));
  }

  /**
   * The calling codes of France and its overseas departments and territories (where a roll's phones are): their
   * national prefix is {@code 0}, so a national number that does not start with {@code 0} has nothing the parser
   * would strip ({@code ContactsTest} holds the fast path to the parser's result on random numbers of each).
   */
  private static final java.util.Set<Integer> PLAIN_NATIONAL_PREFIX = fr.sesame.ratelimit.fraud.PhoneRules
      .FRANCE_WITH_OVERSEAS.stream().map(PHONES::getCountryCodeForRegion)
      .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** A valid number in E.164 ({@code +33612345678}). */
  public static String e164(PhoneNumber n) {
    return PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
  }

  /**
   * A phone number typed by a person, in E.164 ({@code +33612345678}) or in the national format of one of the
   * election's countries ({@code 06 12 34 56 78}, {@code 0690 12 34 56} for Guadeloupe): France first, then the
   * others in order; the first country where the number is valid gives it.
   * @return the number in E.164, when valid in one of {@code regions}
   */
  public static Optional<String> typedPhone(String raw, java.util.Collection<String> regions) {
    if (raw == null || raw.isBlank() || raw.length() > 32) {
      return Optional.empty();
    }
    if (raw.strip().startsWith("+")) {
      return phone(raw, (String) null);
    }
    java.util.List<String> order = new java.util.ArrayList<>(new java.util.TreeSet<>(regions));
    if (order.remove("FR")) {
      order.add(0, "FR");
    }
    for (String region : order) {
      Optional<String> found = phone(raw, region);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** @return the address trimmed, when it is a valid address of at most 254 characters */
  public static Optional<String> email(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String s = raw.strip();
    return s.length() <= 254 && EMAIL.matcher(s).matches() ? Optional.of(s) : Optional.empty();
  }

  private static final Pattern POSTAL_LAST_LINE = Pattern.compile("[0-9]{5} [^\\p{Cntrl}]{1,32}");
  private static final Pattern POSTAL_LINE = Pattern.compile("[^\\p{Cntrl}]{1,38}");

  /**
   * A French postal address as AFNOR NF Z10-011 lays it out: 2 to 6 lines of at most 38 characters, the last
   * one the postal code and the town.
   * @return the lines, trimmed, joined by newlines
   */
  public static Optional<String> postalAddress(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    java.util.List<String> lines = raw.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() < 2 || lines.size() > 6 || !POSTAL_LAST_LINE.matcher(lines.get(lines.size() - 1)).matches()
        || !lines.stream().allMatch(l -> POSTAL_LINE.matcher(l).matches())) {
      return Optional.empty();
    }
    return Optional.of(String.join("\n", lines));
  }

  /**
   * A postal address ({@link #postalAddress}'s form) as support may see it: the town only, without the postal
   * code ({@code Mme Chloé Bernard\n12 rue de la Paix\n75002 Paris} → {@code Paris}).
   */
  public static String maskPostalAddress(String address) {
    String last = address.substring(address.lastIndexOf('\n') + 1);
    int space = last.indexOf(' ');
    return space < 0 ? "***" : last.substring(space + 1).strip();
  }

  /**
   * {@code +33612345678} → {@code +33 6** ** ** 78}: the country code, the first digit and the last two;
   * the national number grouped in pairs from the right.
   */
  public static String maskPhone(String e164) {
    String[] split = fr.sesame.ratelimit.fraud.PhoneRules.split(e164); // a stored number is valid E.164
    if (split == null) {
      return "***";
    }
    String nsn = split[1];
    StringBuilder masked = new StringBuilder();
    for (int i = 0; i < nsn.length(); i++) {
      masked.append(i == 0 || i >= nsn.length() - 2 ? nsn.charAt(i) : '*');
    }
    StringBuilder grouped = new StringBuilder();
    int head = nsn.length() % 2 == 0 ? 2 : 3;
    grouped.append(masked, 0, Math.min(head, masked.length()));
    for (int i = head; i < masked.length(); i += 2) {
      grouped.append(' ').append(masked, i, Math.min(i + 2, masked.length()));
    }
    return "+" + split[0] + " " + grouped;
  }

  /** {@code jeanne.martin@univ-exemple.fr} → {@code j***@u***.fr}. */
  public static String maskEmail(String email) {
    int at = email.indexOf('@');
    int dot = email.lastIndexOf('.');
    if (at < 1 || dot < at + 2) {
      return "***";
    }
    return email.charAt(0) + "***@" + email.charAt(at + 1) + "***" + email.substring(dot);
  }
}
