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
  Future<Receipt> send(Message message, AttemptListener attempts);
}
