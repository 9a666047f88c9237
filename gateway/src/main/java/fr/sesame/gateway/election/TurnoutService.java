package fr.sesame.gateway.election;

import fr.sesame.gateway.store.EmargementStore;
import io.vertx.core.Future;

/** The turnout of an election, read from the counters each émargement keeps (never a scan of the roll). */
public final class TurnoutService {
  private final EmargementStore emargements;

  public TurnoutService(EmargementStore emargements) {
    this.emargements = emargements;
  }

  public Future<EmargementStore.Turnout> turnout(String electionId) {
    return emargements.turnout(electionId);
  }
}
