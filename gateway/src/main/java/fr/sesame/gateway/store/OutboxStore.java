package fr.sesame.gateway.store;

import fr.sesame.gateway.notify.PaidSendCaps;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The durable notification outbox (port). */
public interface OutboxStore {
  /** Which stream: interactive messages are always read first. */
  enum Lane { HI, LO }

  /**
   * What {@link #accept} decided: {@code created} is false when the idempotency key was seen before;
   * {@code sourceGone} is true when the data was to be copied from a notification whose content is gone
   * (nothing was written then).
   */
  record Accepted(String id, boolean created, boolean sourceGone, Refusal refused) {
    public Accepted(String id, boolean created, boolean sourceGone) {
      this(id, created, sourceGone, null);
    }
  }

  /**
   * A paid send refused by its caps: nothing was written.
   * @param decision   the caps as they stand (empty states when a breaker was already open)
   * @param breaker    the tripped breaker that stops sends there, or null when a cap refused
   * @param trippedNow the breakers this very send tripped
   */
  record Refusal(fr.sesame.ratelimit.Decision decision, PaidSendCaps.Breaker breaker,
                 List<PaidSendCaps.Breaker> trippedNow) {
    public boolean suspended() {
      return breaker != null;
    }
  }

  /** A stream entry waiting for a dispatcher. */
  record Entry(Lane lane, String entryId, String notificationId) {}

  /**
   * What a dispatcher needs to send one notification; {@code excluded}: providers that failed to deliver it;
   * {@code dataSource}: the notification whose encryption binding the data carries ("" for its own).
   */
  record Work(String channel, String template, String lang, String toEnc, String dataEnc, List<String> excluded,
              String electionId, String dataSource, String premarked) {}

  /** What a delivery report changed. */
  enum ReportOutcome { IGNORED, DELIVERED, REQUEUED }

  /** A notification as its status shows it: the record's fields and the attempts, oldest first (JSON). */
  record Record(Map<String, String> fields, List<String> attempts) {}

  /**
   * @param electionId       the election whose audit trail records it, or ""
   * @param contentPurgeAtMs when its content (recipient, data) is to be deleted
   * @param dataFrom         a notification whose data this one reuses, in the same script ({@code dataEnc} is
   *                         then ignored), or ""
   */
  Future<Accepted> accept(String id, long nowMs, String channel, String template, String lang, Lane lane,
                          String toEnc, String dataEnc, String idempotencyHash, long idempotencyTtlMs,
                          String electionId, long contentPurgeAtMs, String dataFrom, PaidSendCaps.Plan caps);

  /** Creates the consumer groups if they do not exist yet. */
  Future<Void> ensureGroups();

  /** New entries for this consumer, at most {@code count}. */
  Future<List<Entry>> read(Lane lane, String consumer, int count);

  /** Entries another consumer took and has not finished for {@code minIdle}: this consumer takes them over. */
  Future<List<Entry>> claimStale(Lane lane, String consumer, Duration minIdle, int count);

  /**
   * Marks the notification as being sent, to its channel's first provider in {@code firstProviders}
   * ({@code "email=smtp,sms=ovh"}) unless excluded; empty when there is nothing to send (final, or content
   * purged).
   */
  Future<Optional<Work>> begin(String id, long nowMs, String firstProviders);

  /**
   * Records the outcome and the attempts, and removes the entry, atomically.
   * @param firstPollAtMs when the provider is asked for the message's fate (it has no webhook), or 0
   */
  Future<Void> finish(Entry entry, long nowMs, String status, String provider, String providerMessageId,
                      String error, List<String> attempts, long attemptsTtlMs, long firstPollAtMs);

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
