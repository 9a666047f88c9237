package fr.sesame.redis;

/** The data store did not answer or failed: the request gets 503 and nothing was decided. */
public class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
