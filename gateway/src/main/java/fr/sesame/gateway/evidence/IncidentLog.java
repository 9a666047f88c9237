package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.audit.ChainedAuditTrail;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.staff.BureauAlerts;
import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An election's security incidents during the vote (issue 16, point 4): the audit events of the types in
 * {@link ChainedAuditTrail#INCIDENTS} — mass lockouts, fraud-breaker trips, integrity alerts, and the incidents an
 * organiser records here — copied to a list as they are audited, so they are read without reading the whole trail.
 * An incident recorded here is audited ({@code incident.record}, under the caller's identity) and sent to each of
 * the election's bureau members by email and SMS ({@link BureauAlerts}; the mass-lockout alarm alerts them itself).
 */
public final class IncidentLog {
  /** An incident's severity. */
  public static final List<String> SEVERITIES = List.of("low", "medium", "high");
  /** An incident's summary, at most this many characters. */
  public static final int MAX_SUMMARY = 2000;
  private final AuditStore store;
  private final AuditTrail audit;
  private final BureauAlerts bureau;
  private final Clock clock;

  public IncidentLog(AuditStore store, AuditTrail audit, BureauAlerts bureau, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.bureau = bureau;
    this.clock = clock;
  }

  /**
   * Records an incident: audited, then each bureau member alerted by email, and by SMS when they have a mobile
   * phone (a failed alert is logged; the incident stays recorded). The SMS names the severity only: the summary,
   * free text an organiser typed, stays in the email and the console.
   * @return the incident as {@link #list} shows it, and how many bureau members were alerted
   */
  public Future<JsonObject> record(Election election, String severity, String summary, ClientInfo who) {
    Instant now = clock.instant();
    AuditEvent event = AuditEvent.of(now, "incident.record", who.actor(), who.ip(), severity, "summary", summary);
    return audit.record(election.id(), event)
        .compose(v -> bureau.alert(election, "Incident de sécurité enregistré (" + severity + ", " + now + " UTC) : "
                + summary, "incident de sécurité enregistré (gravité " + severity + "), voir l'email et la console.",
            "incident:" + election.id() + ":" + now.toEpochMilli()))
        .map(sent -> new JsonObject().put("at", now.toString()).put("type", "incident.record")
            .put("actor", who.actor()).put("outcome", severity).put("details",
                new JsonObject().put("summary", summary)).put("bureauAlerted", sent.members()));
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
