package fr.sesame.gateway.notify;

import fr.sesame.channels.DeliveryReports;
import fr.sesame.gateway.store.OutboxStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies providers' delivery reports to the outbox, whether a provider called the webhook or the
 * {@link DeliveryStatusPoller} asked it: a delivered message becomes final, an undelivered one is queued again
 * for the next provider of its chain (and the dispatcher is woken for it). Reports about unknown messages (login
 * codes whose record is gone, purged ones, another system's) are ignored. The attempt it records carries the
 * injected clock's time.
 */
public final class DeliveryReportApplier {
  private final OutboxStore store;
  private final OutboxSignals signals;
  private final Clock clock;

  public DeliveryReportApplier(OutboxStore store, OutboxSignals signals, Clock clock) {
    this.store = store;
    this.signals = signals;
    this.clock = clock;
  }

  /**
   * @param provider the provider's name in the channels configuration ("ovh", "mailjet-sms")
   * @return how many reports changed a notification; fails when the store does (then some reports may have
   *     been applied: applying one again changes nothing, so the provider's retry is safe)
   */
  public Future<Integer> apply(String provider, List<DeliveryReports.Report> reports) {
    List<Future<OutboxStore.ReportOutcome>> all = new ArrayList<>();
    for (var r : reports) {
      all.add(store.byProviderMessage(provider, r.providerMessageId()).compose(id -> id.isEmpty()
          ? Future.succeededFuture(OutboxStore.ReportOutcome.IGNORED)
          : store.report(id.get(), clock.millis(), provider, r.delivered(), new JsonObject().put("provider", provider)
              .put("at", clock.instant().toString()).put("outcome", r.delivered() ? "delivered"
                  : "not-delivered: " + r.reason()).encode())));
    }
    return Future.all(all).map(cf -> {
      int changed = 0;
      for (var f : all) {
        if (f.result() == OutboxStore.ReportOutcome.REQUEUED) {
          signals.wake();
        }
        changed += f.result() == OutboxStore.ReportOutcome.IGNORED ? 0 : 1;
      }
      return changed;
    });
  }
}
