package fr.sesame.gateway.notify;

import java.util.Objects;

/**
 * How this instance's dispatcher ended one send, as {@link OutboxSignals#finished} tells it.
 *
 * @param status {@code sent} (a provider took it) or {@code failed} (every provider of its chain failed or
 *               refused it, or it was rejected)
 * @param error  why it failed, as recorded on the notification; "" when sent (never null)
 */
public record SendOutcome(String status, String error) {
  public static final String SENT = "sent";
  public static final String FAILED = "failed";

  /** @throws IllegalArgumentException for a status other than {@code sent} or {@code failed} */
  public SendOutcome {
    if (!SENT.equals(status) && !FAILED.equals(status)) {
      throw new IllegalArgumentException("a send ends sent or failed, not " + status);
    }
    error = Objects.requireNonNullElse(error, ""); // an exception without a message
  }

  public static SendOutcome sent() {
    return new SendOutcome(SENT, "");
  }

  public static SendOutcome failed(String error) {
    return new SendOutcome(FAILED, error);
  }
}
