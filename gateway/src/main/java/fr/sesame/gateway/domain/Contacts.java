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
    if (raw == null || raw.isBlank() || raw.length() > 32) {
      return Optional.empty();
    }
    String s = raw.strip();
    if (defaultRegion == null && !s.startsWith("+")) {
      return Optional.empty();
    }
    try {
      PhoneNumber n = PHONES.parse(s, defaultRegion == null ? "ZZ" : defaultRegion);
      if (!PHONES.isValidNumber(n)) {
        return Optional.empty();
      }
      return Optional.of(PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
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
