package fr.sesame.channels.spi;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * One provider of one channel (OVH SMS, Mailjet email, ...). Implementations are non-blocking: a blocking
 * SDK must be run off the event loop by the implementation itself.
 */
public interface ChannelProvider {
  /** The configured name: the configuration key, the circuit breaker's and the metrics' name. */
  String name();

  ChannelKind kind();

  /**
   * Hands one message to the provider.
   * @return the provider's receipt; a failure is always a {@link ProviderException} saying whether trying
   *     again (here or elsewhere) can help
   */
  Future<Receipt> send(Message message);

  /**
   * Like {@link #send(Message)}, for a provider that builds a send in steps: it calls
   * {@link Checkpoint#built} with the reference of what it built before the step that makes the send
   * irreversible, waits for it, and undoes what it built when recording it fails (a {@code TRANSIENT} failure).
   * By default {@link #send(Message)}, which reports nothing.
   */
  default Future<Receipt> send(Message message, Checkpoint checkpoint) {
    return send(message);
  }

  /**
   * Whether the send whose {@code reference} was reported through {@link Checkpoint#built} went out before it
   * was interrupted (its sender crashed).
   * @return the receipt when it went out; empty when it did not and cannot any more (sending again is then no
   *     duplicate); empty by default (a provider that never reports a reference). Fails with a
   *     {@link ProviderException} when the provider cannot tell now: the caller must not send again then
   */
  default Future<Optional<Receipt>> resume(String reference) {
    return Future.succeededFuture(Optional.empty());
  }
}
