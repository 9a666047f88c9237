package fr.sesame.gateway.notify;

import fr.sesame.gateway.problem.RedactedException;
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
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Entry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one outbox entry the {@link OutboxDispatcher} read or the {@link OutboxRecovery} took over: marks it as
 * being sent ({@code begin.lua}), decrypts and renders it, sends it through the notifier's fallback chain,
 * then records the outcome and the attempts and acknowledges the entry in one step, with the audit event of an
 * election's notification, and tells {@link OutboxSignals#finished} how it ended. Delivery is at least once, but
 * never twice through one provider: the provider a send goes to is recorded before it is called, and excluded
 * if that send's dispatcher died. A provider that builds a send in steps (Maileva) reports what it built before
 * the irreversible step; after a crash it is asked whether that went out before anything is sent again.
 */
public final class OutboxSender {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
  private final Vertx vertx;
  private final OutboxStore store;
  private final Notifier notifier;
  private final TemplateCatalog templates;
  private final FieldCipher cipher;
  private final Clock clock;
  private final OutboxConfig config;
  private final GatewayMetrics metrics;
  private final AuditTrail audit;
  private final OutboxSignals signals;
  /** Each channel's chain, as begin.lua takes them ("email=smtp|ses,sms=ovh"). */
  private final String chains;

  /** How a send ended: {@code sent} with the provider and its message id, or {@code failed} with the error. */
  private record Result(String status, String provider, String messageId, String error) {}

  /**
   * @param vertx   renders templates with a PDF on its worker pool
   * @param clock   the time of the records, attempts and audit events
   * @param config  {@code recordRetention} (how long attempts are kept) and {@code reportPollEvery} (when a
   *                provider without webhook is first asked)
   * @param audit   records what happened to an election's notifications
   * @param signals told each outcome, for a caller waiting on it
   */
  public OutboxSender(Vertx vertx, OutboxStore store, Notifier notifier, TemplateCatalog templates, FieldCipher cipher,
                      Clock clock, OutboxConfig config, GatewayMetrics metrics, AuditTrail audit,
                      OutboxSignals signals) {
    this.vertx = vertx;
    this.store = store;
    this.notifier = notifier;
    this.templates = templates;
    this.cipher = cipher;
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
    this.audit = audit;
    this.signals = signals;
    StringBuilder chains = new StringBuilder();
    for (ChannelKind kind : ChannelKind.values()) {
      List<String> chain = notifier.chain(kind);
      if (!chain.isEmpty()) {
        chains.append(chains.length() == 0 ? "" : ",").append(kind.wireName()).append('=')
            .append(String.join("|", chain));
      }
    }
    this.chains = chains.toString();
  }

  /**
   * Sends the entry's notification, or only acknowledges the entry when there is nothing to send (final
   * already, or its content purged). A failed send is an outcome, recorded like a sent one.
   * @return completes once the outcome is recorded; fails when the store did not answer, and the entry then
   *     stays pending for recovery
   */
  public Future<Void> send(Entry entry) {
    String id = entry.notificationId();
    // unique enough per notification: it only tells a replayed begin or finish from another attempt's
    String attempt = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    return store.begin(id, clock.millis(), chains, attempt).compose(work -> {
      if (work.isEmpty()) {
        return store.ack(entry);
      }
      OutboxStore.Work w = work.get();
      if (w.reference().isEmpty()) {
        return render(id, w).compose(message -> dispatch(entry, attempt, id, w, message, new ArrayList<>()));
      }
      return resume(entry, attempt, id, w);
    });
  }

