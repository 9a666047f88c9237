package fr.sesame.channels;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * A provider that tells a message's fate when asked (it has no webhook): the gateway asks again until the
 * answer is final, or gives up after a while.
 */
public interface DeliveryStatusPolling {
  /**
   * @return the final report, or empty while the provider does not know yet; fails with a
   *         {@link ProviderException} when the provider cannot be asked now
   */
  Future<Optional<DeliveryReports.Report>> poll(String providerMessageId);
}
