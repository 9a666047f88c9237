package fr.sesame.channels.fallback;

import fr.sesame.channels.ChannelKind;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Per provider: sends accepted [sesame_provider_sent_total], failures by reason
 * [sesame_provider_failed_total], retries [sesame_provider_retries_total], fallbacks taken
 * [sesame_provider_fallbacks_total], circuit state (0 closed, 1 open, 2 half-open, 3 other)
 * [sesame_provider_circuit_state], latency [sesame_provider_latency_seconds]; per channel: exhausted chains
 * [sesame_channel_exhausted_total].
 */
public final class ChannelMetrics {
  private final MeterRegistry registry;

  public ChannelMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void sent(String provider) {
    Counter.builder("sesame.provider.sent").tag("provider", provider).register(registry).increment();
  }

  void failed(String provider, String reason) {
    Counter.builder("sesame.provider.failed").tag("provider", provider).tag("reason", reason).register(registry)
        .increment();
  }

  void retry(String provider) {
    Counter.builder("sesame.provider.retries").tag("provider", provider).register(registry).increment();
  }

  void fallback(String from, String to) {
    Counter.builder("sesame.provider.fallbacks").tag("from", from).tag("to", to).register(registry).increment();
  }

  void exhausted(ChannelKind kind) {
    Counter.builder("sesame.channel.exhausted").tag("channel", kind.wireName()).register(registry).increment();
  }

  void latency(String provider, long nanos) {
    Timer.builder("sesame.provider.latency").tag("provider", provider).publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(Duration.ofNanos(nanos));
  }

  void circuitGauge(CircuitBreaker circuit) {
    Gauge.builder("sesame.provider.circuit.state", circuit, c -> switch (c.getState()) {
      case CLOSED -> 0;
      case OPEN -> 1;
      case HALF_OPEN -> 2;
      default -> 3;
    }).tag("provider", circuit.getName()).register(registry);
  }
}
