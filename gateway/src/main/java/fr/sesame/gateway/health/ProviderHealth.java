package fr.sesame.gateway.health;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.fallback.FallbackChain;
import fr.sesame.channels.fallback.GuardedProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sending providers of this gateway instance as the console shows them: for each channel, its providers in the
 * order they are tried, the state of each one's circuit breaker, and what its meters counted since the instance
 * started (sends accepted, failures, fallbacks from it to the next). Read-only; reads memory, never a store.
 */
public final class ProviderHealth {
  /** A circuit breaker's state, in the console's words. */
  public enum Circuit { CLOSED, OPEN, HALF_OPEN, OTHER }

  /**
   * One provider of one channel.
   * @param accepted the share of calls the provider accepted (sent / (sent + failed)), or -1 before any call
   */
  public record Status(String channel, String provider, Circuit circuit, String circuitName, long sent, long failed,
                       long fallbacks, double accepted) {}

  private final Map<ChannelKind, FallbackChain> chains;
  private final MeterRegistry registry;

  /** @param chains the notifier's chains (empty when messages go nowhere but a development outbox) */
  public ProviderHealth(Map<ChannelKind, FallbackChain> chains, MeterRegistry registry) {
    this.chains = Map.copyOf(chains);
    this.registry = registry;
  }

  /** Every provider, channel by channel (email, SMS, voice, post), each chain in its order. */
  public List<Status> providers() {
    List<Status> out = new ArrayList<>();
    for (ChannelKind kind : ChannelKind.values()) {
      FallbackChain chain = chains.get(kind);
      if (chain == null) {
        continue;
      }
      for (GuardedProvider p : chain.providers()) {
        long sent = count("sesame.provider.sent", "provider", p.name());
        long failed = count("sesame.provider.failed", "provider", p.name());
        long fallbacks = count("sesame.provider.fallbacks", "from", p.name());
        io.github.resilience4j.circuitbreaker.CircuitBreaker.State state = p.circuit().getState();
        Circuit circuit = switch (state) {
          case CLOSED -> Circuit.CLOSED;
          case OPEN, FORCED_OPEN -> Circuit.OPEN;
          case HALF_OPEN -> Circuit.HALF_OPEN;
          default -> Circuit.OTHER;
        };
        out.add(new Status(kind.wireName(), p.name(), circuit, state.name(), sent, failed, fallbacks,
            sent + failed == 0 ? -1 : (double) sent / (sent + failed)));
      }
    }
    return out;
  }

  private long count(String meter, String tag, String value) {
    double total = 0;
    for (Counter c : registry.find(meter).tag(tag, value).counters()) {
      total += c.count();
    }
    return Math.round(total);
  }
}
