package fr.sesame.gateway.config;

import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.ratelimit.LimitPolicy.FailureMode;
import fr.sesame.ratelimit.fraud.PhoneRules;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Rate limits of the public login routes and the fraud caps of paid sends (SMS, voice). Why these defaults
 * is told in docs/design.md ("Rate limiting and fraud guards").
 *
 * @param loginIp         requests per client IP (an IPv6 client by its /64) and election: a flood guard,
 *                        wide enough for a campus NAT at opening time
 * @param loginIpFailures failed secrets and codes per client IP and election: what stops credential
 *                        stuffing without blocking thousands of voters behind one NAT, who mostly succeed
 * @param loginVoter      login starts and resends per voter: codes one person can have sent to a voter
 * @param loginElection   login steps per election: a ceiling that protects the SMS budget and the store
 * @param phoneNumber     codes and messages per phone number (short window)
 * @param phoneNumberDay  the same per day
 * @param phonePrefix     interactive sends per number block ({@code prefixDigits} digits of the national
 *                        number); exceeding it trips the block's breaker
 * @param phoneCountry    interactive sends per country unless {@code phoneCountries} names it; exceeding
 *                        it trips the country's breaker
 * @param phoneCountries  per-country overrides (region code to policy)
 * @param prefixDigits    national digits of a number block; default 5 (10,000 numbers)
 * @param breakerCooldown how long a tripped breaker stops sends to its block or country; default 1 hour
 */
public record LimitsConfig(LimitPolicy loginIp, LimitPolicy loginIpFailures, LimitPolicy loginVoter,
                           LimitPolicy loginElection, LimitPolicy phoneNumber, LimitPolicy phoneNumberDay,
                           LimitPolicy phonePrefix, LimitPolicy phoneCountry, Map<String, LimitPolicy> phoneCountries,
                           int prefixDigits, Duration breakerCooldown) {
  public static final LimitsConfig DEFAULTS = new LimitsConfig(
      open("login-ip", 50, Duration.ofSeconds(1), 500),
      open("login-ip-failures", 120, Duration.ofMinutes(1), 120),
      open("login-voter", 10, Duration.ofHours(1), 8),
      open("login-election", 5_000, Duration.ofSeconds(1), 10_000),
      closed("phone", 5, Duration.ofMinutes(10), 5),
      closed("phone-day", 20, Duration.ofDays(1), 20),
      closed("phone-prefix", 20, Duration.ofMinutes(10), 20),
      closed("phone-country", 30, Duration.ofMinutes(10), 30),
      franceDefaults(), 5, Duration.ofHours(1));

  public LimitsConfig {
    for (LimitPolicy p : new LimitPolicy[] {loginIp, loginIpFailures, loginVoter, loginElection, phoneNumber,
        phoneNumberDay, phonePrefix, phoneCountry}) {
      Objects.requireNonNull(p, "limits: every policy must be set");
    }
    phoneCountries = Map.copyOf(phoneCountries);
    phoneCountries.keySet().forEach(region -> {
      if (!PhoneRules.knownRegion(region)) {
        throw new IllegalArgumentException("limits.phoneCountries: unknown region code " + region);
      }
    });
    if (prefixDigits < 2 || prefixDigits > 9) {
      throw new IllegalArgumentException("limits.prefixDigits must be 2..9");
    }
    Objects.requireNonNull(breakerCooldown, "limits.breakerCooldown");
    if (breakerCooldown.isNegative() || breakerCooldown.isZero()) {
      throw new IllegalArgumentException("limits.breakerCooldown must be positive");
    }
  }

  /** The per-country policy of {@code region}. */
  public LimitPolicy country(String region) {
    return phoneCountries.getOrDefault(region, phoneCountry);
  }

  /** A limit decided locally when Redis does not answer (login steps). */
  public static LimitPolicy open(String name, long rate, Duration period, long burst) {
    return new LimitPolicy(name, rate, period, burst, FailureMode.OPEN);
  }

  /** A limit that refuses when Redis does not answer (anything that costs money). */
  public static LimitPolicy closed(String name, long rate, Duration period, long burst) {
    return new LimitPolicy(name, rate, period, burst, FailureMode.CLOSED);
  }

  /**
   * Metropolitan France carries a whole election's codes at opening time (the load-test target is 1,500
   * logins a second); each overseas department or territory a university's worth. Other countries, which
   * an election must allow explicitly, get the small default: that is where pumping goes.
   */
  private static Map<String, LimitPolicy> franceDefaults() {
    Map<String, LimitPolicy> m = new HashMap<>();
    for (String region : PhoneRules.FRANCE_WITH_OVERSEAS) {
      m.put(region, region.equals("FR")
          ? closed("phone-country", 2_000, Duration.ofSeconds(1), 20_000)
          : closed("phone-country", 100, Duration.ofSeconds(1), 1_000));
    }
    return m;
  }
}
