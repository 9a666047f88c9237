package fr.sesame.gateway.notify;

import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Entry;
import fr.sesame.gateway.store.OutboxStore.Lane;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the outbox and keeps sends in flight, one consumer of the {@code dispatch} group. A gateway instance
 * runs two, each on an event loop and Redis connection of its own (chosen by the {@code Gateway}): one reads
 * only the interactive lane (login codes), up to {@code maxInFlight} sends (default 256), the other only the bulk
 * lane, up to {@code bulkShare} of them (default 0.25), so a login code never waits behind a campaign: not in a
 * read, not on a connection's queue, not on an event loop busy with bulk sends. One dispatcher may also read both
 * lanes (the interactive one first, bulk only when it is empty and within its share). It polls again as soon as a read
 * brought as many entries as it asked for, a send finished while entries waited for room, or a
 * {@link OutboxSignals#wake(Lane)} for one of its lanes came; idle, it looks every
 * {@code idlePoll} (default 20 ms). Each entry goes to the {@link OutboxSender}; one left pending by a
 * dispatcher that died is taken over by {@link OutboxRecovery}.
 *
 * <p>Leases: the entries it is sending are renewed by {@link #renewLeases()} (the {@link Outbox} calls it three
 * times per {@code recoverAfter}), so recovery, which takes over entries idle for {@code recoverAfter}, only
 * takes those of a dispatcher that stopped renewing them.
 *
 * <p>Self-healing: a read that fails (Redis down, restarted, failed over) is tried again every
 * {@value #RETRY_MS} ms, and a missing consumer group is created again by the store. The dispatcher is
 * {@link #reading()} or not; each change (not each failed poll) is logged once at WARN and told to the state
 * listener (a metric).
 *
 * <p>Not thread-safe but for {@link #reading()}: every other method runs on the context that called
 * {@link #start()}.
 */
public final class OutboxDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
  /** The most entries one read asks for. */
  private static final int READ_BATCH = 64;
  /** How often a dispatcher that cannot read tries again. */
  static final long RETRY_MS = 250;
  /**
   * How long a read may take before the dispatcher counts Redis as away. A read takes about a millisecond on its
   * own connection; without this bound a dropped connection would hold reads for the command timeout. A read
   * that Redis answers after it only leaves entries pending here, whose lease runs out: recovery sends them.
   */
  static final long READ_TIMEOUT_MS = 1_000;
  private final Vertx vertx;
  private final OutboxStore store;
  private final OutboxSender sender;
  private final OutboxSignals signals;
  private final OutboxConfig config;
  private final String consumer;
  private final Consumer<Boolean> stateListener;
  /** The lanes this dispatcher reads, and names in its log lines ("hi", "lo" or "hi+lo"). */
  private final Set<Lane> lanes;
  private final String laneNames;
  /** The entries being sent, by lane, by entry id: their leases are renewed, and none is sent twice at once. */
  private final Map<Lane, Map<String, Entry>> inFlight = new EnumMap<>(Lane.class);
  private boolean polling;
  private boolean pollAgain;
  /**
   * The last poll left entries it had no room for (in flight at the bound): a finishing send polls again. Otherwise a
   * finishing send does not: what comes next wakes the dispatcher, or the idle poll finds it.
   */
  private boolean roomWanted;
  /** The last poll yielded to login codes: the next look comes within {@link #YIELD_RECHECK_MS}. */
  private boolean yielded;
  /**
   * How soon a bulk dispatcher that yielded looks again, whatever {@code idlePoll}: no login code wakes it, and
   * with nothing of its own in flight no finishing send does (with an hour's idle poll, the dispatch benchmark's
   * campaign stopped there for good, 2026-11-30).
   */
  static final long YIELD_RECHECK_MS = 20;
  private boolean stopped;
  /** Set when the gateway begins to close: no new bulk send starts; login codes still go (requests wait on them). */
  private volatile boolean bulkHeld;
  private volatile boolean reading;
  private long downSinceMs;
  private long idleTimer = -1;
  private OutboxSignals.Subscription wakes;
  private final List<Promise<Void>> drained = new ArrayList<>();
  /** This dispatcher's sends in flight, for another thread (the bulk dispatcher reads the interactive one's). */
  private final java.util.concurrent.atomic.AtomicInteger sending = new java.util.concurrent.atomic.AtomicInteger();
  /** The interactive lane's sends in flight, read by a bulk-only dispatcher before it starts bulk sends. */
  private java.util.function.IntSupplier interactiveSending = () -> 0;

  /**
   * The bulk lane yields while this many login codes are being sent: a campaign's sends share the machine's cores
   * with the codes', and codes piling up (a cold start, a slow provider) mean the cores are short. The bulk sends in
   * flight go on; no new one starts until the codes are fewer. A code usually takes tens of milliseconds, so at
   * 100 codes a second a few are in flight.
   */
  static final int BULK_YIELDS_AT = 32;

  /**
   * @param config        {@code maxInFlight}, {@code bulkShare} and {@code idlePoll}
   * @param consumer      this instance's name in the consumer group (the gateway's instance name)
   * @param stateListener told {@code true} when the dispatcher reads again, {@code false} when it cannot read
   *                      (once per change, on the dispatcher's context)
   * @param lanes         the lanes it reads and sends
   */
  public OutboxDispatcher(Vertx vertx, OutboxStore store, OutboxSender sender, OutboxSignals signals,
                          OutboxConfig config, String consumer, Consumer<Boolean> stateListener, Set<Lane> lanes) {
    if (lanes.isEmpty()) {
      throw new IllegalArgumentException("a dispatcher reads at least one lane");
    }
    this.lanes = EnumSet.copyOf(lanes);
    this.laneNames = lanes.size() == 2 ? "hi+lo" : lanes.iterator().next().name().toLowerCase(java.util.Locale.ROOT);
    this.vertx = vertx;
    this.store = store;
    this.sender = sender;
    this.signals = signals;
    this.config = config;
    this.consumer = consumer;
    this.stateListener = stateListener;
    for (Lane lane : Lane.values()) {
      inFlight.put(lane, new LinkedHashMap<>());
    }
  }

  /** Reading both lanes, with no state listener. */
  public OutboxDispatcher(Vertx vertx, OutboxStore store, OutboxSender sender, OutboxSignals signals,
                          OutboxConfig config, String consumer) {
    this(vertx, store, sender, signals, config, consumer, up -> { }, EnumSet.allOf(Lane.class));
  }

  /** The lanes it reads. */
  public Set<Lane> lanes() {
    return lanes;
  }

  /** Its sends in flight now. Any thread. */
  public int sending() {
    return sending.get();
  }

  /**
   * For a bulk-only dispatcher: the interactive dispatcher whose sends in flight it yields to ({@link #BULK_YIELDS_AT}).
   * Call before {@link #start()}.
   */
  public void yieldTo(OutboxDispatcher interactive) {
    this.interactiveSending = interactive::sending;
  }

  /**
   * Starts on the caller's context (a verticle's): creates the consumer groups if they do not exist, listens
   * for wakes, and polls. Fails when Redis does not answer.
   */
  public Future<Void> start() {
    return store.ensureGroups().onSuccess(v -> {
      reading = true;
      stateListener.accept(true);
      wakes = signals.onWake(lanes, this::poll);
      poll();
    });
  }

  /**
   * Whether the last read succeeded (or the dispatcher is starting): false while it cannot read the outbox, so
   * messages accepted meanwhile are not sent. Readiness reports it. Any thread.
   */
  public boolean reading() {
    return reading && !stopped;
  }

  /**
   * Stops reading: no more polls, wakes or lease renewals. Sends in flight go on, and their outcomes are
   * recorded while Redis is there. Idempotent.
   * @return completes when no send is in flight any more (at once when none is)
   */
  public Future<Void> stop() {
    stopped = true;
    if (wakes != null) {
      wakes.cancel();
      wakes = null;
    }
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    if (inFlight() == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    drained.add(p);
    return p.future();
  }

  private int inFlight() {
    return inFlight.get(Lane.HI).size() + inFlight.get(Lane.LO).size();
  }

  /**
   * The first step of a gateway's close: no new bulk (LO) send starts from now on, while login codes (HI) still
   * go, since the HTTP requests being answered may wait on them. Safe from any thread.
   */
  public void holdBulk() {
    bulkHeld = true;
  }

  private int bulkLimit() {
    return Math.max(1, (int) (config.maxInFlight() * config.bulkShare()));
  }

  /** Reads and starts what there is room for; goes idle when there is nothing. */
  void poll() {
    if (stopped) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    int free = config.maxInFlight() - inFlight();
    if (free <= 0) {
      roomWanted = true;
      return; // a finishing send polls again
    }
    polling = true;
    pollAgain = false;
    roomWanted = false;
    yielded = false;
    int hiAsked = Math.min(free, READ_BATCH);
    Future<List<Entry>> first = lanes.contains(Lane.HI)
        ? store.read(Lane.HI, consumer, hiAsked).timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        : Future.succeededFuture(List.of());
    // whether to read again at once: only when a read brought as many as it asked for (there may be more), or the
    // interactive lane had some and the bulk lane was not looked at. A read that brought fewer has emptied the lane as
    // of then; what comes after wakes the dispatcher. (Reading again after every read that brought something, and
    // after every finished send, cost three reads a login code, most of them empty: about 4 of 17 Redis commands a
    // journey, 2026-11-30.)
    first.compose(hi -> {
      hi.forEach(this::dispatch);
      boolean hiFull = lanes.contains(Lane.HI) && hi.size() >= hiAsked;
      int bulkRoom = Math.min(config.maxInFlight() - inFlight(), bulkLimit() - inFlight.get(Lane.LO).size());
      if (lanes.contains(Lane.LO) && hi.isEmpty() && !bulkHeld && interactiveSending.getAsInt() >= BULK_YIELDS_AT) {
        yielded = true; // looks again soon, and when one of its sends finishes
        roomWanted = true;
        return Future.succeededFuture(hiFull);
      }
      if (!lanes.contains(Lane.LO) || !hi.isEmpty() || bulkHeld) {
        return Future.succeededFuture(hiFull || (lanes.contains(Lane.LO) && !hi.isEmpty() && !bulkHeld));
      }
      if (bulkRoom <= 0) {
        roomWanted = true; // a finishing bulk send reads again
        return Future.succeededFuture(false);
      }
      int loAsked = Math.min(bulkRoom, READ_BATCH);
      return store.read(Lane.LO, consumer, loAsked)
          .timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS).map(lo -> {
        lo.forEach(this::dispatch);
        return lo.size() >= loAsked;
      });
    }).onComplete(ar -> {
      polling = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        down(ar.cause());
        idle(RETRY_MS);
        return;
      }
      up();
      if (ar.result() || pollAgain) {
        vertx.runOnContext(v -> poll());
      } else {
        idle(yielded ? Math.min(YIELD_RECHECK_MS, config.idlePoll().toMillis()) : config.idlePoll().toMillis());
      }
    });
  }

  private void down(Throwable cause) {
    if (reading) {
      reading = false;
      downSinceMs = System.nanoTime() / 1_000_000;
      LOG.warn("outbox dispatcher {} ({}) cannot read the outbox, messages wait; retrying every {} ms: {}", consumer,
          laneNames, RETRY_MS, RedactedException.describe(cause));
      stateListener.accept(false);
    }
  }

  private void up() {
    if (!reading) {
      reading = true;
      LOG.warn("outbox dispatcher {} ({}) reads the outbox again after {} ms", consumer, laneNames,
          System.nanoTime() / 1_000_000 - downSinceMs);
      stateListener.accept(true);
    }
  }

  private void idle(long ms) {
    if (idleTimer < 0 && !stopped) {
      idleTimer = vertx.setTimer(ms, t -> {
        idleTimer = -1;
        poll();
      });
    }
  }

  /**
   * Sends one entry, counted in flight on its lane until it is finished; then polls again. Entries taken over
   * by {@link OutboxRecovery} come here too, whatever the room; one this dispatcher is already sending is not
   * sent twice at once.
   * @return false when the entry was already in flight here
   */
  boolean dispatch(Entry entry) {
    if (bulkHeld && entry.lane() == Lane.LO) {
      return false; // left pending: its lease runs out and another instance, or this one restarted, sends it
    }
    Map<String, Entry> lane = inFlight.get(entry.lane());
    if (lane.putIfAbsent(entry.entryId(), entry) != null) {
      return false;
    }
    sending.incrementAndGet();
    sender.send(entry).onComplete(ar -> {
      lane.remove(entry.entryId());
      sending.decrementAndGet();
      if (ar.failed()) {
        // the entry stays pending: its lease runs out and recovery takes it over
        if (stopped) {
          LOG.info("outbox entry {} not finished before the outbox stopped: {}", entry.entryId(),
              RedactedException.describe(ar.cause()));
        } else {
          LOG.warn("outbox entry {} not finished: {}", entry.entryId(), RedactedException.describe(ar.cause()));
        }
      }
      if (stopped) {
        if (inFlight() == 0) {
          drained.forEach(Promise::tryComplete);
          drained.clear();
        }
        return;
      }
      if (roomWanted) {
        poll();
      }
    });
    return true;
  }

  /** How many sends of {@code lane} are in flight. */
  int inFlight(Lane lane) {
    return inFlight.get(lane).size();
  }

  /**
   * Renews the leases of the entries being sent, lane by lane (a lane failing does not stop the other).
   * @return how many were renewed; failures are logged at debug (the next reads show whether Redis is there)
   */
  public Future<Integer> renewLeases() {
    if (stopped) {
      return Future.succeededFuture(0);
    }
    List<Future<Integer>> renewed = new ArrayList<>();
    for (Lane lane : lanes) {
      List<String> ids = List.copyOf(inFlight.get(lane).keySet());
      renewed.add(store.renewLeases(lane, consumer, ids).recover(e -> {
        LOG.debug("outbox leases of {} not renewed: {}", lane, RedactedException.describe(e));
        return Future.succeededFuture(0);
      }));
    }
    return Future.all(renewed).map(all -> renewed.stream().mapToInt(Future::result).sum());
  }

  boolean stopped() {
    return stopped;
  }
}
