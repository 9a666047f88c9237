package fr.sesame.gateway.notify;

import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Lane;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash recovery: takes over the entries whose lease ran out, that is which the dispatcher that read them has
 * neither finished nor renewed for {@code recoverAfter} (default 5 s; its gateway died, or lost Redis), and
 * hands them to this instance's {@link OutboxDispatcher}: the interactive lane (login codes) first, the bulk
 * one after, in batches of {@value #CLAIM_BATCH} until none is left or {@code maxInFlight} were taken this run.
 * It then removes from the group the consumers that hold nothing and have not read for twice
 * {@code recoverAfter} (dead dispatchers). The {@link Outbox} runs it every {@code recoverEvery} (default 1 s),
 * so a dead instance's messages are sent again within about {@code recoverAfter + recoverEvery}. Run it on the
 * dispatcher's context: the entries join its sends in flight. It takes over only the lanes its dispatcher reads
 * (an instance's interactive dispatcher recovers login codes, its bulk one the rest, one recovery period later
 * so that a dead instance's codes are sent first).
 */
public final class OutboxRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRecovery.class);
  private static final int CLAIM_BATCH = 64;
  private final OutboxStore store;
  private final OutboxDispatcher dispatcher;
  private final OutboxConfig config;
  private final String consumer;
  private boolean running;

  /**
   * @param config   {@code recoverAfter} (the lease) and {@code maxInFlight}
   * @param consumer the dispatcher's name in the consumer group, which the entries are claimed for
   */
  public OutboxRecovery(OutboxStore store, OutboxDispatcher dispatcher, OutboxConfig config, String consumer) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.config = config;
    this.consumer = consumer;
  }

  /**
   * Claims the entries whose lease ran out, login codes first, then removes dead consumers. A run that overlaps
   * the previous one does nothing.
   * @return how many entries were taken over (their sends are started, not finished); fails when Redis did not
   *     answer (logged at debug: the dispatcher reports Redis being away once)
   */
  public Future<Integer> recover() {
    if (running || dispatcher.stopped()) {
      return Future.succeededFuture(0);
    }
    running = true;
    return claim(Lane.HI, 0).compose(hi -> claim(Lane.LO, hi))
        .compose(n -> reap().map(n))
        .onComplete(ar -> running = false)
        .onFailure(e -> LOG.debug("outbox recovery failed: {}", RedactedException.describe(e)));
  }

  private Future<Integer> claim(Lane lane, int taken) {
    int room = config.maxInFlight() - taken;
    if (room <= 0 || dispatcher.stopped() || !dispatcher.lanes().contains(lane)) {
      return Future.succeededFuture(taken);
    }
    int batch = Math.min(room, CLAIM_BATCH);
    // A bulk-only part runs on another loop than the login codes' recovery: it takes over bulk entries one recovery
    // period later than codes (idle recoverAfter + recoverEvery), so a dead instance's codes go first
    java.time.Duration idle = lane == Lane.LO && !dispatcher.lanes().contains(Lane.HI)
        ? config.recoverAfter().plus(config.recoverEvery()) : config.recoverAfter();
    return store.claimStale(lane, consumer, idle, batch).compose(entries -> {
      entries.forEach(dispatcher::dispatch);
      if (!entries.isEmpty()) {
        LOG.info("outbox recovery took over {} {} entries whose lease ran out", entries.size(), lane);
      }
      return entries.size() < batch ? Future.succeededFuture(taken + entries.size())
          : claim(lane, taken + entries.size());
    });
  }

  private Future<List<String>> reap() {
    Future<List<String>> hi = reap(Lane.HI);
    Future<List<String>> lo = reap(Lane.LO);
    return Future.all(hi, lo).map(v -> {
      if (!hi.result().isEmpty() || !lo.result().isEmpty()) {
        LOG.info("outbox consumers removed (dead, holding nothing): {} {}", hi.result(), lo.result());
      }
      return hi.result();
    });
  }

  private Future<List<String>> reap(Lane lane) {
    return dispatcher.lanes().contains(lane)
        ? store.removeIdleConsumers(lane, config.recoverAfter().multipliedBy(2), consumer)
        : Future.succeededFuture(List.of());
  }
}