  /**
   * A send interrupted once its provider had built it: that provider is asked whether it went out. Found sent,
   * it is finished as sent, with no second send; not sent, it is sent again (no duplicate: the provider said so).
   * When the provider cannot tell, nothing is sent and nothing finished: the entry stays pending, its lease runs
   * out and recovery asks again later, since sending it could post a second letter.
   */
  private Future<Void> resume(Entry entry, String attempt, String id, OutboxStore.Work w) {
    return notifier.resume(w.builtBy(), w.reference())
        .recover(e -> {
          LOG.warn("notification {} interrupted by a crash: {} cannot tell yet whether {} went out, asked again later: {}",
              id, w.builtBy(), w.reference(), e.getMessage());
          return Future.failedFuture(e);
        })
        .compose(found -> {
          List<String> attempts = new ArrayList<>();
          if (found.isPresent()) {
            LOG.info("notification {} interrupted by a crash was found sent by {} ({})", id, w.builtBy(), w.reference());
            attempts.add(attemptJson(w.builtBy(), clock.instant(), "found sent after a crash"));
            return finish(entry, attempt, id, w, attempts,
                new Result("sent", found.get().provider(), found.get().messageId(), ""));
          }
          attempts.add(attemptJson(w.builtBy(), clock.instant(), "not sent before the crash"));
          return render(id, w).compose(message -> dispatch(entry, attempt, id, w, message, attempts));
        });
  }

  private static String attemptJson(String provider, Instant at, String outcome) {
    return new JsonObject().put("provider", provider).put("at", at.toString()).put("outcome", outcome).encode();
  }

  /** Decrypts and renders the notification (a template with a PDF on a worker). */
  private Future<Message> render(String id, OutboxStore.Work w) {
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
    if (w.attachmentsEnc().isEmpty()) {
      return rendered;
    }
    // the files the sender attached (the sealing PDF) go after the template's own, to every provider of the chain;
    // up to 2 MiB to decrypt and decode: on a worker, not on the dispatcher's event loop
    return rendered.compose(m -> vertx.executeBlocking(() -> {
      List<fr.sesame.channels.Attachment> all = new ArrayList<>(m.attachments());
      all.addAll(NotificationService.attachments(cipher, id, w.attachmentsEnc()));
      return new Message(m.kind(), m.to(), m.subject(), m.text(), m.purpose(), all, m.lang());
    }));
  }

  /** @param attempts the attempts so far (the finding of an interrupted send's provider), added to */
  private Future<Void> dispatch(Entry entry, String attempt, String id, OutboxStore.Work w, Message message,
                                List<String> attempts) {
    AttemptListener listener = new AttemptListener() {
      @Override
      public void attempt(String provider, Instant at, String outcome) {
        attempts.add(attemptJson(provider, at, outcome));
      }

      @Override
      public Future<Void> built(String provider, String reference) {
        return store.built(id, provider, reference);
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
    if (!w.sentAgainTo().isEmpty()) {
      LOG.info("notification {} interrupted by a crash goes to {} again: a possible duplicate", id, w.sentAgainTo());
    }
    return notifier.send(message, listener, Set.copyOf(w.excluded()))
        .map(r -> new Result("sent", r.provider(), r.messageId(), ""))
        .otherwise(e -> new Result("failed", "", "",
            e instanceof RejectedMessageException ? "rejected: " + e.getMessage() : e.getMessage()))
        .compose(result -> finish(entry, attempt, id, w, attempts, result));
  }

  private Future<Void> finish(Entry entry, String attempt, String id, OutboxStore.Work w, List<String> attempts, Result result) {
    metrics.notification(w.template(), result.status());
    long now = clock.millis();
    boolean ask = "sent".equals(result.status()) && notifier.deliveryStatus(result.provider()).isPresent();
    Future<Void> finished = store.finish(new OutboxStore.Finish(entry, attempt, now, result.status(), result.provider(),
        result.messageId(), result.error(), attempts, config.recordRetention().toMillis(),
        ask ? now + config.reportPollEvery().toMillis() : 0));
    // sent together with the finish (one round trip): the event says what the provider answered, which
    // stays true even if the finish must be retried after a crash
    Future<Void> audited = w.electionId().isEmpty() ? Future.succeededFuture()
        : audit.record(w.electionId(), AuditEvent.of(clock.instant(), "notification." + result.status(),
            "gateway:outbox", "", result.status(), "notification", id, "template", w.template(),
            "channel", w.channel(), "provider", result.provider().isEmpty() ? null : result.provider(),
            "attempts", attempts.size(), "error", result.error().isEmpty() ? null : result.error()))
        .recover(e -> {
          LOG.warn("audit of notification {} failed: {}", id, RedactedException.describe(e));
          return Future.succeededFuture();
        });
    return Future.all(finished, audited).<Void>mapEmpty()
        .onSuccess(v -> signals.finished(id, new SendOutcome(result.status(), result.error())));
  }
}
