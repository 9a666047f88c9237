package fr.sesame.gateway.audit;

import io.vertx.core.Future;
import java.util.List;

/** Where audited actions go. The future fails when they could not be written durably. */
public interface AuditTrail {
  Future<Void> record(String electionId, List<AuditEvent> events);

  default Future<Void> record(String electionId, AuditEvent event) {
    return record(electionId, List.of(event));
  }
}
