package fr.sesame.channels.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One provider's configuration block: its name, type and options. Secret options (passwords, keys,
 * tokens) are read from the environment only, as {@code SESAME_PROVIDER_<NAME>_<OPTION>} in upper snake
 * case (provider {@code mailjet-sms}, option {@code apiToken}: {@code SESAME_PROVIDER_MAILJET_SMS_API_TOKEN}).
 *
 * @param name    the provider's configured name
 * @param type    which {@link ProviderFactory} builds it
 * @param options the non-secret options from the configuration file
 * @param env     the environment, for secrets
 */
public record ProviderSettings(String name, String type, Map<String, String> options, Map<String, String> env) {
  /** Option names that may only come from the environment. */
  public static final Set<String> SECRET_OPTIONS = Set.of("password", "apiKey", "apiSecret", "apiToken",
      "applicationKey", "applicationSecret", "consumerKey", "clientSecret", "secretAccessKey", "accessKeyId",
      "webhookToken");

  public ProviderSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    options = Map.copyOf(options);
    env = Map.copyOf(env);
    for (String key : options.keySet()) {
      if (SECRET_OPTIONS.contains(key)) {
        throw new IllegalArgumentException("channels.providers." + name + "." + key
            + " is a secret: set " + envName(name, key) + " in the environment instead");
      }
    }
  }

  public String required(String key) {
    String v = optional(key, null);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("channels.providers." + name + "." + key + " is required");
    }
    return v;
  }

  public String optional(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }

  public int integer(String key, int fallback) {
    String v = options.get(key);
    try {
      return v == null ? fallback : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("channels.providers." + name + "." + key + " must be a number");
    }
  }

  public Duration duration(String key, Duration fallback) {
    String v = options.get(key);
    try {
      return v == null ? fallback : Duration.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("channels.providers." + name + "." + key + " must be an ISO-8601 duration");
    }
  }

  /** A secret from the environment; start-up fails when it is missing. */
  public String secret(String key) {
    String v = env.get(envName(name, key));
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("provider " + name + " needs " + envName(name, key) + " in the environment");
    }
    return v;
  }

  /** A secret from the environment, or null when it is not set (the feature it enables stays off). */
  public String optionalSecret(String key) {
    String v = env.get(envName(name, key));
    return v == null || v.isBlank() ? null : v;
  }

  public static String envName(String provider, String option) {
    String snake = option.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return ("SESAME_PROVIDER_" + provider + "_" + snake).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "ProviderSettings[name=" + name + ", type=" + type + ", options=" + options + "]";
  }
}
