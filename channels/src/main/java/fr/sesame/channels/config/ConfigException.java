package fr.sesame.channels.config;

import java.util.List;

/**
 * The configuration is wrong: start-up stops. The message lists every problem found, one a line, each naming
 * its path or environment variable (see {@link ConfigProblems}).
 */
public final class ConfigException extends IllegalArgumentException {
  private final List<String> problems;
  private final List<String> missingEnvironment;

  public ConfigException(List<String> problems, List<String> missingEnvironment) {
    super(message(problems));
    this.problems = List.copyOf(problems);
    this.missingEnvironment = List.copyOf(missingEnvironment);
  }

  /** Each problem, one line each ({@code path: what is wrong}). */
  public List<String> problems() {
    return problems;
  }

  /** The environment variables that must be set and are not. */
  public List<String> missingEnvironment() {
    return missingEnvironment;
  }

  private static String message(List<String> problems) {
    if (problems.size() == 1) {
      return problems.get(0);
    }
    return problems.size() + " problems:\n  - " + String.join("\n  - ", problems);
  }
}
