package fr.sesame.gateway.notify;

import fr.sesame.channels.AttemptListener;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.RejectedMessageException;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.NotificationField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Entry;
import fr.sesame.gateway.store.OutboxStore.Lane;
import fr.sesame.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the outbox holds: one per gateway instance, on its own event loop, one consumer of the
 * {@code dispatch} group. Each poll reads the interactive lane before the bulk one, and bulk messages may
 * only fill {@code bulkShare} of the in-flight sends, so a login code never waits behind a campaign. An
 * entry is acknowledged together with its recorded outcome; one left pending by a dispatcher that died is
 * taken over after {@code recoverAfter}. Delivery is at least once, but never twice through one provider: the
 * provider a send goes to is recorded before it is called, and excluded if that send's dispatcher died.
 */
public final class OutboxDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
  private final Vertx vertx;
  private final OutboxStore store;
  private final Notifier notifier;
  private final TemplateCatalog templates;
  private final FieldCipher cipher;
  private final Clock clock;
  private final OutboxConfig config;
  private final String consumer;
  private final GatewayMetrics metrics;
  private final AuditTrail audit;
  private final OutboxSignals signals;
  private final DeliveryReportApplier reports;
  private int inFlightHi;
  private int inFlightLo;
  private boolean polling;
  private boolean pollAgain;
  private long idleTimer = -1;

  /** The first provider of each channel's chain, as begin.lua takes them ("email=smtp,sms=ovh"). */
  private final String firstProviders;

  public OutboxDispatcher(Vertx vertx, OutboxStore store, Notifier notifier, TemplateCatalog templates,
                          FieldCipher cipher, Clock clock, OutboxConfig config, String consumer, GatewayMetrics metrics,
                          AuditTrail audit, OutboxSignals signals, DeliveryReportApplier reports) {
    this.vertx = vertx;
    this.store = store;
    this.notifier = notifier;
    this.templates = templates;
    this.cipher = cipher;
    this.clock = clock;
    this.config = config;
    this.consumer = consumer;
    this.metrics = metrics;
    this.audit = audit;
    this.signals = signals;
    this.reports = reports;
    StringBuilder first = new StringBuilder();
    for (ChannelKind kind : ChannelKind.values()) {
      String provider = notifier.firstProvider(kind);
      if (!provider.isEmpty()) {
        first.append(first.length() == 0 ? "" : ",").append(kind.wireName()).append('=').append(provider);
      }
    }
    this.firstProviders = first.toString();
  }

  /** Starts on the caller's context (a verticle's). */
  public Future<Void> start() {
    return store.ensureGroups().onSuccess(v -> {
      signals.onWake(this::poll);
      vertx.setPeriodic(config.recoverEvery().toMillis(), t -> recover());
      vertx.setPeriodic(config.purgeEvery().toMillis(), t -> purge());
      vertx.setPeriodic(Math.max(100, config.reportPollEvery().toMillis() / 2), t -> askProviders());
      poll();
    });
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
    store.read(Lane.HI, consumer, Math.min(free, 64)).compose(hi -> {
      hi.forEach(this::process);
      int bulkRoom = Math.min(config.maxInFlight() - inFlightHi - inFlightLo, bulkLimit() - inFlightLo);
      if (bulkRoom <= 0 || !hi.isEmpty()) {
        return Future.succeededFuture(hi.size());
      }
      return store.read(Lane.LO, consumer, Math.min(bulkRoom, 64)).map(lo -> {
        lo.forEach(this::process);
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

  private void process(Entry entry) {
    boolean hi = entry.lane() == Lane.HI;
    if (hi) {
      inFlightHi++;
    } else {
      inFlightLo++;
    }
    send(entry).onComplete(ar -> {
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

  private Future<Void> send(Entry entry) {
    String id = entry.notificationId();
    return store.begin(id, clock.millis(), firstProviders).compose(work -> {
      if (work.isEmpty()) {
        return store.ack(entry);
      }
      OutboxStore.Work w = work.get();
      ChannelKind channel = ChannelKind.fromWire(w.channel()).orElseThrow();
      String to = cipher.decrypt(w.toEnc(), CipherContext.notification(id, NotificationField.RECIPIENT));
      Map<String, String> data = new HashMap<>();
      String dataBinding = w.dataSource().isEmpty() ? id : w.dataSource(); // a resent code carries its source's
      new JsonObject(cipher.decrypt(w.dataEnc(), CipherContext.notification(dataBinding, NotificationField.DATA)))
          .forEach(e -> data.put(e.getKey(), String.valueOf(e.getValue())));
      // a template with a PDF is CPU work: rendered on a worker, not on the dispatcher's event loop
      boolean heavy = templates.spec(w.template()).map(spec -> spec.pdf() != null).orElse(false);
      Future<Message> rendered = heavy
          ? vertx.executeBlocking(() -> templates.render(w.template(), channel, w.lang(), to, data))
          : Future.succeededFuture(templates.render(w.template(), channel, w.lang(), to, data));
      return rendered.compose(message -> dispatch(entry, id, w, message));
    });
  }

  private Future<Void> dispatch(Entry entry, String id, OutboxStore.Work w, Message message) {
    List<String> attempts = new ArrayList<>();
    AttemptListener listener = new AttemptListener() {
      @Override
      public void attempt(String provider, java.time.Instant at, String outcome) {
        attempts.add(new JsonObject().put("provider", provider).put("at", at.toString())
            .put("outcome", outcome).encode());
      }

      private boolean premarkUsed;

      @Override
      public Future<Void> starting(String provider) {
        if (!premarkUsed && provider.equals(w.premarked())) {
          premarkUsed = true; // begin.lua recorded it already
          return Future.succeededFuture();
        }
        return store.sendingTo(id, provider);
      }
    };
    return notifier.send(message, listener, java.util.Set.copyOf(w.excluded()))
        .map(r -> new String[] {"sent", r.provider(), r.messageId(), ""})
        .otherwise(e -> new String[] {"failed", "", "",
            e instanceof RejectedMessageException ? "rejected: " + e.getMessage() : e.getMessage()})
        .compose(outcome -> {
          metrics.notification(w.template(), outcome[0]);
          long now = clock.millis();
          boolean ask = "sent".equals(outcome[0]) && notifier.deliveryStatus(outcome[1]).isPresent();
          Future<Void> finished = store.finish(new OutboxStore.Finish(entry, now, outcome[0], outcome[1], outcome[2],
              outcome[3], attempts, config.recordRetention().toMillis(),
              ask ? now + config.reportPollEvery().toMillis() : 0));
          // sent together with the finish (one round trip): the event says what the provider answered, which
          // stays true even if the finish must be retried after a crash
          Future<Void> audited = w.electionId().isEmpty() ? Future.succeededFuture()
              : audit.record(w.electionId(), AuditEvent.of(clock.instant(), "notification." + outcome[0],
                  "gateway:outbox", "", outcome[0], "notification", id, "template", w.template(),
                  "channel", w.channel(), "provider", outcome[1].isEmpty() ? null : outcome[1],
                  "attempts", attempts.size(), "error", outcome[3].isEmpty() ? null : outcome[3]))
              .recover(e -> {
                LOG.warn("audit of notification {} failed: {}", id, e.getMessage());
                return Future.succeededFuture();
              });
          return Future.all(finished, audited).<Void>mapEmpty()
              .onSuccess(v -> signals.finished(id, new SendOutcome(outcome[0], outcome[3])));
        });
  }

  /**
   * Asks providers without delivery webhook (Mailjet SMS) about the messages due: a final answer is applied
   * like a webhook's report (undelivered: on to the next provider); no answer yet, or the provider
   * unreachable, asks again later, until {@code reportPollFor} after the send.
   * @return how many messages were asked about
   */
  public Future<Integer> askProviders() {
    long now = clock.millis();
    long every = config.reportPollEvery().toMillis();
    return store.duePolls(now, every * 3, 64).compose(due -> {
      List<Future<Void>> all = new ArrayList<>();
      for (OutboxStore.Poll p : due) {
        var poller = notifier.deliveryStatus(p.provider());
        if (poller.isEmpty() || now - p.sentAtMs() > config.reportPollFor().toMillis()) {
          all.add(store.pollAgain(p, 0)); // no longer configured, or asked long enough: it stays "sent"
          continue;
        }
        all.add(poller.get().poll(p.providerMessageId())
            .compose(report -> report.isEmpty() ? store.pollAgain(p, clock.millis() + every)
                : reports.apply(p.provider(), List.of(report.get()))
                    .compose(n -> store.pollAgain(p, 0)))
            .recover(e -> {
              LOG.debug("asking {} about a message failed: {}", p.provider(), e.getMessage());
              return store.pollAgain(p, clock.millis() + every);
            }));
      }
      return Future.join(all).map(cf -> due.size());
    }).onFailure(e -> LOG.warn("asking providers for delivery reports failed: {}", e.getMessage()));
  }

  /** Takes over entries other (dead) dispatchers left pending. */
  void recover() {
    for (Lane lane : Lane.values()) {
      store.claimStale(lane, consumer, config.recoverAfter(), 32)
          .onSuccess(entries -> entries.forEach(this::process))
          .onFailure(e -> LOG.warn("outbox recovery failed: {}", e.getMessage()));
    }
  }

  /**
   * Retention: contents after {@code contentRetention}, records after {@code recordRetention}, in batches of
   * {@value #PURGE_BATCH} until none is due (at most {@value #PURGE_BATCHES} batches a run).
   * @return {contents purged, records purged}
   */
  public Future<long[]> purge() {
    long now = clock.millis();
    return purgeFrom(now, now - config.recordRetention().toMillis(),
        new long[2], 0).onFailure(e -> LOG.warn("outbox retention failed: {}", e.getMessage()));
  }

  private static final int PURGE_BATCH = 500;
  private static final int PURGE_BATCHES = 200;

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
