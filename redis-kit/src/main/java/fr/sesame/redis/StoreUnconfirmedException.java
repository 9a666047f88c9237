package fr.sesame.redis;

/**
 * A write was applied by the primary but not confirmed on enough replicas in time: it may be lost if the
 * primary fails now. The request is answered 503 and is safe to retry.
 */
public final class StoreUnconfirmedException extends StoreUnavailableException {
  private static final long serialVersionUID = 1L;

  public StoreUnconfirmedException(String message) {
    super(message, null);
  }
}
