package fr.sesame.gateway.store;

import fr.sesame.gateway.domain.Accepted;
import fr.sesame.gateway.domain.PaidSendPlan;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The durable notification outbox (port). */
public interface OutboxStore {
  /** Which stream: interactive messages are always read first. */
  enum Lane { HI, LO }

  /** A stream entry waiting for a dispatcher. */
  record Entry(Lane lane, String entryId, String notificationId) {}

  /**
   * What a dispatcher needs to send one notification; {@code excluded}: providers that failed to deliver it;
   * {@code dataSource}: the notification whose encryption binding the data carries ("" for its own);
   * {@code premarked}: the provider recorded as the one the send goes to first, or "";
   * {@code sentAgainTo}: after a send interrupted at the last provider its chain had left (its dispatcher died),
   * that provider, which gets it again: a possible duplicate; "" otherwise;
   * {@code builtBy}, {@code reference}: after a send interrupted once a provider had built it and reported it
   * ({@link #built}), that provider and the reference, to ask first whether it went out; nothing is excluded,
   * premarked nor flagged then; "" otherwise;
   * {@code attachmentsEnc}: the email's attachments, encrypted for its id, or "" when it has none.
   */
  record Work(String channel, String template, String lang, String toEnc, String dataEnc, List<String> excluded,
              String electionId, String dataSource, String premarked, String sentAgainTo, String builtBy,
              String reference, String attachmentsEnc) {
    /** Without attachments. */
    public Work(String channel, String template, String lang, String toEnc, String dataEnc, List<String> excluded,
                String electionId, String dataSource, String premarked, String sentAgainTo, String builtBy,
                String reference) {
      this(channel, template, lang, toEnc, dataEnc, excluded, electionId, dataSource, premarked, sentAgainTo, builtBy,
          reference, "");
    }
  }

  /** What a delivery report changed. */
  enum ReportOutcome { IGNORED, DELIVERED, REQUEUED }

  /** A notification as its status shows it: the record's fields and the attempts, oldest first (JSON). */
  record Record(Map<String, String> fields, List<String> attempts) {}

  /**
   * A notification to accept.
   * @param toEnc            the recipient, encrypted for this id
   * @param dataEnc          the template's data, encrypted for this id ("" when {@code dataFrom} is given)
   * @param idempotencyHash  the keyed hash of the client and its idempotency key
   * @param idempotencyTtlMs how long the key is remembered
   * @param electionId       the election whose audit trail records it, or ""
   * @param contentPurgeAtMs when its content (recipient, data) is to be deleted
   * @param dataFrom         a notification whose data this one reuses, in the same script ({@code dataEnc} is
   *                         then ignored), or ""
   * @param caps             the paid-send caps and breakers, or null (email, post)
   * @param campaign         the credential campaign that sends it ({@code <election>:<campaign id>}), whose
   *                         delivery counters its outcome moves ({@link #campaignDeliveries}), or ""
   * @param attachmentsEnc   an email's attachments, encrypted for this id, or "" (kept with the content, purged
   *                         with it)
   */
  record NewNotification(String id, long nowMs, String channel, String template, String lang, Lane lane,
                         String toEnc, String dataEnc, String idempotencyHash, long idempotencyTtlMs,
                         String electionId, long contentPurgeAtMs, String dataFrom, PaidSendPlan caps,
                         String campaign, String attachmentsEnc) {
    public NewNotification(String id, long nowMs, String channel, String template, String lang, Lane lane,
                           String toEnc, String dataEnc, String idempotencyHash, long idempotencyTtlMs,
                           String electionId, long contentPurgeAtMs, String dataFrom, PaidSendPlan caps,
                           String campaign) {
      this(id, nowMs, channel, template, lang, lane, toEnc, dataEnc, idempotencyHash, idempotencyTtlMs, electionId,
          contentPurgeAtMs, dataFrom, caps, campaign, "");
    }

    public NewNotification(String id, long nowMs, String channel, String template, String lang, Lane lane,
                           String toEnc, String dataEnc, String idempotencyHash, long idempotencyTtlMs,
                           String electionId, long contentPurgeAtMs, String dataFrom, PaidSendPlan caps) {
      this(id, nowMs, channel, template, lang, lane, toEnc, dataEnc, idempotencyHash, idempotencyTtlMs, electionId,
          contentPurgeAtMs, dataFrom, caps, "");
    }
  }

  /**
   * A credential campaign's delivery counters, kept by the outbox as its messages progress (never counted by
   * scanning): {@code sent}, {@code delivered}, {@code failed} (final failures), and per provider
   * {@code <provider>:sent} (with it, no report yet), {@code <provider>:delivered}, {@code <provider>:failed},
   * {@code <provider>:undelivered} (reported not delivered, then sent down the chain); provider {@code -} for a
   * failure no provider took. Empty when none has been sent yet.
   */
  Future<Map<String, Long>> campaignDeliveries(String electionId, String campaignId);

  /** Accepts a notification atomically: stored, queued and indexed, or refused with nothing written. */
  Future<Accepted> accept(NewNotification n);

