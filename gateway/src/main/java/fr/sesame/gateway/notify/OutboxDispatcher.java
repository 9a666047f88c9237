package fr.sesame.gateway.notify;

import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Entry;
import fr.sesame.gateway.store.OutboxStore.Lane;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the outbox and keeps sends in flight: one per gateway instance, on its own event loop (the
 * {@code DispatchVerticle}'s), one consumer of the {@code dispatch} group. Each poll reads the interactive
 * lane before the bulk one, and bulk messages may only fill {@code bulkShare} of the {@code maxInFlight} sends
 * (default 256 and 0.25), so a login code never waits behind a campaign. It polls again as soon as a read
 * brought something, a send finished or {@link OutboxSignals#wake()} came; idle, it looks every
 * {@code idlePoll} (default 20 ms). Each entry goes to the {@link OutboxSender}; one left pending by a
 * dispatcher that died is taken over by {@link OutboxRecovery}.
 *
 * <p>Not thread-safe: every method runs on the context that called {@link #start()}.
 */
public final class OutboxDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
  /** The most entries one read asks for. */
  private static final int READ_BATCH = 64;
  private final Vertx vertx;
  private final OutboxStore store;
  private final OutboxSender sender;
  private final OutboxSignals signals;
  private final OutboxConfig config;
  private final String consumer;
  private int inFlightHi;
  private int inFlightLo;
  private boolean polling;
  private boolean pollAgain;
  private long idleTimer = -1;
  private OutboxSignals.Subscription wakes;

  /**
   * @param config   {@code maxInFlight}, {@code bulkShare} and {@code idlePoll}
   * @param consumer this instance's name in the consumer group (the gateway's instance name)
   */
  public OutboxDispatcher(Vertx vertx, OutboxStore store, OutboxSender sender, OutboxSignals signals,
                          OutboxConfig config, String consumer) {
    this.vertx = vertx;
    this.store = store;
    this.sender = sender;
    this.signals = signals;
    this.config = config;
    this.consumer = consumer;
  }

  /**
   * Starts on the caller's context (a verticle's): creates the consumer groups if they do not exist, listens
   * for wakes, and polls. Fails when Redis does not answer.
   */
  public Future<Void> start() {
    return store.ensureGroups().onSuccess(v -> {
      wakes = signals.onWake(this::poll);
      poll();
    });
  }

  /**
   * Stops listening for wakes and cancels the idle poll. Sends in flight end on their own, and each still polls
   * when it ends: closing the outbox's Redis connections (the gateway's close) is what ends reading.
   */
  public void stop() {
    if (wakes != null) {
      wakes.cancel();
    }
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private int bulkLimit() {
    return Math.max(1, (int) (config.maxInFlight() * config.bulkShare()));
  }

  /** Reads and starts what there is room for; goes idle when there is nothing. */
  void poll() {
    if (polling) {
      pollAgain = true;
      return;
    }
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    int free = config.maxInFlight() - inFlightHi - inFlightLo;
    if (free <= 0) {
      return; // a finishing send polls again
    }
    polling = true;
    pollAgain = false;
    store.read(Lane.HI, consumer, Math.min(free, READ_BATCH)).compose(hi -> {
      hi.forEach(this::dispatch);
      int bulkRoom = Math.min(config.maxInFlight() - inFlightHi - inFlightLo, bulkLimit() - inFlightLo);
      if (bulkRoom <= 0 || !hi.isEmpty()) {
        return Future.succeededFuture(hi.size());
      }
      return store.read(Lane.LO, consumer, Math.min(bulkRoom, READ_BATCH)).map(lo -> {
        lo.forEach(this::dispatch);
        return lo.size();
      });
    }).onComplete(ar -> {
      polling = false;
      if (ar.failed()) {
        LOG.warn("outbox read failed: {}", ar.cause().getMessage());
        idle();
      } else if (ar.result() > 0 || pollAgain) {
        vertx.runOnContext(v -> poll());
      } else {
        idle();
      }
    });
  }

  private void idle() {
    if (idleTimer < 0) {
      idleTimer = vertx.setTimer(config.idlePoll().toMillis(), t -> {
        idleTimer = -1;
        poll();
      });
    }
  }

  /**
   * Sends one entry, counted in flight on its lane until it is finished; then polls again. Entries taken over
   * by {@link OutboxRecovery} come here too, whatever the room (a few dozen a run at most).
   */
  void dispatch(Entry entry) {
    boolean hi = entry.lane() == Lane.HI;
    if (hi) {
      inFlightHi++;
    } else {
      inFlightLo++;
    }
    sender.send(entry).onComplete(ar -> {
      if (hi) {
        inFlightHi--;
      } else {
        inFlightLo--;
      }
      if (ar.failed()) {
        // the entry stays pending: recovery takes it over
        LOG.warn("outbox entry {} not finished: {}", entry.entryId(), ar.cause().getMessage());
      }
      poll();
    });
  }
}
