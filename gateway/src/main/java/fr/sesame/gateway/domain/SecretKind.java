package fr.sesame.gateway.domain;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The knowledge secret a college's voters give at login.
 *
 * <p>{@link #canonical} is what is hashed, at import and at login alike, so the voter may type spaces or
 * lower case. At import, {@link #validate} also rejects a value of the wrong shape; at login a value of the
 * wrong shape is simply a wrong secret (it counts as a failure), so the answer never depends on the
 * college of an identifier the caller has not proven to own.
 */
public enum SecretKind {
  /** Student number from SISCOL/Apogée: 4 to 20 letters or digits. */
  SISCOL(Pattern.compile("[A-Z0-9]{4,20}")),
  /** Last 4 digits of the social-security number, without the key. */
  SSN_LAST4(Pattern.compile("[0-9]{4}")),
  /** Last 5 characters of the IBAN. */
  IBAN_LAST5(Pattern.compile("[A-Z0-9]{5}")),
  /** Date of birth, {@code yyyy-MM-dd} or {@code dd/MM/yyyy}. */
  BIRTH_DATE(Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"));

  private static final DateTimeFormatter FRENCH_DATE =
      DateTimeFormatter.ofPattern("dd/MM/uuuu").withResolverStyle(ResolverStyle.STRICT);
  private final Pattern shape;

  SecretKind(Pattern shape) {
    this.shape = shape;
  }

  /**
   * The canonical form of any secret, whatever its kind: trimmed, spaces removed, upper case, and a
   * {@code dd/MM/yyyy} date turned into {@code yyyy-MM-dd} (no other kind contains '/'). Being the same for
   * every kind, it is applied at login before the voter's college is known.
   */
  public static String canonical(String raw) {
    String s = raw.strip().replace(" ", "").toUpperCase(Locale.ROOT);
    if (s.indexOf('/') > 0) {
      return parseDate(s).map(LocalDate::toString).orElse(s);
    }
    return s;
  }

  /** @return the canonical form when the value has this kind's shape, empty otherwise */
  public Optional<String> validate(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String n = canonical(raw);
    if (!shape.matcher(n).matches()) {
      return Optional.empty();
    }
    if (this == BIRTH_DATE && parseDate(n).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(n);
  }

  /** Parses {@code yyyy-MM-dd} or {@code dd/MM/yyyy}, strictly (no 31 February). */
  public static Optional<LocalDate> parseDate(String s) {
    try {
      if (s.contains("/")) {
        return Optional.of(LocalDate.parse(s, FRENCH_DATE));
      }
      return Optional.of(LocalDate.parse(s, DateTimeFormatter.ISO_LOCAL_DATE.withResolverStyle(ResolverStyle.STRICT)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public static Optional<SecretKind> parse(String value) {
    for (SecretKind k : values()) {
      if (k.name().equals(value)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
