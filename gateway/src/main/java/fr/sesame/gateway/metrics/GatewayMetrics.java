package fr.sesame.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The gateway's own meters (Prometheus names in brackets):
 * logins by step and outcome [sesame_logins_total], lockouts [sesame_lockouts_total], code sends by channel
 * and outcome [sesame_otp_sends_total], émargements [sesame_emargements_total], HTTP latency by route
 * [sesame_http_requests_seconds, a histogram], paid sends refused by their caps by channel and reason
 * [sesame_paid_sends_refused_total], fraud breakers tripped by channel and scope [sesame_fraud_breaker_trips_total].
 */
public final class GatewayMetrics {
  private final MeterRegistry registry;
  /** Meters by name and tags: registering looks a meter up by building its id, on every request otherwise. */
  private final java.util.concurrent.ConcurrentHashMap<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** @param step {@code secret}, {@code code} or {@code resend} */
  public void login(String step, String outcome) {
    counters.computeIfAbsent("logins|" + step + "|" + outcome, k -> Counter.builder("sesame.logins")
        .tag("step", step).tag("outcome", outcome).description("Login steps by outcome").register(registry))
        .increment();
  }

  public void lockout() {
    Counter.builder("sesame.lockouts").description("Accounts locked").register(registry).increment();
  }

  public void otpSend(String channel, String outcome) {
    counters.computeIfAbsent("otp|" + channel + "|" + outcome, k -> Counter.builder("sesame.otp.sends")
        .tag("channel", channel).tag("outcome", outcome).description("One-time code sends").register(registry))
        .increment();
  }

  /** @param reason {@code capped} (a number, block or country over its cap) or {@code suspended} (a tripped breaker) */
  public void paidSendRefused(String channel, String reason) {
    Counter.builder("sesame.paid.sends.refused").tag("channel", channel).tag("reason", reason)
        .description("SMS and voice sends refused by their caps").register(registry).increment();
  }

  /** @param scope {@code prefix} or {@code country} */
  public void breakerTrip(String channel, String scope) {
    Counter.builder("sesame.fraud.breaker.trips").tag("channel", channel).tag("scope", scope)
        .description("Fraud breakers tripped (sends to a number block or a country stopped)").register(registry)
        .increment();
  }

  public void emargement(String outcome) {
    counters.computeIfAbsent("emargement|" + outcome, k -> Counter.builder("sesame.emargements")
        .tag("outcome", outcome).register(registry)).increment();
  }

  public void request(String route, String method, int status, long nanos) {
    timers.computeIfAbsent(route + "|" + method + "|" + status, k -> Timer.builder("sesame.http.requests")
        .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10))
        .description("HTTP request latency").register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
