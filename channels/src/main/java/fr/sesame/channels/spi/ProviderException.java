package fr.sesame.channels.spi;

import java.time.Duration;

/**
 * Why a provider did not take a message.
 * <ul>
 *   <li>{@link Kind#TRANSIENT}: the provider is down, slow or throttling (timeouts, connection errors,
 *       408, 429, 5xx): retry, then the next provider of the chain;</li>
 *   <li>{@link Kind#REJECTED}: the provider's documented answer says the recipient is invalid (a number OVH
 *       lists in {@code invalidReceivers}, a Mailjet error about {@code To}, an SMTP refusal of {@code RCPT TO}):
 *       no other provider will do better, the chain stops for this recipient, and the provider's circuit is
 *       not charged. Only a provider that recognises such an answer says so;</li>
 *   <li>{@link Kind#MISCONFIGURED}: our side or the provider's account is wrong (bad credentials or signature,
 *       suspended account, unverified sender), or the provider answered something we did not expect (a 4xx
 *       it does not tie to the recipient, a body we cannot read): no retry here, the next provider may work,
 *       and the circuit counts it, so a provider that fails every send is soon skipped;</li>
 *   <li>{@link Kind#INTERNAL}: our own code failed (an unexpected exception in the provider's code, such as an
 *       {@code ArrayIndexOutOfBoundsException}): a bug says nothing of the provider's health nor of the recipient,
 *       and would fail the same way again, so no retry, the circuit is not charged (else a bug hit by one kind of
 *       input would open it for every message), and the next provider of the chain is tried.</li>
 * </ul>
 * A failure we cannot tie to the recipient is never {@link Kind#REJECTED}: stopping the chain on our own
 * bug or a provider's would stop every message, where falling back costs one more call for a bad address.
 * docs/design.md ("Provider errors") lists each provider's answers and their kind, with sources.
 * Messages never hold a destination or a message text.
 */
public final class ProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind { TRANSIENT, REJECTED, MISCONFIGURED, INTERNAL }

  private final Kind kind;
  private final transient Duration retryAfter;

  public ProviderException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public static ProviderException transientFailure(String message, Throwable cause) {
    return new ProviderException(Kind.TRANSIENT, message, null, cause);
  }

  public static ProviderException rejected(String message) {
    return new ProviderException(Kind.REJECTED, message, null, null);
  }

  public static ProviderException internal(String message, Throwable cause) {
    return new ProviderException(Kind.INTERNAL, message, null, cause);
  }

  public static ProviderException misconfigured(String message) {
    return new ProviderException(Kind.MISCONFIGURED, message, null, null);
  }

  /**
   * Classifies an HTTP answer from its status alone: 408, 429 and 5xx are transient (429 with its
   * Retry-After); any other 4xx is {@link Kind#MISCONFIGURED}: 401 and 403 mean our credentials are wrong,
   * and a status alone never says the recipient is at fault (OVH answers a bad signature with 400). A
   * provider that can tell a recipient error from its body returns {@link #rejected} itself.
   */
  public static ProviderException forHttpStatus(String provider, int status, Duration retryAfter) {
    String message = provider + " answered HTTP " + status;
    if (status == 408 || status == 429 || status >= 500) {
      return new ProviderException(Kind.TRANSIENT, message, status == 429 ? retryAfter : null, null);
    }
    return new ProviderException(Kind.MISCONFIGURED, message, null, null);
  }

  /** Parses a Retry-After header given in seconds (the HTTP-date form is ignored). */
  public static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public Kind kind() {
    return kind;
  }

  /** How long the provider asked us to wait, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
