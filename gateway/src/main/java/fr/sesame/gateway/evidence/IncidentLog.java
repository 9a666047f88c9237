package fr.sesame.gateway.evidence;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.audit.ChainedAuditTrail;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.staff.StaffService;
import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An election's security incidents during the vote (issue 16, point 4): the audit events of the types in
 * {@link ChainedAuditTrail#INCIDENTS} — mass lockouts, fraud-breaker trips, integrity alerts, and the incidents an
 * organiser records here — copied to a list as they are audited, so they are read without reading the whole trail.
 * An incident recorded here is audited ({@code incident.record}, under the caller's identity) and emailed to each of
 * the election's bureau members (the mass-lockout alarm emails them itself).
 */
public final class IncidentLog {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentLog.class);
  /** An incident's severity. */
  public static final List<String> SEVERITIES = List.of("low", "medium", "high");
  /** An incident's summary, at most this many characters. */
  public static final int MAX_SUMMARY = 2000;
  private final AuditStore store;
  private final AuditTrail audit;
  private final StaffService staff;
  private final NotificationService notifications;
  private final Clock clock;

  public IncidentLog(AuditStore store, AuditTrail audit, StaffService staff, NotificationService notifications,
                     Clock clock) {
    this.store = store;
    this.audit = audit;
    this.staff = staff;
    this.notifications = notifications;
    this.clock = clock;
  }

  /**
   * Records an incident: audited, then each bureau member alerted by email (a failed alert is logged; the incident
   * stays recorded).
   * @return the incident as {@link #list} shows it, and how many bureau members were alerted
   */
  public Future<JsonObject> record(Election election, String severity, String summary, ClientInfo who) {
    Instant now = clock.instant();
    AuditEvent event = AuditEvent.of(now, "incident.record", who.actor(), who.ip(), severity, "summary", summary);
    return audit.record(election.id(), event)
        .compose(v -> staff.bureauEmails(election.id()))
        .compose(bureau -> {
          String text = "Incident de sécurité enregistré (" + severity + ", " + now + " UTC) : " + summary;
          List<Future<?>> sent = new ArrayList<>();
          for (String to : bureau) {
            sent.add(notifications.accept(new NotificationService.Request(ChannelKind.EMAIL, to, "bureau-alert",
                "fr", Map.of("electionName", election.name(), "alert", text),
                "incident:" + election.id() + ":" + now.toEpochMilli() + ":" + to), new ClientInfo("", "system")));
          }
          return Future.join(sent).transform(r -> {
            if (r.failed()) {
              LOG.warn("election {}: an incident was recorded but not every bureau member could be alerted",
                  election.id());
            }
            return Future.succeededFuture(new JsonObject().put("at", now.toString()).put("type", "incident.record")
                .put("actor", who.actor()).put("outcome", severity).put("details",
                    new JsonObject().put("summary", summary)).put("bureauAlerted", bureau.size()));
          });
        });
  }

  /** The election's incidents, oldest first: {@code {at, type, actor, outcome, details}}. */
  public Future<List<JsonObject>> list(String electionId) {
    return store.incidents(electionId).map(texts -> {
      List<JsonObject> out = new ArrayList<>(texts.size());
      for (String t : texts) {
        JsonObject e = new JsonObject(t);
        out.add(new JsonObject().put("at", e.getString("t")).put("type", e.getString("type"))
            .put("actor", e.getString("actor")).put("outcome", e.getString("outcome"))
            .put("details", e.getJsonObject("d", new JsonObject())));
      }
      return out;
    });
  }
}
