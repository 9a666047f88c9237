package fr.sesame.gateway.notify;

import fr.sesame.gateway.config.OutboxConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * One gateway instance's outbox jobs and their schedule: the {@link OutboxDispatcher} runs continuously and
 * renews the leases of its sends three times per {@code recoverAfter} (default 5 s, so every 1.7 s; never more
 * often than every 100 ms); the {@link OutboxRecovery} every {@code recoverEvery} (default 1 s), the {@link OutboxRetention} every
 * {@code purgeEvery} (default 1 min) and the {@link DeliveryStatusPoller} twice per {@code reportPollEvery}
 * (default 10 s, so every 5 s; never more often than every 100 ms), all as Vert.x periodic timers on the
 * context that starts it (the
 * {@code DispatchVerticle}'s). A run that fails is logged by its job, and the next run tries again.
 */
public final class Outbox {
  private final Vertx vertx;
  private final OutboxConfig config;
  private final OutboxDispatcher dispatcher;
  private final OutboxRecovery recovery;
  private final OutboxRetention retention;
  private final DeliveryStatusPoller statusPoller;
  private final List<Long> timers = new ArrayList<>();
  private Future<Void> stopped;

  public Outbox(Vertx vertx, OutboxConfig config, OutboxDispatcher dispatcher, OutboxRecovery recovery,
                OutboxRetention retention, DeliveryStatusPoller statusPoller) {
    this.vertx = vertx;
    this.config = config;
    this.dispatcher = dispatcher;
    this.recovery = recovery;
    this.retention = retention;
    this.statusPoller = statusPoller;
  }

  /**
   * Starts the dispatcher on the caller's context, then the periodic jobs there.
   * @return fails, with nothing scheduled, when the dispatcher cannot start (Redis does not answer)
   */
  public Future<Void> start() {
    return dispatcher.start().onSuccess(v -> {
      timers.add(vertx.setPeriodic(Math.max(100, config.recoverAfter().toMillis() / 3),
          t -> dispatcher.renewLeases()));
      timers.add(vertx.setPeriodic(config.recoverEvery().toMillis(), t -> recovery.recover()));
      timers.add(vertx.setPeriodic(config.purgeEvery().toMillis(), t -> retention.purge()));
      // twice a period: a message is asked about at most half a period after it is due
      timers.add(vertx.setPeriodic(Math.max(100, config.reportPollEvery().toMillis() / 2),
          t -> statusPoller.askProviders()));
    });
  }

  /**
   * Cancels the periodic jobs and stops the dispatcher reading: after it, the outbox sends no command to Redis
   * but the outcomes of the sends in flight. Idempotent; call it on the context that started the outbox.
   * @return completes when those sends have ended (their outcomes recorded, or left for another instance's
   *     recovery when Redis is gone); the same future on every call
   */
  public Future<Void> stop() {
    if (stopped == null) {
      timers.forEach(vertx::cancelTimer);
      timers.clear();
      stopped = dispatcher.stop();
    }
    return stopped;
  }

  /** No new bulk send from now on (the gateway begins to close); login codes still go. Safe from any thread. */
  public void holdBulk() {
    dispatcher.holdBulk();
  }

  /** Whether the dispatcher can read the outbox (readiness): false while Redis or its consumer group is away. */
  public boolean dispatching() {
    return dispatcher.reading();
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
