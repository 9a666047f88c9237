package fr.sesame.channels.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One option a provider type reads from its configuration block, as its {@link ProviderFactory#options()}
 * declares it: the configuration is checked against these declarations when it is read, so a misspelt option
 * is named as unknown (with the nearest declared one) and a value of the wrong kind stops start-up before any
 * provider is built.
 *
 * @param name     the option's key in the block
 * @param kind     what its value must be
 * @param required true when the block must set it
 * @param choices  the accepted values of a {@link Kind#CHOICE} (compared ignoring case), empty otherwise
 */
public record ProviderOption(String name, Kind kind, boolean required, List<String> choices) {
  /** What an option's value must be. Values may come as YAML scalars or as their text. */
  public enum Kind { TEXT, INTEGER, DURATION, BOOLEAN, CHOICE }

  public ProviderOption {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    choices = List.copyOf(choices);
  }

  /** Optional text. */
  public static ProviderOption text(String name) {
    return new ProviderOption(name, Kind.TEXT, false, List.of());
  }

  /** Text the block must set. */
  public static ProviderOption required(String name) {
    return new ProviderOption(name, Kind.TEXT, true, List.of());
  }

  /** An optional whole number. */
  public static ProviderOption integer(String name) {
    return new ProviderOption(name, Kind.INTEGER, false, List.of());
  }

  /** An optional ISO-8601 duration ({@code PT3S}). */
  public static ProviderOption duration(String name) {
    return new ProviderOption(name, Kind.DURATION, false, List.of());
  }

  /** An optional {@code true} or {@code false}. */
  public static ProviderOption bool(String name) {
    return new ProviderOption(name, Kind.BOOLEAN, false, List.of());
  }

  /** An optional value among {@code choices}. */
  public static ProviderOption oneOf(String name, String... choices) {
    return new ProviderOption(name, Kind.CHOICE, false, List.of(choices));
  }

  /** What is wrong with {@code value} for this option, or null when it is fine. */
  public String problem(String value) {
    String v = value.trim();
    switch (kind) {
      case INTEGER:
        try {
          Integer.parseInt(v);
          return null;
        } catch (NumberFormatException e) {
          return "must be a whole number, not \"" + value + "\"";
        }
      case DURATION:
        try {
          Duration.parse(v);
          return null;
        } catch (DateTimeParseException e) {
          return "must be an ISO-8601 duration such as PT3S, not \"" + value + "\"";
        }
      case BOOLEAN:
        return v.equals("true") || v.equals("false") ? null : "must be true or false, not \"" + value + "\"";
      case CHOICE:
        return choices.stream().anyMatch(c -> c.equalsIgnoreCase(v)) ? null
            : "must be one of " + String.join(", ", choices) + ", not \"" + value + "\"";
      default:
        return required && v.isEmpty() ? "must not be empty" : null;
    }
  }

  @Override
  public String toString() {
    return name + " (" + kind.name().toLowerCase(Locale.ROOT) + (required ? ", required" : "") + ")";
  }
}
