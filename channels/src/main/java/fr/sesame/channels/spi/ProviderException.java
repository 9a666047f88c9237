package fr.sesame.channels.spi;

import java.time.Duration;

/**
 * Why a provider did not take a message.
 * <ul>
 *   <li>{@link Kind#TRANSIENT}: the provider is down, slow or throttling (timeouts, connection errors,
 *       408, 429, 5xx): retry, then the next provider of the chain;</li>
 *   <li>{@link Kind#REJECTED}: the message or its recipient is refused (invalid number, other 4xx): no other
 *       provider will do better, the chain stops for this recipient;</li>
 *   <li>{@link Kind#MISCONFIGURED}: our side is wrong (401, 403, missing setting): no retry here, but the
 *       next provider may work.</li>
 * </ul>
 * Messages never hold a destination or a message text.
 */
public final class ProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind { TRANSIENT, REJECTED, MISCONFIGURED }

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

  public static ProviderException misconfigured(String message) {
    return new ProviderException(Kind.MISCONFIGURED, message, null, null);
  }

  /**
   * Classifies an HTTP answer: 408, 429 and 5xx are transient (429 with its Retry-After), 401 and 403 mean
   * our credentials are wrong, any other 4xx rejects the message.
   */
  public static ProviderException forHttpStatus(String provider, int status, Duration retryAfter) {
    String message = provider + " answered HTTP " + status;
    if (status == 408 || status == 429 || status >= 500) {
      return new ProviderException(Kind.TRANSIENT, message, status == 429 ? retryAfter : null, null);
    }
    if (status == 401 || status == 403) {
      return new ProviderException(Kind.MISCONFIGURED, message, null, null);
    }
    return new ProviderException(Kind.REJECTED, message, null, null);
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
