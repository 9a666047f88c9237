package fr.sesame.gateway.notify;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;

/**
 * What the API side and the outbox dispatcher of one gateway instance tell each other, in process: the API
 * wakes the dispatcher after an accept (and after a delivery report queued a message again), the dispatcher
 * tells a waiting caller how a send ended. Nothing here is durable: a signal lost (another instance's
 * dispatcher took the message, or this one was busy) only costs latency, since the dispatcher also polls
 * ({@code outbox.idlePoll}) and the caller then answers {@code pending}.
 *
 * <p>Every method may be called from any thread (the HTTP event loops and the dispatcher's loop are different
 * threads); listeners and futures run on the context that subscribed or expected, never on the signaller's.
 */
public interface OutboxSignals {

  /**
   * Asks the dispatcher to read the outbox now. Wakes that arrive while one is already scheduled are merged
   * into it: the dispatcher polls at least once after the last wake. No effect when no dispatcher listens.
   */
  void wake();

  /**
   * {@link #wake()} for a message of {@code lane}: only the dispatchers reading that lane poll (a login code woke the
   * bulk dispatcher too, which read its empty lane once per code: 1 of about 17 Redis commands a journey).
   */
  default void wake(fr.sesame.gateway.store.OutboxStore.Lane lane) {
    wake();
  }

  /**
   * Runs {@code poll} on the calling context (a Vert.x context: the dispatcher's verticle) after each
   * {@link #wake()}, until the subscription is cancelled.
   * @return the subscription; cancelling it twice does nothing
   */
  Subscription onWake(Runnable poll);

  /** {@link #onWake(Runnable)} for a dispatcher reading only {@code lanes}: a wake for another lane is not its. */
  default Subscription onWake(java.util.Set<fr.sesame.gateway.store.OutboxStore.Lane> lanes, Runnable poll) {
    return onWake(poll);
  }

  /**
   * Tells whoever {@linkplain #expect expects} notification {@code id} how its send ended; nothing happens
   * when nobody does. Each expectation gets the outcome at most once.
   */
  void finished(String id, SendOutcome outcome);

  /**
   * Starts listening for notification {@code id}'s outcome now, before it is accepted, so that a fast dispatcher
   * cannot finish it unseen. The expectation is tied to the calling Vert.x context (or a new one when called
   * off Vert.x): its future completes there. The caller must end it: {@link Expectation#within} ends it when
   * the outcome comes or the time is up, {@link Expectation#cancel()} at once (an accept that failed or was
   * refused).
   */
  Expectation expect(String id);

  /** A wait for one notification's outcome. */
  interface Expectation {
    /**
     * @param timeout how long to wait from this call (milliseconds are the unit that counts; at least 1 ms)
     * @return the outcome, or empty once {@code timeout} passed (or the expectation was cancelled) without
     *     one; never fails. The expectation is removed either way. Calling it again returns the same future.
     */
    Future<Optional<SendOutcome>> within(Duration timeout);

    /** Stops waiting: a pending {@link #within} completes empty; no effect once completed. */
    void cancel();
  }

  /** A listener's registration. */
  interface Subscription {
    void cancel();
  }
}
