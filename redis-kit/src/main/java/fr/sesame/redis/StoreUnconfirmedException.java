package fr.sesame.redis;

/**
 * A write was applied by the primary but not confirmed on enough replicas in time: it may be lost if the
 * primary fails now, or be there after all. The request is answered 503; whether a retry is harmless depends
 * on the write (an émargement is; a counted failure only with the login step's idempotency key).
 */
public final class StoreUnconfirmedException extends StoreUnavailableException {
  private static final long serialVersionUID = 1L;

  public StoreUnconfirmedException(String message) {
    super(message, null);
  }
}
