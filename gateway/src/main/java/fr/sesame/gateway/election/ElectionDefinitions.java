package fr.sesame.gateway.election;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * Elections defined and changed, audited ({@code election.put}) under whoever did it: the admin API's key or a
 * person of the console ({@code staff:<id>}). One path for both ({@link ElectionRules} checks what is given).
 */
public final class ElectionDefinitions {
  private final ElectionService elections;
  private final AuditTrail audit;
  private final Clock clock;
  private final SealGate gate;

  public ElectionDefinitions(ElectionService elections, AuditTrail audit, Clock clock) {
    this(elections, audit, clock, SealGate.NONE);
  }

  /** @param gate refuses the change of a sealed election ({@code election-sealed}) */
  public ElectionDefinitions(ElectionService elections, AuditTrail audit, Clock clock, SealGate gate) {
    this.elections = elections;
    this.audit = audit;
    this.clock = clock;
    this.gate = gate;
  }

  /**
   * Creates or replaces {@code election}; @return true when it was new
   * Fails with {@code election-sealed}, nothing stored, while the election is sealed.
   */
  public Future<Boolean> put(Election election, ClientInfo by) {
    return gate.unsealed(election.id()).compose(v -> elections.put(election))
        .compose(created -> audited(election, created, by).map(created));
  }

  /** Creates {@code election}; @return false (nothing stored, nothing audited) when one has its id already */
  public Future<Boolean> create(Election election, ClientInfo by) {
    return elections.create(election).compose(created -> created ? audited(election, true, by).map(true)
        : Future.succeededFuture(false));
  }

  private Future<Void> audited(Election election, boolean created, ClientInfo by) {
    return audit.record(election.id(), AuditEvent.of(clock.instant(), "election.put", by.actor(), by.ip(),
        created ? "created" : "updated", "election", election.toJson()));
  }
}
