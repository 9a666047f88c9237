package fr.sesame.channels.spi;

import java.util.List;

/**
 * Builds providers of one type. Implementations are listed in
 * {@code META-INF/services/fr.sesame.channels.spi.ProviderFactory} and need a public no-argument constructor.
 */
public interface ProviderFactory {
  /** The {@code type} value of a configuration block, e.g. {@code ovh-sms}. */
  String type();

  /**
   * The options this type reads from its block, besides {@code type} and the guard's options that every
   * provider takes ({@link fr.sesame.channels.fallback.ProviderPolicy#OPTIONS}). The configuration is checked
   * against them when it is read: an option not declared here stops start-up as unknown. Null (the default)
   * declares nothing and leaves the block unchecked, for a type written before options were declared.
   */
  default List<ProviderOption> options() {
    return null;
  }

  /**
   * The secrets ({@link ProviderSettings#SECRET_OPTIONS}) this provider needs from the environment, given its
   * options; the configuration reader lists every missing one at once. Default: none.
   */
  default List<String> secrets(ProviderSettings settings) {
    return List.of();
  }

  /**
   * Builds one provider; called once per configured provider while the channels are built at start-up.
   *
   * @param context  the shared Vert.x instance, clock and meter registry; the provider takes every wall-clock
   *                 time it needs from {@link ProviderContext#clock()}
   * @param settings this provider's name, type, options and secrets
   * @return a provider whose {@link ChannelProvider#name()} is {@code settings.name()}
   * @throws IllegalArgumentException when a setting or secret is missing or wrong (start-up stops)
   */
  ChannelProvider create(ProviderContext context, ProviderSettings settings);
}
