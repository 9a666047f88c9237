package fr.sesame.gateway.notify;

import fr.sesame.gateway.domain.Accepted;
import fr.sesame.gateway.domain.SendRefusal;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.channels.Attachment;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.NotificationField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.PaidSendPlan;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.store.OutboxStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts notifications into the durable outbox and tells their status. Accepting is one atomic Redis
 * script: once it answers, the message is stored and queued, and some dispatcher will send it or mark it
 * failed. The same idempotency key from the same API key always gives the same id.
 */
public final class NotificationService {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  /**
   * A validated request. {@code electionId} is null or an existing election whose audit trail records it;
   * {@code contentRetention} is null for the configured one (48 h), or shorter for a secret that is useless
   * sooner (a login code); {@code dataFrom} is null, or a notification whose data is reused as it is stored
   * (the same login code resent: {@code data} is then ignored), copied in the accept script itself;
   * {@code attachments} are files sent with an email besides those its template renders (the sealing PDF), within
   * {@link #MAX_ATTACHMENT_BYTES} in all, of the types in {@link #ATTACHMENT_TYPES}; empty for other channels.
   */
  public record Request(ChannelKind channel, String to, String template, String lang, Map<String, String> data,
                        String idempotencyKey, String electionId, Duration contentRetention,
                        String dataFrom, String campaign, List<Attachment> attachments) {
    public Request {
      attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** Without attachments. */
    public Request(ChannelKind channel, String to, String template, String lang, Map<String, String> data,
                   String idempotencyKey, String electionId, Duration contentRetention,
                   String dataFrom, String campaign) {
      this(channel, to, template, lang, data, idempotencyKey, electionId, contentRetention, dataFrom, campaign,
          List.of());
    }

    /** Not a campaign's. */
    public Request(ChannelKind channel, String to, String template, String lang, Map<String, String> data,
                   String idempotencyKey, String electionId, Duration contentRetention, String dataFrom) {
      this(channel, to, template, lang, data, idempotencyKey, electionId, contentRetention, dataFrom, null);
    }

    public Request(ChannelKind channel, String to, String template, String lang, Map<String, String> data,
                   String idempotencyKey, String electionId) {
      this(channel, to, template, lang, data, idempotencyKey, electionId, null, null);
    }

    public Request(ChannelKind channel, String to, String template, String lang, Map<String, String> data,
                   String idempotencyKey) {
      this(channel, to, template, lang, data, idempotencyKey, null, null, null);
    }
  }

  /**
   * How a send ended as far as this instance saw: {@code sent}, {@code failed}, {@code pending}, or
   * {@code refused} by the caps on paid sends ({@code refused} then says why; else null).
   */
  public record Outcome(String id, String status, String error, SendRefusal refused) {
    public Outcome(String id, String status, String error) {
      this(id, status, error, null);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);
  /** The most bytes an email's attachments may hold in all (2 MiB): the outbox keeps them in Redis. */
  public static final int MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;
  /** The most files an email may carry. */
  public static final int MAX_ATTACHMENTS = 4;
  /** The content types an attachment may have. */
  public static final java.util.Set<String> ATTACHMENT_TYPES = java.util.Set.of("application/pdf");
  /** A file name a recipient sees: no path, no quote, no control character (it goes into MIME headers). */
  private static final Pattern FILENAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private final OutboxStore store;
  private final TemplateCatalog templates;
  private final FieldCipher cipher;
  private final KeyedHasher hasher;
  private final RandomTokens random;
  private final Clock clock;
  private final OutboxSignals signals;
  private final OutboxConfig config;
  private final PaidSendCaps caps;
  private final AuditTrail audit;
  private final GatewayMetrics metrics;

  /**
   * @param signals how this instance's dispatcher is woken after an accept and tells a send's outcome
   * @param caps    the caps on paid sends, or null for none (benchmarks)
   * @param audit   where a tripped breaker is recorded (the election's trail of the send that tripped it)
   */
  public NotificationService(OutboxStore store, TemplateCatalog templates, FieldCipher cipher, KeyedHasher hasher,
                             RandomTokens random, Clock clock, OutboxSignals signals, OutboxConfig config,
                             PaidSendCaps caps,
                             AuditTrail audit, GatewayMetrics metrics) {
    this.caps = caps;
    this.audit = audit;
    this.metrics = metrics;
    this.store = store;
    this.templates = templates;
    this.cipher = cipher;
    this.hasher = hasher;
    this.random = random;
    this.clock = clock;
    this.signals = signals;
    this.config = config;
  }

  /**
   * Accepts a notification from an API client: stored durably and queued, or refused by the caps on paid sends
   * ({@link Accepted#refused()}). A new one with an election goes into that election's audit trail.
   */
  public Future<Accepted> accept(Request r, ClientInfo client) {
    return accept(newId(), r, client).compose(a -> {
      if (!a.created() || r.electionId() == null) {
        return Future.succeededFuture(a);
      }
      return audit.record(r.electionId(), AuditEvent.of(clock.instant(), "notification.accepted", client.actor(),
          client.ip(), "queued", "notification", a.id(), "template", r.template(), "channel", r.channel().wireName(),
          "to", masked(r.channel(), r.to()))).map(a);
    });
  }

  /** A recipient as the audit trail shows it: an email or phone masked, of a postal address the department only. */
  static String masked(ChannelKind channel, String to) {
    return switch (channel) {
      case EMAIL -> Contacts.maskEmail(to);
      case POST -> "*** " + to.substring(to.lastIndexOf('\n') + 1, to.lastIndexOf('\n') + 3) + "***";
      default -> Contacts.maskPhone(to);
    };
  }

  /**
   * Accepts under {@code id} (from {@link #newId()}), then waits up to {@code wait} for this instance's
   * dispatcher to say how the send ended. When another instance's dispatcher took it, or it takes longer,
   * the outcome is {@code pending}: it will still be sent or fail visibly. The future completes on the caller's
   * context; it fails as the accept does (the store unreachable), and the method throws for a template the
   * catalogue does not know. Either way the wait ends with it: nothing is left waiting for {@code id}.
   */
  public Future<Outcome> acceptAndAwait(String id, Request r, ClientInfo client, Duration wait) {
    // listening before accepting: a fast dispatcher cannot finish unseen
    OutboxSignals.Expectation done = signals.expect(id);
    Future<Accepted> accepted;
    try {
      accepted = accept(id, r, client);
    } catch (RuntimeException e) { // an unknown template, a broken key: nobody will end the wait
      done.cancel();
      throw e;
    }
    return accepted.compose(a -> a.refused() != null
            ? Future.succeededFuture(new Outcome(id, "refused", "", a.refused()))
            : a.sourceGone()
            ? Future.succeededFuture(new Outcome(id, "failed", "the resent code's content is gone"))
            : done.within(wait).map(o -> o.map(s -> new Outcome(a.id(), s.status(), s.error()))
                .orElseGet(() -> new Outcome(a.id(), "pending", ""))))
        .onComplete(ar -> done.cancel()); // no effect once the outcome or the timeout ended it
  }

  /**
   * Checks an email's attachments: only email carries any, at most {@link #MAX_ATTACHMENTS} files of the
   * {@link #ATTACHMENT_TYPES}, named by {@link #FILENAME}, {@link #MAX_ATTACHMENT_BYTES} in all.
   * @throws IllegalArgumentException naming the rule broken (never the content)
   */
  static void checkAttachments(ChannelKind channel, List<Attachment> attachments) {
    if (attachments.isEmpty()) {
      return;
    }
    if (channel != ChannelKind.EMAIL) {
      throw new IllegalArgumentException("only an email carries attachments");
    }
    if (attachments.size() > MAX_ATTACHMENTS) {
      throw new IllegalArgumentException("at most " + MAX_ATTACHMENTS + " attachments");
    }
    long total = 0;
    for (Attachment a : attachments) {
      if (!ATTACHMENT_TYPES.contains(a.contentType())) {
        throw new IllegalArgumentException("attachment type not allowed (allowed: " + ATTACHMENT_TYPES + ")");
      }
      if (!FILENAME.matcher(a.filename()).matches()) {
        throw new IllegalArgumentException("attachment file name not allowed");
      }
      total += a.content().length;
    }
    if (total > MAX_ATTACHMENT_BYTES) {
      throw new IllegalArgumentException("attachments over " + MAX_ATTACHMENT_BYTES + " bytes in all");
    }
  }

  /** The attachments as the outbox keeps them, encrypted for {@code id}: "" when none. */
  static String attachmentsEnc(FieldCipher cipher, String id, List<Attachment> attachments) {
    if (attachments.isEmpty()) {
      return "";
    }
    JsonArray files = new JsonArray();
    attachments.forEach(a -> files.add(new JsonObject().put("n", a.filename()).put("t", a.contentType())
        .put("b", java.util.Base64.getEncoder().encodeToString(a.content()))));
    return cipher.encrypt(files.encode(), CipherContext.notification(id, NotificationField.ATTACHMENTS));
  }

  /** The attachments {@link #attachmentsEnc} kept for {@code id}; empty for "". */
  static List<Attachment> attachments(FieldCipher cipher, String id, String enc) {
    if (enc == null || enc.isEmpty()) {
      return List.of();
    }
    JsonArray files = new JsonArray(cipher.decrypt(enc, CipherContext.notification(id, NotificationField.ATTACHMENTS)));
    List<Attachment> out = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      JsonObject f = files.getJsonObject(i);
      out.add(new Attachment(f.getString("n"), f.getString("t"), java.util.Base64.getDecoder().decode(f.getString("b"))));
    }
    return out;
  }

  private Future<Accepted> accept(String id, Request r, ClientInfo client) {
    try {
      checkAttachments(r.channel(), r.attachments());
    } catch (IllegalArgumentException e) { // bad input: 400, nothing written
      return Future.failedFuture(new fr.sesame.gateway.problem.ProblemException(
          fr.sesame.gateway.problem.ProblemType.VALIDATION_FAILED, e.getMessage()));
    }
    TemplateCatalog.Spec spec = templates.spec(r.template()).orElseThrow();
    OutboxStore.Lane lane = spec.priority() == TemplateCatalog.Priority.INTERACTIVE
        ? OutboxStore.Lane.HI : OutboxStore.Lane.LO;
    String toEnc = cipher.encrypt(r.to(), CipherContext.notification(id, NotificationField.RECIPIENT));
    String dataEnc = r.dataFrom() != null ? ""
        : cipher.encrypt(new JsonObject(Map.copyOf(r.data())).encode(),
            CipherContext.notification(id, NotificationField.DATA));
    String idem = hasher.hashText(HashPurpose.NOTIFY_IDEMPOTENCY, client.actor(), r.idempotencyKey());
    long now = clock.millis();
    long purgeAt = now + (r.contentRetention() != null ? r.contentRetention() : config.contentRetention()).toMillis();
    PaidSendPlan plan = caps == null ? null : caps.plan(r.channel(), r.to(), lane, clock.instant()).orElse(null);
    return store.accept(new OutboxStore.NewNotification(id, now, r.channel().wireName(), r.template(), r.lang(), lane,
            toEnc, dataEnc, idem, config.recordRetention().toMillis(), r.electionId() == null ? "" : r.electionId(),
            purgeAt, r.dataFrom() == null ? "" : r.dataFrom(), plan, r.campaign() == null ? "" : r.campaign(),
            attachmentsEnc(cipher, id, r.attachments())))
        .compose(a -> {
          if (a.created()) {
            signals.wake(lane);
          }
          if (a.refused() == null) {
            return Future.succeededFuture(a);
          }
          metrics.paidSendRefused(r.channel().wireName(), a.refused().suspended() ? "suspended" : "capped");
          return tripped(a.refused().trippedNow(), r, client).map(a);
        });
  }

  /** A breaker tripped: an alert in metrics, the log and the election's audit trail. */
  private Future<Void> tripped(List<PaidSendPlan.Breaker> breakers, Request r, ClientInfo client) {
    List<AuditEvent> events = new ArrayList<>();
    for (PaidSendPlan.Breaker breaker : breakers) {
      metrics.breakerTrip(r.channel().wireName(), breaker.scope());
      LOG.warn("Fraud breaker tripped: {} (sends there stop for a while); election {}", breaker.name(),
          r.electionId() == null ? "-" : r.electionId());
      events.add(AuditEvent.of(clock.instant(), "fraud.breaker.trip",
          client.actor().isEmpty() ? "gateway" : client.actor(), client.ip(), "tripped", "breaker", breaker.name()));
    }
    return events.isEmpty() || r.electionId() == null ? Future.succeededFuture()
        : audit.record(r.electionId(), events);
  }

  /** The notification's status and attempts; empty when unknown (or purged). */
  public Future<Optional<JsonObject>> status(String id) {
    if (!ID.matcher(id).matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.status(id).map(found -> found.map(rec -> {
      Map<String, String> f = rec.fields();
      JsonArray attempts = new JsonArray();
      rec.attempts().forEach(a -> attempts.add(new JsonObject(a)));
      JsonObject json = new JsonObject().put("id", id).put("status", f.get("st")).put("channel", f.get("ch"))
          .put("template", f.get("tpl")).put("createdAt", instant(f.get("c"))).put("updatedAt", instant(f.get("u")));
      if (f.get("pr") != null && !f.get("pr").isEmpty()) {
        json.put("provider", f.get("pr"));
      }
      if (f.get("err") != null && !f.get("err").isEmpty()) {
        json.put("error", f.get("err"));
      }
      if (f.get("dup") != null) {
        // a send interrupted by a crash went to its provider again: the recipient may have it twice
        json.put("possibleDuplicate", true);
      }
      return json.put("attempts", attempts);
    }));
  }

  /** A fresh notification id. */
  public String newId() {
    return RandomTokens.base64Url(random.bytes(16));
  }

  private static String instant(String ms) {
    return ms == null ? null : Instant.ofEpochMilli(Long.parseLong(ms)).toString();
  }
}
