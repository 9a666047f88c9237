package fr.sesame.channels;

import io.vertx.core.Future;

/**
 * Sends messages on behalf of the gateway.
 *
 * <p>The returned future completes on the caller's Vert.x context. It succeeds once a provider has
 * accepted the message, and fails with {@link NotificationException} when no provider could take it.
 */
public interface Notifier {
  default Future<Receipt> send(Message message) {
    return send(message, AttemptListener.NONE);
  }

  /** Like {@link #send(Message)}, telling {@code attempts} of every provider attempt on the way. */
  default Future<Receipt> send(Message message, AttemptListener attempts) {
    return send(message, attempts, java.util.Set.of());
  }

  /**
   * Like {@link #send(Message, AttemptListener)}, skipping the providers named in {@code exclude} (those that
   * already failed to deliver this message after accepting it).
   */
  Future<Receipt> send(Message message, AttemptListener attempts, java.util.Set<String> exclude);

  /** The provider named {@code name}, when it is asked for its delivery reports; empty otherwise. */
  default java.util.Optional<fr.sesame.channels.spi.DeliveryStatusPolling> deliveryStatus(String name) {
    return java.util.Optional.empty();
  }

  /**
   * The provider a message of {@code channel} goes to first when nothing is excluded, or "" when unknown:
   * the outbox records it when it takes the message, which saves a round trip before the call.
   */
  default String firstProvider(ChannelKind channel) {
    return "";
  }
}
