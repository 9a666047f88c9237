package fr.sesame.gateway.domain;

import fr.sesame.ratelimit.Decision;
import java.util.List;

/**
 * A paid send refused by its caps: nothing was written.
 * @param decision   the caps as they stand (empty states when a breaker was already open)
 * @param breaker    the tripped breaker that stops sends there, or null when a cap refused
 * @param trippedNow the breakers this very send tripped
 */
public record SendRefusal(Decision decision, PaidSendPlan.Breaker breaker, List<PaidSendPlan.Breaker> trippedNow) {
  public SendRefusal {
    trippedNow = List.copyOf(trippedNow);
  }

  /** A tripped breaker stops sends there (rather than a cap). */
  public boolean suspended() {
    return breaker != null;
  }
}
