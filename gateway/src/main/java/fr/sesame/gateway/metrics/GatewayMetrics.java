package fr.sesame.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own meters (Prometheus names in brackets):
 * logins by step and outcome [sesame_logins_total], lockouts [sesame_lockouts_total], code sends by channel
 * and outcome [sesame_otp_sends_total], émargements [sesame_emargements_total], HTTP latency by route
 * [sesame_http_requests_seconds, a histogram], paid sends refused by their caps by channel and reason
 * [sesame_paid_sends_refused_total], fraud breakers tripped by channel and scope [sesame_fraud_breaker_trips_total],
 * notifications finished by the outbox by template and status [sesame_notifications_total], whether the outbox
 * dispatcher reads [sesame_outbox_dispatcher_up, 1 or 0] and its changes of state [sesame_outbox_dispatcher_changes_total],
 * integrity alerts raised by check [sesame_integrity_alerts_total], the end of the last integrity check (epoch seconds)
 * [sesame_integrity_last_run_seconds] and the problems it found [sesame_integrity_problems]; admission control
 * (issue 17, point 1): new logins admitted or held back [sesame_admission_logins_total, outcome admitted,
 * admitted-ticket, admitted-past-left, held, held-no-ticket, ticket-refused], the adaptive limit [sesame_admission_limit, logins per
 * second] and the signals it reads [sesame_admission_loop_delay_seconds, sesame_admission_latency_seconds,
 * sesame_admission_in_flight].
 */
public final class GatewayMetrics {
  private final MeterRegistry registry;
  /** Meters by name and tags: registering looks a meter up by building its id, on every request otherwise. */
  private final ConcurrentHashMap<MeterKey, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<MeterKey, Timer> timers = new ConcurrentHashMap<>();

  /**
   * A meter's name and tag values, the key of its registration: found again without building a string on each
   * call (several per login).
   */
  private record MeterKey(String name, String a, String b, String c, String d, String e, int status) {}

