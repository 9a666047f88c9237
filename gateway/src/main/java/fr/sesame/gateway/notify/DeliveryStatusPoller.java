package fr.sesame.gateway.notify;

import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.channels.Notifier;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.OutboxStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks providers without delivery webhook (Mailjet SMS) what became of the messages they took: first
 * {@code reportPollEvery} after the send (default 10 s), then as often, until {@code reportPollFor} after it
 * (default 30 min; the message then stays {@code sent}). A final answer goes through the
 * {@link DeliveryReportApplier} like a webhook's report (undelivered: on to the next provider). The
 * {@link Outbox} runs it twice per {@code reportPollEvery}; tests may run it on demand, from any thread.
 */
public final class DeliveryStatusPoller {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryStatusPoller.class);
  /** The most messages one run asks about. */
  private static final int BATCH = 64;
  private final OutboxStore store;
  private final Notifier notifier;
  private final DeliveryReportApplier reports;
  private final Clock clock;
  private final OutboxConfig config;

  /** @param config {@code reportPollEvery} and {@code reportPollFor} */
  public DeliveryStatusPoller(OutboxStore store, Notifier notifier, DeliveryReportApplier reports, Clock clock,
                              OutboxConfig config) {
    this.store = store;
    this.notifier = notifier;
    this.reports = reports;
    this.clock = clock;
    this.config = config;
  }

  /**
   * Asks about the messages due, each leased for three {@code reportPollEvery} so that no other instance asks
   * meanwhile. No answer yet, or the provider unreachable, asks again {@code reportPollEvery} later; a provider
   * no longer configured is not asked again.
   * @return how many messages were due; fails when Redis did not answer (logged)
   */
  public Future<Integer> askProviders() {
    long now = clock.millis();
    long every = config.reportPollEvery().toMillis();
    return store.duePolls(now, every * 3, BATCH).compose(due -> {
      List<Future<Void>> all = new ArrayList<>();
      for (OutboxStore.Poll p : due) {
        var poller = notifier.deliveryStatus(p.provider());
        if (poller.isEmpty() || now - p.sentAtMs() > config.reportPollFor().toMillis()) {
          all.add(store.pollAgain(p, 0)); // no longer configured, or asked long enough: it stays "sent"
          continue;
        }
        all.add(poller.get().poll(p.providerMessageId())
            .compose(report -> report.isEmpty() ? store.pollAgain(p, clock.millis() + every)
                : reports.apply(p.provider(), List.of(report.get())).compose(n -> store.pollAgain(p, 0)))
            .recover(e -> {
              LOG.debug("asking {} about a message failed: {}", p.provider(), RedactedException.describe(e));
              return store.pollAgain(p, clock.millis() + every);
            }));
      }
      return Future.join(all).map(cf -> due.size());
    }).onFailure(e -> LOG.warn("asking providers for delivery reports failed: {}", RedactedException.describe(e)));
  }
}
