package fr.sesame.channels.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What is wrong with a configuration, gathered while it is read so that one start-up reports every problem
 * instead of the first: each problem names its path ({@code otp.digits}, {@code channels.sms.providers.ovh.sender})
 * or environment variable, and the missing environment variables are listed together.
 * {@link #throwIfAny()} turns them into one {@link ConfigException}. Not thread-safe: one reader fills it.
 */
public final class ConfigProblems {
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> missingEnv = new LinkedHashMap<>();

  /** One problem whose message already names its path or variable ({@code otp.digits must be 6..10}). */
  public void add(String problem) {
    problems.add(problem);
  }

  /** One problem: {@code path: message}. */
  public void add(String path, String message) {
    problems.add(path + ": " + message);
  }

  /**
   * A key that is not one of {@code known}, with the nearest known key when it looks like a misspelling.
   *
   * @param path  the unknown key's full path
   * @param what  what it is ({@code setting}, {@code section}, {@code option of ovh-sms})
   * @param known the keys accepted there
   */
  public void unknown(String path, String what, Collection<String> known) {
    String name = path.substring(path.lastIndexOf('.') + 1);
    add(path, "unknown " + what + " '" + name + "'" + didYouMean(name, known) + " (known: "
        + String.join(", ", new TreeSet<>(known)) + ")");
  }

  /** {@code "; did you mean 'digits'?"} when {@code name} is a near miss of a known name, else empty. */
  public static String didYouMean(String name, Collection<String> known) {
    return suggestion(name, known).map(s -> "; did you mean '" + s + "'?").orElse("");
  }

  /** An environment variable that must be set and is not; {@code what} says what it holds. */
  public void missingEnv(String name, String what) {
    missingEnv.putIfAbsent(name, what);
  }

  /** How many problems and missing variables were found so far. */
  public int count() {
    return problems.size() + missingEnv.size();
  }

  public boolean isEmpty() {
    return problems.isEmpty() && missingEnv.isEmpty();
  }

  /** Everything found so far, missing environment variables last, in one line. */
  public List<String> list() {
    List<String> all = new ArrayList<>(problems);
    if (!missingEnv.isEmpty()) {
      List<String> named = new ArrayList<>();
      missingEnv.forEach((name, what) -> named.add(name + " (" + what + ")"));
      all.add("environment: " + (missingEnv.size() == 1 ? "missing variable " : "missing variables ")
          + String.join(", ", named));
    }
    return all;
  }

  /** The missing environment variables' names, in the order found. */
  public List<String> missingEnvironment() {
    return List.copyOf(missingEnv.keySet());
  }

  /** @throws ConfigException listing every problem, when there is one */
  public void throwIfAny() {
    if (!isEmpty()) {
      throw new ConfigException(list(), missingEnvironment());
    }
  }

  /**
   * The known key nearest to {@code name} when it is close enough to be a misspelling: a Levenshtein
   * distance, ignoring case, of at most 1 for names up to 4 characters, 2 up to 9, 3 beyond.
   */
  public static Optional<String> suggestion(String name, Collection<String> known) {
    String lower = name.toLowerCase(Locale.ROOT);
    int limit = lower.length() <= 4 ? 1 : lower.length() <= 9 ? 2 : 3;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : new TreeSet<>(known)) {
      int d = distance(lower, k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitution, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
