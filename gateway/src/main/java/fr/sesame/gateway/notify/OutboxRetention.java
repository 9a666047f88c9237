package fr.sesame.gateway.notify;

import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.OutboxStore;
import io.vertx.core.Future;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes notifications' contents (recipient, data) once their purge time passed
 * ({@code contentRetention} after the accept, default 48 h, or sooner for a login code), and their whole records
 * (status, attempts) {@code recordRetention} after the accept (default 90 days), by the injected clock. The
 * {@link Outbox} runs it every {@code purgeEvery} (default 1 min); operations and tests may run it on demand,
 * from any thread.
 */
public final class OutboxRetention {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRetention.class);
  private static final int PURGE_BATCH = 500;
  private static final int PURGE_BATCHES = 200;
  private final OutboxStore store;
  private final Clock clock;
  private final OutboxConfig config;

  /** What one run deleted: notifications whose content went, and whose whole record went. */
  public record Purged(long contents, long records) {}

  /** @param config {@code recordRetention} */
  public OutboxRetention(OutboxStore store, Clock clock, OutboxConfig config) {
    this.store = store;
    this.clock = clock;
    this.config = config;
  }

  /**
   * Purges what is due, in batches of {@value #PURGE_BATCH} until none is due (at most {@value #PURGE_BATCHES}
   * batches a run; the next run goes on).
   * @return what was purged; fails when Redis did not answer (logged), after purging what earlier batches did
   */
  public Future<Purged> purge() {
    long now = clock.millis();
    return purgeFrom(now, now - config.recordRetention().toMillis(), new long[2], 0)
        .map(total -> new Purged(total[0], total[1]))
        .onFailure(e -> LOG.warn("outbox retention failed: {}", RedactedException.describe(e)));
  }

  private Future<long[]> purgeFrom(long contentBefore, long recordBefore, long[] total, int batches) {
    return store.purge(contentBefore, recordBefore, PURGE_BATCH).compose(n -> {
      total[0] += n[0];
      total[1] += n[1];
      boolean more = n[0] == PURGE_BATCH || n[1] == PURGE_BATCH;
      return more && batches + 1 < PURGE_BATCHES
          ? purgeFrom(contentBefore, recordBefore, total, batches + 1) : Future.succeededFuture(total);
    });
  }
}
