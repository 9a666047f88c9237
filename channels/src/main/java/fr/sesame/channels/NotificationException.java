package fr.sesame.channels;

/** No provider accepted a message. The message says which channel; it never holds the destination or the text. */
public class NotificationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotificationException(String message) {
    super(message);
  }

  public NotificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
