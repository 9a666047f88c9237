package fr.sesame.gateway.election;

import fr.sesame.gateway.store.EmargementStore;
import io.vertx.core.Future;

/** The turnout of an election, read from the counters each émargement keeps (never a scan of the roll). */
public final class TurnoutService {
  private final EmargementStore emargements;

  public TurnoutService(EmargementStore emargements) {
    this.emargements = emargements;
  }

  /** In all, by college, by epoch hour (hours since 1970, UTC), by epoch hour then college. */
  public record Turnout(long total, java.util.Map<String, Long> byCollege, java.util.Map<Long, Long> byHour,
                        java.util.Map<Long, java.util.Map<String, Long>> byHourAndCollege) {}

  public Future<Turnout> turnout(String electionId) {
    return emargements.turnout(electionId).map(t -> new Turnout(t.total(), t.byCollege(), t.byHour(), t.byHourAndCollege()));
  }
}
