package fr.sesame.gateway.notify;

import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Lane;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash recovery: takes over the entries another dispatcher read and has not finished for {@code recoverAfter}
 * (default 60 s; its gateway died, or lost Redis), at most {@value #CLAIM_BATCH} per lane a run, and hands them
 * to this instance's {@link OutboxDispatcher}. The {@link Outbox} runs it every {@code recoverEvery} (default
 * 5 s). Run it on the dispatcher's context: the entries join its sends in flight.
 */
public final class OutboxRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRecovery.class);
  private static final int CLAIM_BATCH = 32;
  private final OutboxStore store;
  private final OutboxDispatcher dispatcher;
  private final OutboxConfig config;
  private final String consumer;

  /**
   * @param config   {@code recoverAfter}
   * @param consumer the dispatcher's name in the consumer group, which the entries are claimed for
   */
  public OutboxRecovery(OutboxStore store, OutboxDispatcher dispatcher, OutboxConfig config, String consumer) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.config = config;
    this.consumer = consumer;
  }

  /**
   * Claims stale entries of both lanes, each lane on its own: one failing does not stop the other.
   * @return how many entries were taken over (their sends are started, not finished); fails, once both lanes
   *     answered, when Redis did not answer for one (logged)
   */
  public Future<Integer> recover() {
    List<Future<Integer>> lanes = new ArrayList<>();
    for (Lane lane : Lane.values()) {
      lanes.add(store.claimStale(lane, consumer, config.recoverAfter(), CLAIM_BATCH).map(entries -> {
        entries.forEach(dispatcher::dispatch);
        return entries.size();
      }).onFailure(e -> LOG.warn("outbox recovery failed: {}", e.getMessage())));
    }
    return Future.join(lanes).map(all -> lanes.stream().mapToInt(Future::result).sum());
  }
}
