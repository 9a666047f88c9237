package fr.sesame.channels;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
    return send(message, attempts, Set.of());
  }

  /**
   * Like {@link #send(Message, AttemptListener)}, skipping the providers named in {@code exclude} (those that
   * already failed to deliver this message after accepting it).
   */
  Future<Receipt> send(Message message, AttemptListener attempts, Set<String> exclude);

  /** The provider named {@code name}, when it is asked for its delivery reports; empty otherwise. */
  default Optional<DeliveryStatusPolling> deliveryStatus(String name) {
    return Optional.empty();
  }

  /**
   * The delivery-report reader of the provider named {@code provider}, for one call to its webhook.
   * Never throws; a notifier with no provider webhooks (the default) always answers empty.
   *
   * @param provider the provider's configured name, as the webhook's URL gives it
   * @param token    the secret the call presents (may be null); implementations compare it in constant time
   * @return the provider's reader when it has a webhook and {@code token} is its secret; empty when the
   *     provider is unknown, reads no reports, has no webhook secret, or the token is wrong (the gateway
   *     answers these alike, so that a caller cannot tell which)
   */
  default Optional<DeliveryReports> webhook(String provider, String token) {
    return Optional.empty();
  }

  /**
   * The provider a message of {@code channel} goes to first when nothing is excluded, or "" when unknown:
   * the outbox records it when it takes the message, which saves a round trip before the call.
   */
  default String firstProvider(ChannelKind channel) {
    return "";
  }

  /**
   * The providers of {@code channel}'s chain, in order, or an empty list when unknown. The outbox needs them
   * after a crash: a send interrupted at the last provider left is sent there again (a possible duplicate)
   * rather than failed. By default the {@link #firstProvider} alone.
   */
  default List<String> chain(ChannelKind channel) {
    String first = firstProvider(channel);
    return first.isEmpty() ? List.of() : List.of(first);
  }

  /**
   * Whether a send that provider {@code provider} had built as {@code reference} (told to
   * {@link AttemptListener#built}) went out before its sender crashed.
   * @return the receipt when it went out; empty when it did not (sending again is then no duplicate), and by
   *     default. Fails when the provider cannot tell now (unreachable, unknown here): the caller must not send
   *     the message again meanwhile
   */
  default Future<Optional<Receipt>> resume(String provider, String reference) {
    return Future.succeededFuture(Optional.empty());
  }
}
