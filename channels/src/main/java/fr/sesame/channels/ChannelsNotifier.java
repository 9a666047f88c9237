package fr.sesame.channels;

import fr.sesame.channels.fallback.FallbackChain;
import io.vertx.core.Future;
import java.util.EnumMap;
import java.util.Map;

/** Sends each message through its channel's fallback chain. A channel with no chain fails visibly. */
public final class ChannelsNotifier implements Notifier {
  private final Map<ChannelKind, FallbackChain> chains;

  public ChannelsNotifier(Map<ChannelKind, FallbackChain> chains) {
    this.chains = chains.isEmpty() ? Map.of() : new EnumMap<>(chains);
  }

  @Override
  public Future<Receipt> send(Message message, AttemptListener attempts) {
    FallbackChain chain = chains.get(message.kind());
    if (chain == null) {
      return Future.failedFuture(new NotificationException("no provider is configured for " + message.kind().wireName()));
    }
    return chain.send(message, attempts);
  }

  public Map<ChannelKind, FallbackChain> chains() {
    return chains;
  }
}
