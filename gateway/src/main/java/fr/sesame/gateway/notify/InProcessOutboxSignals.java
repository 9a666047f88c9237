package fr.sesame.gateway.notify;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link OutboxSignals} inside one JVM: the API and the dispatcher of one gateway instance share it (the
 * composition root makes one per instance). Thread-safe: waits live in a concurrent map; each is ended exactly
 * once, by the outcome, its timeout or a cancel, whichever comes first, and leaves the map then. Timers are
 * Vert.x timers of the given instance.
 */
public final class InProcessOutboxSignals implements OutboxSignals {
  private final Vertx vertx;
  private final List<WakeListener> wakeListeners = new CopyOnWriteArrayList<>();
  /** Waits by notification id: usually one, a set so that two callers awaiting one id both hear of it. */
  private final ConcurrentMap<String, Set<Wait>> waits = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();

  public InProcessOutboxSignals(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
  }

  @Override
  public void wake() {
    for (WakeListener listener : wakeListeners) {
      listener.wake();
    }
  }

  @Override
  public void wake(fr.sesame.gateway.store.OutboxStore.Lane lane) {
    for (WakeListener listener : wakeListeners) {
      if (listener.lanes.contains(lane)) {
        listener.wake();
      }
    }
  }

  @Override
  public Subscription onWake(Runnable poll) {
    return onWake(java.util.EnumSet.allOf(fr.sesame.gateway.store.OutboxStore.Lane.class), poll);
  }

  @Override
  public Subscription onWake(java.util.Set<fr.sesame.gateway.store.OutboxStore.Lane> lanes, Runnable poll) {
    WakeListener listener = new WakeListener(vertx.getOrCreateContext(), Objects.requireNonNull(poll, "poll"),
        java.util.EnumSet.copyOf(lanes));
    wakeListeners.add(listener);
    return () -> wakeListeners.remove(listener);
  }

  @Override
  public void finished(String id, SendOutcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    Set<Wait> expecting = waits.remove(id);
    if (expecting != null) { // out of the map: no other thread changes this set any more
      expecting.forEach(wait -> wait.end(Optional.of(outcome)));
    }
  }

  @Override
  public Expectation expect(String id) {
    Wait wait = new Wait(Objects.requireNonNull(id, "id"), vertx.getOrCreateContext());
    waiting.incrementAndGet();
    waits.compute(id, (k, set) -> {
      Set<Wait> s = set == null ? new HashSet<>() : set;
      s.add(wait);
      return s;
    });
    return wait;
  }

  /** @return waits registered and not ended yet (a wait that timed out or was cancelled no longer counts) */
  public int waiting() {
    return waiting.get();
  }

  private final class Wait implements Expectation {
    private final String id;
    private final Context context;
    private final Promise<Optional<SendOutcome>> promise = Promise.promise();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean timed = new AtomicBoolean();
    private volatile long timer = -1;

    Wait(String id, Context context) {
      this.id = id;
      this.context = context;
    }

    @Override
    public Future<Optional<SendOutcome>> within(Duration timeout) {
      if (timed.compareAndSet(false, true) && !ended.get()) {
        long t = vertx.setTimer(Math.max(1, timeout.toMillis()), fired -> end(Optional.empty()));
        timer = t;
        if (ended.get()) { // ended between the check and the timer: end() may not have seen it
          vertx.cancelTimer(t);
        }
      }
      return promise.future();
    }

    @Override
    public void cancel() {
      end(Optional.empty());
    }

    /** The first call wins: the wait leaves the map, its timer stops, its future completes on its context. */
    void end(Optional<SendOutcome> result) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      waits.computeIfPresent(id, (k, set) -> {
        set.remove(this);
        return set.isEmpty() ? null : set;
      });
      waiting.decrementAndGet();
      long t = timer;
      if (t >= 0) {
        vertx.cancelTimer(t);
      }
      if (Vertx.currentContext() == context) {
        promise.complete(result);
      } else {
        context.runOnContext(v -> promise.complete(result));
      }
    }
  }

  /** One subscriber: wakes that come while one is scheduled on its context are merged into that one. */
  private static final class WakeListener {
    private final Context context;
    private final Runnable poll;
    private final java.util.Set<fr.sesame.gateway.store.OutboxStore.Lane> lanes;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    WakeListener(Context context, Runnable poll, java.util.Set<fr.sesame.gateway.store.OutboxStore.Lane> lanes) {
      this.context = context;
      this.poll = poll;
      this.lanes = lanes;
    }

    void wake() {
      if (scheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> {
          scheduled.set(false); // before polling: a wake from now on schedules another poll
          poll.run();
        });
      }
    }
  }
}
