package fr.sesame.gateway.staff;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a staff password must be: at least 8 characters with an upper-case letter, a lower-case letter and a
 * digit (the French public service's rule), at most 128, and none of the common passwords shipped with the
 * gateway ({@code common-passwords.txt}, compared lower-cased), nor the person's own email.
 */
public final class PasswordPolicy {
  /** Why a password is refused; each has a text on the pages. */
  public enum Refusal { TOO_SHORT, TOO_LONG, NO_UPPER, NO_LOWER, NO_DIGIT, COMMON, CONTAINS_EMAIL }

  public static final int MIN_LENGTH = 8;
  public static final int MAX_LENGTH = 128;
  private static final Set<String> COMMON = load();

  private PasswordPolicy() {}

  /** @return why {@code password} is refused for the staff member {@code email}, empty when it is allowed */
  public static Optional<Refusal> check(String password, String email) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
      return Optional.of(Refusal.TOO_SHORT);
    }
    if (password.length() > MAX_LENGTH) {
      return Optional.of(Refusal.TOO_LONG);
    }
    if (password.chars().noneMatch(Character::isUpperCase)) {
      return Optional.of(Refusal.NO_UPPER);
    }
    if (password.chars().noneMatch(Character::isLowerCase)) {
      return Optional.of(Refusal.NO_LOWER);
    }
    if (password.chars().noneMatch(Character::isDigit)) {
      return Optional.of(Refusal.NO_DIGIT);
    }
    String lower = password.toLowerCase(Locale.ROOT);
    if (COMMON.contains(lower)) {
      return Optional.of(Refusal.COMMON);
    }
    if (email != null) {
      String local = email.toLowerCase(Locale.ROOT).split("@", 2)[0];
      if (local.length() >= 4 && lower.contains(local)) {
        return Optional.of(Refusal.CONTAINS_EMAIL);
      }
    }
    return Optional.empty();
  }

  /** How many common passwords are known (for a test that the list was read). */
  static int commonCount() {
    return COMMON.size();
  }

  private static Set<String> load() {
    Set<String> out = new HashSet<>();
    try (InputStream in = PasswordPolicy.class.getResourceAsStream("/fr/sesame/gateway/staff/common-passwords.txt")) {
      if (in == null) {
        throw new IllegalStateException("missing resource common-passwords.txt");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isEmpty() && !line.startsWith("# ")) {
          out.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(out);
  }
}
