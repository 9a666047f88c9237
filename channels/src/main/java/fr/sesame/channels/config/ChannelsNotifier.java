package fr.sesame.channels.config;

import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.AttemptListener;
import fr.sesame.channels.NotificationException;
import fr.sesame.channels.fallback.FallbackChain;
import fr.sesame.channels.fallback.GuardedProvider;
import fr.sesame.channels.DeliveryReports;
import fr.sesame.channels.DeliveryStatusPolling;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
  @Override
  public Optional<DeliveryReports> webhook(String provider, String token) {
    String expected = webhookTokens.get(provider);
    if (expected == null || token == null || !MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    return deliveryReports(provider);
  }

  @Override
  public Future<Receipt> send(Message message, AttemptListener attempts, Set<String> exclude) {
    FallbackChain chain = chains.get(message.kind());
    if (chain == null) {
      return Future.failedFuture(new NotificationException("no provider is configured for " + message.kind().wireName()));
    }
    return chain.send(message, attempts, exclude);
  }

  /**
   * Asks the provider named {@code provider} (its time limit applies) whether the send it had built as
   * {@code reference} went out. Fails with {@link NotificationException} when no chain has that provider any
   * more (the configuration changed): nobody can tell, so the caller must not send again.
   */
  @Override
  public Future<Optional<Receipt>> resume(String provider, String reference) {
    for (FallbackChain chain : chains.values()) {
      for (GuardedProvider p : chain.providers()) {
        if (p.name().equals(provider)) {
          return p.resume(reference);
        }
      }
    }
    return Future.failedFuture(new NotificationException("no provider named " + provider
        + " is configured to tell whether " + reference + " went out"));
  }

  public Map<ChannelKind, FallbackChain> chains() {
    return chains;
  }

  /** The provider named {@code name}, when it reads delivery reports. */
  public Optional<DeliveryReports> deliveryReports(String name) {
    return provider(name, DeliveryReports.class);
  }

  @Override
  public Optional<DeliveryStatusPolling> deliveryStatus(String name) {
    return provider(name, DeliveryStatusPolling.class);
  }

  private <T> Optional<T> provider(String name, Class<T> kind) {
    for (FallbackChain chain : chains.values()) {
      for (GuardedProvider p : chain.providers()) {
        if (p.name().equals(name) && kind.isInstance(p.provider())) {
          return Optional.of(kind.cast(p.provider()));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String firstProvider(ChannelKind channel) {
    FallbackChain chain = chains.get(channel);
    return chain == null || chain.providers().isEmpty() ? "" : chain.providers().get(0).name();
  }

  @Override
  public java.util.List<String> chain(ChannelKind channel) {
    FallbackChain chain = chains.get(channel);
    return chain == null ? java.util.List.of() : chain.providers().stream().map(GuardedProvider::name).toList();
  }
}
