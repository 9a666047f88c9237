package fr.sesame.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The gateway's own meters (Prometheus names in brackets):
 * logins by step and outcome [sesame_logins_total], lockouts [sesame_lockouts_total], code sends by channel
 * and outcome [sesame_otp_sends_total], émargements [sesame_emargements_total], HTTP latency by route
 * [sesame_http_requests_seconds, a histogram].
 */
public final class GatewayMetrics {
  private final MeterRegistry registry;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** @param step {@code secret}, {@code code} or {@code resend} */
  public void login(String step, String outcome) {
    Counter.builder("sesame.logins").tag("step", step).tag("outcome", outcome)
        .description("Login steps by outcome").register(registry).increment();
  }

  public void lockout() {
    Counter.builder("sesame.lockouts").description("Accounts locked").register(registry).increment();
  }

  public void otpSend(String channel, String outcome) {
    Counter.builder("sesame.otp.sends").tag("channel", channel).tag("outcome", outcome)
        .description("One-time code sends").register(registry).increment();
  }

  public void emargement(String outcome) {
    Counter.builder("sesame.emargements").tag("outcome", outcome).register(registry).increment();
  }

  public void request(String route, String method, int status, long nanos) {
    Timer.builder("sesame.http.requests").tag("route", route).tag("method", method)
        .tag("status", Integer.toString(status)).publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(10))
        .description("HTTP request latency").register(registry).record(Duration.ofNanos(nanos));
  }
}
