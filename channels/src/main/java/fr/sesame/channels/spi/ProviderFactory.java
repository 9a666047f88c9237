package fr.sesame.channels.spi;

import io.vertx.core.Vertx;

/**
 * Builds providers of one type. Implementations are listed in
 * {@code META-INF/services/fr.sesame.channels.spi.ProviderFactory}.
 */
public interface ProviderFactory {
  /** The {@code type} value of a configuration block, e.g. {@code ovh-sms}. */
  String type();

  /** @throws IllegalArgumentException when a setting is missing or wrong (start-up stops) */
  ChannelProvider create(Vertx vertx, ProviderSettings settings);
}
