package fr.sesame.gateway.notify;

import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.OutboxStore.Lane;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One gateway instance's outbox jobs and their schedule, in two parts, each started on an event loop of its own
 * (the {@code Gateway} chooses them, apart from the HTTP verticles' loops): the <b>interactive</b> part sends login
 * codes and the <b>bulk</b> part the rest,
 * so a campaign's sends never hold a login code's read, its Redis connection or its event loop. Each part's
 * {@link OutboxDispatcher} runs continuously and renews the leases of its sends three times per
 * {@code recoverAfter} (default 5 s, so every 1.7 s; never more often than every 100 ms), and its
 * {@link OutboxRecovery} takes over its lane's stale entries every {@code recoverEvery} (default 1 s). The bulk part
 * also runs the {@link OutboxRetention} every {@code purgeEvery} (default 1 min) and the
 * {@link DeliveryStatusPoller} twice per {@code reportPollEvery} (default 10 s, so every 5 s; never more often than
 * every 100 ms). All are Vert.x periodic timers on the part's context. A run that fails is logged by its job, and
 * the next run tries again.
 */
public final class Outbox {
  private final Vertx vertx;
  private final OutboxConfig config;
  private final Map<Lane, Part> parts = new EnumMap<>(Lane.class);
  private final OutboxRetention retention;
  private final DeliveryStatusPoller statusPoller;

  /** One lane's dispatcher and recovery, and the context and timers it was started with. */
  private static final class Part {
    final OutboxDispatcher dispatcher;
    final OutboxRecovery recovery;
    final List<Long> timers = new ArrayList<>();
    Context context;
    Future<Void> stopped;

    Part(OutboxDispatcher dispatcher, OutboxRecovery recovery) {
      this.dispatcher = dispatcher;
      this.recovery = recovery;
    }
  }

  /**
   * @param interactive the dispatcher of the interactive lane ({@link Lane#HI}) and its recovery
   * @param bulk        the dispatcher of the bulk lane ({@link Lane#LO}) and its recovery
   */
  public Outbox(Vertx vertx, OutboxConfig config, OutboxDispatcher interactive, OutboxRecovery interactiveRecovery,
                OutboxDispatcher bulk, OutboxRecovery bulkRecovery, OutboxRetention retention,
                DeliveryStatusPoller statusPoller) {
    if (!interactive.lanes().equals(java.util.Set.of(Lane.HI)) || !bulk.lanes().equals(java.util.Set.of(Lane.LO))) {
      throw new IllegalArgumentException("the interactive dispatcher reads hi, the bulk one lo");
    }
    this.vertx = vertx;
    this.config = config;
    this.parts.put(Lane.HI, new Part(interactive, interactiveRecovery));
    this.parts.put(Lane.LO, new Part(bulk, bulkRecovery));
    this.retention = retention;
    this.statusPoller = statusPoller;
  }

  /**
   * Starts {@code lane}'s part on the caller's context (an event loop of its own): its dispatcher, then its
   * periodic jobs there.
   * @return fails, with nothing scheduled, when the dispatcher cannot start (Redis does not answer)
   */
  public Future<Void> start(Lane lane) {
    Part part = parts.get(lane);
    part.context = vertx.getOrCreateContext();
    return part.dispatcher.start().onSuccess(v -> {
      part.timers.add(vertx.setPeriodic(Math.max(100, config.recoverAfter().toMillis() / 3),
          t -> part.dispatcher.renewLeases()));
      part.timers.add(vertx.setPeriodic(config.recoverEvery().toMillis(), t -> part.recovery.recover()));
      if (lane == Lane.LO) {
        part.timers.add(vertx.setPeriodic(config.purgeEvery().toMillis(), t -> retention.purge()));
        // twice a period: a message is asked about at most half a period after it is due
        part.timers.add(vertx.setPeriodic(Math.max(100, config.reportPollEvery().toMillis() / 2),
            t -> statusPoller.askProviders()));
      }
    });
  }

  /**
   * Cancels {@code lane}'s periodic jobs and stops its dispatcher reading, on the context that started it: after
   * it, that part sends no command to Redis but the outcomes of its sends in flight. Idempotent.
   * @return completes when those sends have ended (their outcomes recorded, or left for another instance's
   *     recovery when Redis is gone); the same future on every call
   */
  public Future<Void> stop(Lane lane) {
    Part part = parts.get(lane);
    synchronized (part) {
      if (part.stopped == null) {
        part.timers.forEach(vertx::cancelTimer);
        part.timers.clear();
        if (part.context == null || part.context == Vertx.currentContext()) {
          part.stopped = part.dispatcher.stop();
        } else {
          Promise<Void> stopped = Promise.promise();
          part.context.runOnContext(v -> part.dispatcher.stop().onComplete(stopped));
          part.stopped = stopped.future();
        }
      }
      return part.stopped;
    }
  }

  /** Stops both parts ({@link #stop(Lane)}). */
  public Future<Void> stop() {
    return Future.all(stop(Lane.HI), stop(Lane.LO)).mapEmpty();
  }

  /** No new bulk send from now on (the gateway begins to close); login codes still go. Safe from any thread. */
  public void holdBulk() {
    parts.get(Lane.LO).dispatcher.holdBulk();
  }

  /** Whether both dispatchers can read the outbox (readiness): false while Redis or a consumer group is away. */
  public boolean dispatching() {
    return parts.values().stream().allMatch(p -> p.dispatcher.reading());
  }

  /** Retention on demand (operations, tests). */
  public OutboxRetention retention() {
    return retention;
  }

  /** Delivery-status polling on demand (tests). */
  public DeliveryStatusPoller statusPoller() {
    return statusPoller;
  }
}
