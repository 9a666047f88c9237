package fr.sesame.channels;

import fr.sesame.channels.fallback.FallbackChain;
import io.vertx.core.Future;
import java.util.EnumMap;
import java.util.Map;

/** Sends each message through its channel's fallback chain. A channel with no chain fails visibly. */
public final class ChannelsNotifier implements Notifier {
  private final Map<ChannelKind, FallbackChain> chains;
  private final Map<String, String> webhookTokens;

  /**
   * @param webhookTokens per provider name, the secret its delivery-report webhook must present (providers
   *                      without one have no webhook)
   */
  public ChannelsNotifier(Map<ChannelKind, FallbackChain> chains, Map<String, String> webhookTokens) {
    this.chains = chains.isEmpty() ? Map.of() : new EnumMap<>(chains);
    this.webhookTokens = Map.copyOf(webhookTokens);
  }

  /**
   * @return the provider's delivery-report reader when {@code token} is its webhook secret (compared in
   *     constant time), empty otherwise
   */
  public java.util.Optional<fr.sesame.channels.spi.DeliveryReports> webhook(String provider, String token) {
    String expected = webhookTokens.get(provider);
    if (expected == null || token == null || !java.security.MessageDigest.isEqual(
        expected.getBytes(java.nio.charset.StandardCharsets.UTF_8), token.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      return java.util.Optional.empty();
    }
    return deliveryReports(provider);
  }

  @Override
  public Future<Receipt> send(Message message, AttemptListener attempts, java.util.Set<String> exclude) {
    FallbackChain chain = chains.get(message.kind());
    if (chain == null) {
      return Future.failedFuture(new NotificationException("no provider is configured for " + message.kind().wireName()));
    }
    return chain.send(message, attempts, exclude);
  }

  public Map<ChannelKind, FallbackChain> chains() {
    return chains;
  }

  /** The provider named {@code name}, when it reads delivery reports. */
  public java.util.Optional<fr.sesame.channels.spi.DeliveryReports> deliveryReports(String name) {
    return provider(name, fr.sesame.channels.spi.DeliveryReports.class);
  }

  @Override
  public java.util.Optional<fr.sesame.channels.spi.DeliveryStatusPolling> deliveryStatus(String name) {
    return provider(name, fr.sesame.channels.spi.DeliveryStatusPolling.class);
  }

  private <T> java.util.Optional<T> provider(String name, Class<T> kind) {
    for (FallbackChain chain : chains.values()) {
      for (var p : chain.providers()) {
        if (p.name().equals(name) && kind.isInstance(p.provider())) {
          return java.util.Optional.of(kind.cast(p.provider()));
        }
      }
    }
    return java.util.Optional.empty();
  }

  @Override
  public String firstProvider(ChannelKind channel) {
    FallbackChain chain = chains.get(channel);
    return chain == null || chain.providers().isEmpty() ? "" : chain.providers().get(0).name();
  }
}