  /** Creates the consumer groups if they do not exist yet. */
  Future<Void> ensureGroups();

  /**
   * New entries for this consumer, at most {@code count}. When the group is missing (Redis restarted empty, or
   * a failover reached a node without it), it is created again first, so reading heals by itself.
   */
  Future<List<Entry>> read(Lane lane, String consumer, int count);

  /**
   * Entries another consumer took and has not finished or renewed for {@code minIdle} (its lease ran out): this
   * consumer takes them over.
   */
  Future<List<Entry>> claimStale(Lane lane, String consumer, Duration minIdle, int count);

  /**
   * Renews this consumer's leases on the entries it is sending (their idle time starts again), but for those
   * another consumer took over meanwhile.
   * @return how many were renewed
   */
  Future<Integer> renewLeases(Lane lane, String consumer, List<String> entryIds);

  /**
   * Removes the consumers that hold no entry and have not read for {@code idle} (dead dispatchers), but for
   * {@code self}.
   * @return their names
   */
  Future<List<String>> removeIdleConsumers(Lane lane, Duration idle, String self);

  /**
   * Marks the notification as being sent, to its channel's first provider in {@code chains}
   * ({@code "email=smtp|ses,sms=ovh"}, each channel's providers in order) unless excluded; empty when there is
   * nothing to send (final, or content purged). A notification still marked as being sent to a provider (its
   * dispatcher died mid-send) shows an interrupted attempt; that provider is excluded if its chain has another
   * left, else it is sent there again as a possible duplicate ({@link Work#sentAgainTo()}); but when that provider
   * had reported what it built ({@link #built}), nothing is excluded and it is asked first ({@link Work#reference()}).
   * @param attempt a token new for each attempt, given again to {@link #finish}: a begin that reaches the store
   *                twice with it (a client's replay after a reconnect) answers the same and changes nothing more
   */
  Future<Optional<Work>> begin(String id, long nowMs, String chains, String attempt);

  /**
   * How a send ended.
   * @param attempt           the token given to {@link #begin}: a finish that reaches the store twice with it
   *                          is applied once
   * @param status            {@code sent} or {@code failed}
   * @param provider          the provider that took it ("" when none did)
   * @param providerMessageId its id there ("" when none)
   * @param error             why it failed ("" when sent)
   * @param attempts          one JSON per provider attempt (provider, at, outcome)
   * @param attemptsTtlMs     how long the attempts are kept
   * @param firstPollAtMs     when the provider is asked for the message's fate (it has no webhook), or 0
   */
  record Finish(Entry entry, String attempt, long nowMs, String status, String provider, String providerMessageId, String error,
                List<String> attempts, long attemptsTtlMs, long firstPollAtMs) {}

  /** Records the outcome and the attempts, and removes the entry, atomically; confirmed by replicas when asked. */
  Future<Void> finish(Finish finish);

  /** A sent message whose provider is to be asked for its fate. */
  record Poll(String provider, String providerMessageId, long sentAtMs) {
    public String member() {
      return provider + "|" + providerMessageId + "|" + sentAtMs;
    }

    public static Poll of(String member) {
      int first = member.indexOf('|');
      int last = member.lastIndexOf('|');
      return new Poll(member.substring(0, first), member.substring(first + 1, last),
          Long.parseLong(member.substring(last + 1)));
    }
  }

  /**
   * Up to {@code count} messages due to be asked about, leased for {@code leaseMs}: no other dispatcher asks
   * about them meanwhile, and if this one dies they are due again after the lease.
   */
  Future<List<Poll>> duePolls(long nowMs, long leaseMs, int count);

  /** Asks about {@code poll} again at {@code atMs}, or never again when {@code atMs} is 0. */
  Future<Void> pollAgain(Poll poll, long atMs);

  /** The notification a provider's message id belongs to, if it was sent through that provider. */
  Future<Optional<String>> byProviderMessage(String provider, String providerMessageId);

  /** Applies a delivery report (see redis/outbox/report.lua). */
  Future<ReportOutcome> report(String id, long nowMs, String provider, boolean delivered, String attemptJson);

  /** Records, before calling it, the provider a send is going to (crash safety: never twice to one provider). */
  Future<Void> sendingTo(String id, String provider);

  /**
   * Records what {@code provider} built for the send in progress, before the step that makes it irreversible
   * (crash safety: after a crash the provider is asked whether it went out, instead of sending again); confirmed
   * by replicas when asked. A later call replaces it; {@link #finish} removes it.
   */
  Future<Void> built(String id, String provider, String reference);

  /** Removes an entry that has nothing left to send. */
  Future<Void> ack(Entry entry);

  Future<Optional<Record>> status(String id);

  /**
   * Retention: deletes contents due before {@code contentBefore} and whole records created before
   * {@code recordBefore}, at most {@code batch} of each.
   * @return {contents purged, records purged}
   */
  Future<long[]> purge(long contentBefore, long recordBefore, int batch);
}
