package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.staff.BureauAlerts;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises the integrity check's alerts (issue 16, point 3): for each problem not alerted yet, or alerted more than
 * {@link #REPEAT} ago and still found, one {@code integrity.alert} audit event (which check, what failed: no
 * personal data), the counter {@code sesame_integrity_alerts_total{check}}, and one message to each bureau member
 * by email and by SMS to those with a mobile phone (template {@code bureau-alert}, interactive lane). A problem
 * that persists is thus alerted on its first finding and again at most hourly, not every minute. What was alerted is
 * remembered by this instance: another instance taking the check over alerts once more.
 */
public final class IntegrityAlerts {
  private static final Logger LOG = LoggerFactory.getLogger(IntegrityAlerts.class);
  /** A problem still found is alerted again after this long. */
  public static final Duration REPEAT = Duration.ofHours(1);
  /** The problems named in one email at most (the others are counted). */
  static final int SHOWN = 10;

  /** A problem found by a check: {@code key} names it for de-duplication, {@code text} says what (no personal data). */
  public record Finding(String check, String key, String text) {}

  private final AuditTrail audit;
  private final BureauAlerts bureau;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final Map<String, Instant> alerted = new ConcurrentHashMap<>();

  public IntegrityAlerts(AuditTrail audit, BureauAlerts bureau, GatewayMetrics metrics, Clock clock) {
    this.audit = audit;
    this.bureau = bureau;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Alerts the problems due (new, or last alerted {@link #REPEAT} ago).
   * @return the problems alerted now
   */
  public Future<List<Finding>> raise(Election election, List<Finding> found) {
    Instant now = clock.instant();
    List<Finding> due = new ArrayList<>();
    for (Finding f : found) {
      String k = election.id() + "|" + f.check() + "|" + f.key();
      Instant last = alerted.get(k);
      if (last == null || !now.isBefore(last.plus(REPEAT))) {
        alerted.put(k, now);
        due.add(f);
      }
    }
    if (due.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<AuditEvent> events = new ArrayList<>();
    for (Finding f : due) {
      metrics.integrityAlert(f.check());
      events.add(AuditEvent.of(now, "integrity.alert", "system:integrity", "", "alert", "check", f.check(),
          "problem", f.text()));
    }
    return audit.record(election.id(), events)
        .recover(e -> {
          LOG.error("election {}: {} integrity alert(s) not audited: {}", election.id(), due.size(),
              e.getClass().getSimpleName());
          return Future.succeededFuture();
        })
        .compose(v -> notify(election, due, now))
        .map(due);
  }

  private Future<Void> notify(Election election, List<Finding> due, Instant now) {
    Set<String> checks = new LinkedHashSet<>();
    due.forEach(f -> checks.add(f.check()));
    StringBuilder mail = new StringBuilder("Alerte d'intégrité (" + now + " UTC) : " + due.size()
        + " anomalie(s) détectée(s) par le contrôle automatique.");
    for (int i = 0; i < Math.min(SHOWN, due.size()); i++) {
      mail.append("\n- ").append(due.get(i).check()).append(" : ").append(due.get(i).text());
    }
    if (due.size() > SHOWN) {
      mail.append("\n- et ").append(due.size() - SHOWN).append(" autre(s) : voir le journal d'audit (integrity.alert)");
    }
    String sms = "Alerte d'intégrité (" + String.join(", ", checks) + ") : voir l'email et le journal d'audit.";
    return bureau.alert(election, mail.toString(), sms.length() <= BureauAlerts.MAX_SMS ? sms
        : BureauAlerts.DEFAULT_SMS, "integrity:" + election.id() + ":" + now.toEpochMilli()).mapEmpty();
  }
}
