package fr.sesame.channels;

/**
 * A provider refused the message or its recipient for good (e.g. an invalid number): no other provider is
 * tried. The message says which provider and why, never the destination.
 */
public final class RejectedMessageException extends NotificationException {
  private static final long serialVersionUID = 1L;

  public RejectedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
