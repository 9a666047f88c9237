package fr.sesame.channels;

import java.util.List;
import java.util.Map;

/**
 * A provider that tells, after accepting a message, whether it was delivered: it reads its own webhook
 * calls. The gateway authenticates the call (a secret token per provider) before asking.
 */
public interface DeliveryReports {
  /** One message's fate. {@code delivered} false means it will not arrive through this provider. */
  record Report(String providerMessageId, boolean delivered, String reason) {}

  /** A webhook call as received. */
  record Call(String method, Map<String, String> query, String body) {}

  /**
   * @return the final reports in the call (intermediate states are left out)
   * @throws IllegalArgumentException when the call is not of this provider's shape (the gateway answers 400)
   */
  List<Report> reports(Call call);
}
