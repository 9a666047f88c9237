package fr.sesame.channels.spi;

/**
 * Builds providers of one type. Implementations are listed in
 * {@code META-INF/services/fr.sesame.channels.spi.ProviderFactory} and need a public no-argument constructor.
 */
public interface ProviderFactory {
  /** The {@code type} value of a configuration block, e.g. {@code ovh-sms}. */
  String type();

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
