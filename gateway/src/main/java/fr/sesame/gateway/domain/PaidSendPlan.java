package fr.sesame.gateway.domain;

import fr.sesame.ratelimit.StepLimits;
import java.util.List;

/**
 * The caps of one paid send (SMS, voice), decided in the outbox's accept, and the fraud breakers it may
 * trip: its number block's, then its country's.
 *
 * @param limits     the caps, in order: per number (10 min), per number (day), then for interactive messages
 *                   per block and per country (a breaker trips when one of these two is used up)
 * @param breakers   the block's breaker, then the country's
 * @param cooldownMs how long a tripped breaker stops sends there
 */
public record PaidSendPlan(StepLimits limits, List<Breaker> breakers, long cooldownMs) {
  public PaidSendPlan {
    breakers = List.copyOf(breakers);
  }

  /**
   * A fraud breaker.
   * @param channel {@code sms} or {@code voice}
   * @param scope   {@code prefix} or {@code country} (the metric's tag)
   * @param subject the number block ({@code +3361234}) or the region ({@code FR})
   */
  public record Breaker(String channel, String scope, String subject) {
    /** What the alert and the 429 say, e.g. {@code sms prefix +3361234}. */
    public String name() {
      return channel + " " + scope + " " + subject;
    }
  }
}