  /** Each outbox dispatcher's state by its lane ("hi", "lo"): true while it reads. */
  private final Map<String, Boolean> dispatchers = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong integrityLastRun = new java.util.concurrent.atomic.AtomicLong();
  private final AtomicInteger integrityProblems = new AtomicInteger();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    // the JVM's and the process's own: heap, threads, CPU, open files, uptime (none holds a listener to close)
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
    Gauge.builder("sesame.outbox.dispatcher.up", dispatchers,
            d -> !d.isEmpty() && d.values().stream().allMatch(Boolean::booleanValue) ? 1 : 0)
        .description("1 while both outbox dispatchers (login codes, bulk) read the outbox, 0 while one cannot")
        .register(registry);
    Gauge.builder("sesame.integrity.last.run.seconds", integrityLastRun, java.util.concurrent.atomic.AtomicLong::get)
        .description("When the last integrity check of this instance ended (epoch seconds; 0: none yet)")
        .register(registry);
    Gauge.builder("sesame.integrity.problems", integrityProblems, AtomicInteger::get)
        .description("Problems the last integrity check of this instance found (0: every check passed)")
        .register(registry);
  }

  /** An integrity alert raised (issue 16, point 3): {@code check} code, configuration, definition, roll, audit... */
  public void integrityAlert(String check) {
    counter("sesame.integrity.alerts", "Integrity alerts raised, by check", "check", check).increment();
  }

  /** An integrity check (every election) ended at {@code epochSeconds}, finding {@code problems}. */
  public void integrityRun(long epochSeconds, int problems) {
    integrityLastRun.set(epochSeconds);
    integrityProblems.set(problems);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** @param step {@code secret}, {@code code} or {@code resend} */
  public void login(String step, String outcome) {
    counter("sesame.logins", "Login steps by outcome", "step", step, "outcome", outcome).increment();
  }

  public void lockout() {
    counter("sesame.lockouts", "Accounts locked").increment();
  }

  public void otpSend(String channel, String outcome) {
    counter("sesame.otp.sends", "One-time code sends", "channel", channel, "outcome", outcome).increment();
  }

  /** @param reason {@code capped} (a number, block or country over its cap) or {@code suspended} (a tripped breaker) */
  public void paidSendRefused(String channel, String reason) {
    counter("sesame.paid.sends.refused", "SMS and voice sends refused by their caps", "channel", channel,
        "reason", reason).increment();
  }

  /** @param scope {@code prefix} or {@code country} */
  public void breakerTrip(String channel, String scope) {
    counter("sesame.fraud.breaker.trips", "Fraud breakers tripped (sends to a number block or a country stopped)",
        "channel", channel, "scope", scope).increment();
  }

  /** A notification finished by the outbox: {@code status} sent or failed. */
  public void notification(String template, String status) {
    counter("sesame.notifications", "Notifications finished by the outbox", "template", template, "status", status)
        .increment();
  }

  /** The outbox dispatcher of {@code lane} ("hi", "lo") can read again ({@code up}) or cannot any more: once per change. */
  public void outboxDispatcher(String lane, boolean up) {
    dispatchers.put(lane, up);
    counter("sesame.outbox.dispatcher.changes", "Outbox dispatcher state changes (up: reads again, down: cannot read)",
        "lane", lane, "state", up ? "up" : "down").increment();
  }

  public void emargement(String outcome) {
    counter("sesame.emargements", "Émargements by outcome", "outcome", outcome).increment();
  }

  public void request(String route, String method, int status, long nanos) {
    timers.computeIfAbsent(new MeterKey("sesame.http.requests", route, method, null, null, null, status),
        k -> Timer.builder("sesame.http.requests")
        .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10))
        .description("HTTP request latency").register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The counter of new logins by admission outcome: {@code admitted} (let in at once), {@code admitted-ticket} (a
   * waiting ticket whose turn came), {@code admitted-past-left} (a newcomer let in past places of voters who left:
   * nobody came back for a while and the gate had room), {@code held} (answered 503 with a ticket), {@code held-no-ticket} (the wait
   * is over admission.maxWait: Retry-After only), {@code ticket-refused} (a ticket forged, expired or not this
   * voter's: counted, then treated as a new arrival). Kept by the caller: incrementing it allocates nothing.
   */
  public Counter admission(String outcome) {
    return counter("sesame.admission.logins", "New logins by admission outcome", "outcome", outcome);
  }

  /** The admission's adaptive limit and the signals it reads, each read from {@code source} when scraped. */
  public void admissionGauges(java.util.function.DoubleSupplier limit, java.util.function.DoubleSupplier loopDelaySeconds,
                              java.util.function.DoubleSupplier latencySeconds, java.util.function.DoubleSupplier inFlight) {
    // strong references: the suppliers are lambdas no one else holds (a gauge keeps its object weakly by default)
    Gauge.builder("sesame.admission.limit", limit, java.util.function.DoubleSupplier::getAsDouble).strongReference(true)
        .description("New logins per second admission control lets in (its adaptive limit)").register(registry);
    Gauge.builder("sesame.admission.loop.delay.seconds", loopDelaySeconds,
        java.util.function.DoubleSupplier::getAsDouble).strongReference(true)
        .description("The largest event-loop delay seen in the last adjustment period").register(registry);
    Gauge.builder("sesame.admission.latency.seconds", latencySeconds, java.util.function.DoubleSupplier::getAsDouble)
        .strongReference(true).description("Moving average (EWMA) of the answered requests' latency").register(registry);
    Gauge.builder("sesame.admission.in.flight", inFlight, java.util.function.DoubleSupplier::getAsDouble)
        .strongReference(true).description("HTTP requests in flight on this instance").register(registry);
  }

  /** The counter of {@code name} and these tags (name, value, ...), registered once. */
  private Counter counter(String name, String description) {
    return counters.computeIfAbsent(new MeterKey(name, null, null, null, null, null, 0),
        k -> Counter.builder(name).description(description).register(registry));
  }

  private Counter counter(String name, String description, String k1, String v1) {
    return counters.computeIfAbsent(new MeterKey(name, k1, v1, null, null, null, 0),
        k -> Counter.builder(name).tags(k1, v1).description(description).register(registry));
  }

  private Counter counter(String name, String description, String k1, String v1, String k2, String v2) {
    return counters.computeIfAbsent(new MeterKey(name, k1, v1, k2, v2, null, 0),
        k -> Counter.builder(name).tags(k1, v1, k2, v2).description(description).register(registry));
  }
}
