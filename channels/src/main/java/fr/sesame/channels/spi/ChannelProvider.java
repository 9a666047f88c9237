package fr.sesame.channels.spi;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import io.vertx.core.Future;

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
}
