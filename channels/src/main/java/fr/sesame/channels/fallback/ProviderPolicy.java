package fr.sesame.channels.fallback;

import fr.sesame.channels.spi.ProviderOption;
import fr.sesame.channels.spi.ProviderSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What guards one provider, read from its configuration block.
 *
 * @param timeout            one attempt fails after this; option {@code timeout}, default 3 s
 * @param maxAttempts        attempts on this provider before the next one, transient failures only;
 *                           option {@code attempts}, default 2
 * @param initialBackoff     wait before the second attempt, then ×2 each time, ±50 % jitter;
 *                           option {@code backoff}, default 200 ms
 * @param maxBackoff         longest wait; a Retry-After longer than this moves on to the next provider;
 *                           option {@code maxBackoff}, default 2 s
 * @param maxConcurrent      sends in flight at once (bulkhead); option {@code maxConcurrent}, default 200
 * @param ratePerSecond      the provider's quota, 0 for none; option {@code ratePerSecond}, default 0
 * @param circuitWaitInOpen  how long an open circuit refuses calls before trying again;
 *                           option {@code circuitWaitInOpen}, default 30 s
 */
public record ProviderPolicy(Duration timeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                             int maxConcurrent, int ratePerSecond, Duration circuitWaitInOpen) {
  public static final ProviderPolicy DEFAULTS = new ProviderPolicy(Duration.ofSeconds(3), 2, Duration.ofMillis(200),
      Duration.ofSeconds(2), 200, 0, Duration.ofSeconds(30));
  /** The options every provider block may set, whatever its type. */
  public static final List<ProviderOption> OPTIONS = List.of(ProviderOption.duration("timeout"),
      ProviderOption.integer("attempts"), ProviderOption.duration("backoff"), ProviderOption.duration("maxBackoff"),
      ProviderOption.integer("maxConcurrent"), ProviderOption.integer("ratePerSecond"),
      ProviderOption.duration("circuitWaitInOpen"));

  public ProviderPolicy {
    Objects.requireNonNull(timeout, "timeout");
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new IllegalArgumentException("attempts must be 1..10");
    }
    if (maxConcurrent < 1 || ratePerSecond < 0) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, ratePerSecond at least 0");
    }
  }

  public static ProviderPolicy from(ProviderSettings s) {
    return new ProviderPolicy(s.duration("timeout", DEFAULTS.timeout()), s.integer("attempts", DEFAULTS.maxAttempts()),
        s.duration("backoff", DEFAULTS.initialBackoff()), s.duration("maxBackoff", DEFAULTS.maxBackoff()),
        s.integer("maxConcurrent", DEFAULTS.maxConcurrent()), s.integer("ratePerSecond", DEFAULTS.ratePerSecond()),
        s.duration("circuitWaitInOpen", DEFAULTS.circuitWaitInOpen()));
  }
}
