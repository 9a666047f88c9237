package fr.sesame.gateway.auth;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.staff.BureauAlerts;
import fr.sesame.gateway.store.LockIndex;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every voter lock goes through here: it is indexed by time (support's bulk unlock of a window) and counted in its
 * minute. The lock that takes an election's minute over {@code threshold} raises one alert: an
 * {@code alert.mass-lockout} audit event, a WARN, and an email to each of the election's bureau members and an SMS
 * to each who has a mobile phone ({@link BureauAlerts}: the outbox, the interactive lane), then none for 15 minutes. A wave of locks is what an attack on the roll, or a broken secret column,
 * looks like; the bureau decides.
 */
public final class LockoutAlarm {
  private static final Logger LOG = LoggerFactory.getLogger(LockoutAlarm.class);
  private final LockIndex index;
  private final BureauAlerts bureau;
  private final ElectionService elections;
  private final AuditTrail audit;
  private final Clock clock;
  private final int threshold;
  /** After an alert, a wave that goes on raises no other for this long (the bureau has it: no email a minute). */
  static final java.time.Duration QUIET = java.time.Duration.ofMinutes(15);

  public LockoutAlarm(LockIndex index, BureauAlerts bureau, ElectionService elections, AuditTrail audit, Clock clock,
                      int threshold) {
    this.index = index;
    this.bureau = bureau;
    this.elections = elections;
    this.audit = audit;
    this.clock = clock;
    this.threshold = threshold;
  }

  /** A voter was just locked. Never fails: an alert that cannot be raised is logged, the login goes on. */
  public Future<Void> locked(String electionId, String pseudonym) {
    long now = clock.millis();
    return index.locked(electionId, pseudonym, now).compose(count -> count == threshold + 1
            ? index.claimAlert(electionId, QUIET.toMillis()).compose(first -> first ? alert(electionId, count, now)
                : Future.<Void>succeededFuture())
            : Future.<Void>succeededFuture())
        .recover(e -> {
          LOG.warn("lock of a voter of election {} not indexed or not alerted: {}", electionId, e.toString());
          return Future.succeededFuture();
        });
  }

  private Future<Void> alert(String electionId, long count, long nowMs) {
    long minute = nowMs / 60_000;
    Instant at = Instant.ofEpochMilli(minute * 60_000);
    LOG.warn("election {}: more than {} voters locked in the minute from {}: the bureau is alerted", electionId,
        threshold, at);
    return audit.record(electionId, AuditEvent.of(clock.instant(), "alert.mass-lockout", "system", "", "raised",
            "locks", count, "threshold", threshold, "minute", at.toString()))
        .compose(v -> elections.find(electionId))
        .compose(found -> {
          Election election = found.orElse(null);
          if (election == null) {
            return Future.<Void>succeededFuture();
          }
          String text = "Plus de " + threshold + " comptes d'électeurs verrouillés en une minute (" + count
              + " depuis " + at + ", UTC). Vérifiez le journal d'audit et l'état du service avant de déverrouiller.";
          String sms = "plus de " + threshold + " comptes d'électeurs verrouillés en une minute, voir l'email et la console.";
          return bureau.alert(election, text, sms, "mass-lockout:" + electionId + ":" + minute).mapEmpty();
        });
  }
}
