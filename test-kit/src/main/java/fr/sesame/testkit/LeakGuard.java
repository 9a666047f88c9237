package fr.sesame.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the test data holds that no log line may: knowledge secrets, one-time codes, session and ID tokens, API
 * keys, webhook tokens, full phone numbers and email addresses. {@link LeakGuardAppender} (in every module's
 * {@code logback-test.xml}) shows it each formatted event; a leak fails the test class it happened in
 * ({@link LeakGuardExtension}) or, after the last class, the test run ({@link LeakGuardSessionListener}).
 *
 * <p>It knows them two ways:
 * <ul>
 *   <li><b>patterns</b>, for what is personal whatever its value: an email address (not a masked one such as
 *       {@code j***@univ-test.fr}, nor a sender's {@code no-reply@…}), a phone number in E.164
 *       ({@code +33612345678}, {@code +33 6 12 34 56 78}) or in the French national form of a mobile
 *       ({@code 0612345678}, {@code 06 12 34 56 78}); a masked number ({@code +33 6 ** ** ** 78}) is not one;</li>
 *   <li><b>a registry</b> the fixtures feed with {@link #secret(String)}: values that look like anything else
 *       (a code is six digits, a token is base64url). The test kit's {@link Http} feeds it by itself with what
 *       goes through it: API keys ({@code Authorization: Bearer}), the {@code secret} and {@code code} of request
 *       bodies, the tokens of responses, the secrets and birth dates of a CSV roll.</li>
 * </ul>
 * A registered value is found as a whole word (a run of letters, digits, {@code -} and {@code _}, or a
 * {@code -}/{@code _}-separated part of one): {@code 123456} is found in {@code code=123456} and
 * {@code otp-123456}, not in {@code 91234567}; a value shorter than {@value #SHORT} characters only right after
 * a quote or {@code =}. A value registered after it was logged (a code the test reads
 * from the outbox after the gateway sent it) is still found: the guard remembers the words it has seen.
 * Values shorter than {@value #MIN_LENGTH} characters are not registered (they would be found everywhere).
 */
public final class LeakGuard {
  /** The shortest value the registry takes (a four-digit knowledge secret is one). */
  public static final int MIN_LENGTH = 4;
  /**
   * Below this length a value (a four-digit secret) is found only as a whole word right after {@code "},
   * {@code '} or {@code =}, as a body or a query quotes it: elsewhere it is a duration, a count or a piece of a
   * UUID as often as a secret.
   */
  static final int SHORT = 6;

  private static final Pattern EMAIL = Pattern.compile(
      "(?<![A-Za-z0-9._%+*-])([A-Za-z0-9._%+-]+)@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}(?![A-Za-z0-9-])");
  private static final Set<String> SENDERS = Set.of("no-reply", "noreply", "postmaster", "mailer-daemon");
  // not inside a longer run of letters and digits: the last group of a UUID may hold ten digits starting with 06
  private static final Pattern E164 = Pattern.compile(
      "(?<![A-Za-z0-9+*])\\+[1-9](?:[ .]?\\d){7,14}(?![A-Za-z0-9*])");
  private static final Pattern NATIONAL_MOBILE = Pattern.compile(
      "(?<![A-Za-z0-9+*])0[67](?:[ .]?\\d{2}){4}(?![A-Za-z0-9*])");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern WORD_ONLY = Pattern.compile("[A-Za-z0-9_-]+");
  /** A UUID's text: 8-4-4-4-12 hexadecimal digits. */
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  /** Bounds what the guard remembers of past lines (about a million distinct words). */
  private static final int MAX_SEEN = 1_000_000;
  private static final int MAX_RECENT = 5_000;
  private static final int EXCERPT = 300;

  private static final Set<String> words = ConcurrentHashMap.newKeySet();
  private static final List<String> phrases = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static final Map<String, String> seen = new ConcurrentHashMap<>();
  private static final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
  private static final List<String> leaks = new ArrayList<>();
  private static int reported;

  private LeakGuard() {
  }

  /**
   * Registers a value of the test data that must never be logged, and checks the lines already logged.
   * Null and values shorter than {@value #MIN_LENGTH} characters are ignored.
   * @return {@code value}, so a fixture can register what it hands out: {@code return LeakGuard.secret(code);}
   */
  public static String secret(String value) {
    if (value == null || value.length() < MIN_LENGTH) {
      return value;
    }
    if (WORD_ONLY.matcher(value).matches()) {
      if (words.add(value)) {
        String where = seen.get(value);
        if (where != null) {
          leak("registered value " + value, "logged before it was registered, in " + where);
        }
      }
    } else if (!phrases.contains(value)) {
      phrases.add(value);
      synchronized (recent) {
        for (String line : recent) {
          if (line.contains(value)) {
            leak("registered value " + value, "logged before it was registered, in " + excerpt(line));
          }
        }
      }
    }
    return value;
  }

  /** Registers each value ({@link #secret(String)}). */
  public static void secrets(String... values) {
    for (String v : values) {
      secret(v);
    }
  }

  private static final Set<String> REQUEST_FIELDS = Set.of("secret", "code", "sessionToken", "idToken");
  private static final Set<String> RESPONSE_FIELDS = Set.of("sessionToken", "idToken", "token", "accessToken");
  private static final Set<String> ROLL_COLUMNS = Set.of("secret", "birthDate", "email", "phone");

  /**
   * Registers what a test request carries that must never be logged: a JSON body's {@code secret}, {@code code}
   * and token fields when they hold a digit (a wrong guess such as {@code "forged"} is not a secret of the
   * test data), and a CSV roll's secrets, birth dates, emails and phones.
   */
  public static void fromRequest(String contentType, String body) {
    if (body == null || body.isEmpty() || contentType == null) {
      return;
    }
    if (contentType.startsWith("application/json") && body.startsWith("{")) {
      try {
        io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(body);
        for (String f : REQUEST_FIELDS) {
          if (json.getValue(f) instanceof String v && v.chars().anyMatch(Character::isDigit)) {
            secret(v.strip());
          }
        }
      } catch (RuntimeException notJson) {
        // a test sending broken JSON on purpose
      }
    } else if (contentType.startsWith("text/csv")) {
      String[] lines = body.split("\r?\n");
      List<String> header = List.of(lines[0].split(",", -1));
      for (int i = 1; i < lines.length; i++) {
        String[] cells = lines[i].split(",", -1);
        for (int c = 0; c < Math.min(cells.length, header.size()); c++) {
          if (ROLL_COLUMNS.contains(header.get(c).strip())) {
            secret(cells[c].strip());
          }
        }
      }
    }
  }

  /** Registers the tokens a JSON response hands out ({@code sessionToken}, {@code idToken}, ...). */
  public static void fromResponse(String body) {
    if (body == null || !body.startsWith("{")) {
      return;
    }
    try {
      io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(body);
      for (String f : RESPONSE_FIELDS) {
        if (json.getValue(f) instanceof String v) {
          secret(v);
        }
      }
    } catch (RuntimeException notJson) {
      // not ours to judge
    }
  }

  /**
   * Checks one formatted log event.
   * @param text  everything the event carries as text (message, arguments, MDC, exception messages)
   * @param where the event's level and logger, for the report
   */
  public static void inspect(String text, String where) {
    if (text == null || text.isEmpty()) {
      return;
    }
    String line = where + ": " + excerpt(text);
    List<String> found = scan(text, line).stream().distinct().toList();
    if (!found.isEmpty()) {
      leak(String.join(", ", found), line);
    }
    synchronized (recent) {
      recent.addLast(text);
      if (recent.size() > MAX_RECENT) {
        recent.removeFirst();
      }
    }
  }

  /**
   * What {@code text} holds that no log line may (each finding names its kind and value).
   * @param remember where to remember the text's words as seen (for values registered later), or null
   */
  static List<String> scan(String text, String remember) {
    List<String> found = new ArrayList<>();
    Matcher m = EMAIL.matcher(text);
    while (m.find()) {
      if (!SENDERS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        found.add("email address " + m.group());
      }
    }
    m = E164.matcher(text);
    while (m.find()) {
      found.add("phone number " + m.group());
    }
    m = NATIONAL_MOBILE.matcher(text);
    while (m.find()) {
      found.add("phone number " + m.group());
    }
    m = WORD.matcher(text);
    while (m.find()) {
      boolean quoted = m.start() > 0 && "\"'=".indexOf(text.charAt(m.start() - 1)) >= 0;
      for (String w : parts(m.group())) {
        if (w.length() < MIN_LENGTH || w.length() < SHORT && !(quoted && w.length() == m.group().length())) {
          continue;
        }
        if (words.contains(w)) {
          found.add("registered value " + w);
        }
        if (remember != null && seen.size() < MAX_SEEN) {
          seen.putIfAbsent(w, remember);
        }
      }
    }
    for (String p : phrases) {
      if (text.contains(p)) {
        found.add("registered value " + p);
      }
    }
    return found;
  }

  /** A word and its {@code -}/{@code _}-separated runs of parts ({@code a-b-c}: a, b, c, a-b, b-c, a-b-c). */
  private static List<String> parts(String word) {
    if (UUID.matcher(word).matches()) {
      // a random identifier (a request id): its groups are not values of the test data, though an 8-digit group
      // can equal one by chance (CI, 2026-11-30: request id 20230600-4c1a-… against the student number 20230600)
      return List.of(word);
    }
    String[] p = word.split("[-_]");
    if (p.length == 1) {
      return List.of(word);
    }
    List<String> out = new ArrayList<>();
    out.add(word);
    int max = Math.min(p.length, 8);
    int at = 0;
    int[] starts = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      starts[i] = at;
      at += p[i].length() + 1;
    }
    for (int i = 0; i < p.length; i++) {
      for (int j = i; j < p.length && j - i < max; j++) {
        if (i == 0 && j == p.length - 1) {
          continue;
        }
        int end = starts[j] + p[j].length();
        out.add(word.substring(starts[i], end));
      }
    }
    return out;
  }

  private static String excerpt(String text) {
    String one = text.replace('\n', ' ').replace('\r', ' ');
    return one.length() <= EXCERPT ? one : one.substring(0, EXCERPT) + "…";
  }

  private static void leak(String what, String line) {
    String leak = what + " — " + line;
    synchronized (leaks) {
      leaks.add(leak);
    }
    System.err.println("LEAK GUARD: " + leak);
  }

  /** Every leak seen so far in this JVM. */
  public static List<String> leaks() {
    synchronized (leaks) {
      return List.copyOf(leaks);
    }
  }

  /** The leaks seen since the last call, each reported once (by a test class or the end of the run). */
  static List<String> unreported() {
    synchronized (leaks) {
      List<String> out = List.copyOf(leaks.subList(reported, leaks.size()));
      reported = leaks.size();
      return out;
    }
  }

  /** Fails with the leaks seen since the last report, if any. */
  static void check(String during) {
    List<String> found = unreported();
    if (!found.isEmpty()) {
      throw new AssertionError(found.size() + " secret(s) of the test data logged " + during
          + " (fr.sesame.testkit.LeakGuard):\n  " + String.join("\n  ", found));
    }
  }
}
