package fr.sesame.gateway.admission;

import fr.sesame.gateway.config.AdmissionConfig;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Admission control at the door (issue 17, point 1): decides whether a new login journey is let in now, or held
 * back with a waiting ticket and the seconds to wait. One instance per gateway instance, shared by its event
 * loops; lock-free (one compare-and-set per new login, no allocation when it is let in).
 *
 * <p><b>The queue is the clock.</b> A generic cell rate algorithm keeps one number, the theoretical time at which
 * the next login may enter ({@code next}); each login admitted moves it on by {@code 1 / limit}. A login that
 * comes while {@code next} is too far ahead is not let in but <em>given</em> the slot {@code next} (and
 * {@code next} moves on as if it had entered): its ticket names that instant, HMAC-signed. When it comes back at
 * or after its instant, it enters without taking another slot. New arrivals always get a slot after every ticket
 * already given, so a ticket holder always goes before anyone who came after it (first come, first served), and a
 * holder who honours {@code Retry-After} gets in at its first retry, unless its ticket expired
 * ({@link AdmissionConfig#ticketTtl()} after its turn).
 *
 * <p>A ticket holds no personal data: 8 bytes of its turn (epoch ms) and 16 bytes of HMAC-SHA256 over the
 * election, what it is bound to (the API: the identifier; the login pages: the flow) and the turn, with the
 * gateway's hash key ({@link HashPurpose#ADMISSION_TICKET}). It cannot be made or moved forward without the key,
 * nor given to another voter; a ticket forged, expired or someone else's is counted and the request is treated
 * as a new arrival. Tickets are instants, so any instance with the same key honours them, but each instance
 * counts only its own slots (docs/design.md).
 *
 * <p><b>The limit adapts</b> ({@link #adjust(long)}, every {@link AdmissionConfig#adjustEvery()}): when a signal
 * says overload — an event loop's probe timer late by more than {@code maxLoopDelay}, the moving average of the
 * answered requests' latency above {@code maxLatency}, more than {@code maxInFlight} requests in flight — the
 * limit falls to 90 % of the rate actually admitted in the last period (multiplicative decrease); while none
 * does, it rises by 5 % per period while logins are held at it (25 % when none is), up to {@code maxRate}. It never goes below {@code minRate}.
 */
public final class Admission {
  /** What the door decided for one login. */
  public sealed interface Decision permits Admitted, Held {}

  /** Let in. */
  public static final class Admitted implements Decision {
    private Admitted() {}
  }

  /** The one {@link Admitted}: a decision that lets in allocates nothing. */
  public static final Decision ADMITTED = new Admitted();

  /**
   * Held back: come back after {@code retryAfterSeconds} (at least 1) with {@code ticket} to keep the place, or
   * without a ticket (null) when the wait would be over {@link AdmissionConfig#maxWait()}.
   */
  public record Held(String ticket, long retryAfterSeconds) implements Decision {}

  private static final int MAC_BYTES = 16;
  private static final long SECOND = 1_000_000_000L;
  /** How far the probes' timers run: the delay is how late one fires past this. */
  public static final long PROBE_MILLIS = 20;

  private final AdmissionConfig config;
  private final KeyedHasher hasher;
  private final Clock clock;
  /** The theoretical instant (epoch ns, from {@link #clock}) at which the next new login may enter. */
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE / 2);
  private volatile Pace pace;

  private final LongAdder inFlight = new LongAdder();
  private final LongAdder admittedSince = new LongAdder();
  private final LongAdder heldSince = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();
  private final LongAdder latencyCount = new LongAdder();
  private final AtomicLong loopDelayMax = new AtomicLong();
  private volatile double latencyEwmaNanos;
  private volatile long lastLoopDelay;

  private final Counter admitted;
  private final Counter admittedTicket;
  private final Counter held;
  private final Counter heldNoTicket;
  private final Counter ticketRefused;

  /** The limit and what follows from it, changed together. */
  private record Pace(double limit, long intervalNanos, long toleranceNanos) {
    static Pace of(double limit, int burst) {
      long interval = Math.max(1, Math.round(SECOND / limit));
      return new Pace(limit, interval, interval * burst);
    }
  }

  public Admission(AdmissionConfig config, KeyedHasher hasher, Clock clock, GatewayMetrics metrics) {
    this.config = config;
    this.hasher = hasher;
    this.clock = clock;
    this.pace = Pace.of(config.maxRate(), config.burst());
    this.admitted = metrics.admission("admitted");
    this.admittedTicket = metrics.admission("admitted-ticket");
    this.held = metrics.admission("held");
    this.heldNoTicket = metrics.admission("held-no-ticket");
    this.ticketRefused = metrics.admission("ticket-refused");
    metrics.admissionGauges(this::limit, () -> lastLoopDelay / 1e9, () -> latencyEwmaNanos / 1e9, inFlight::sum);
  }

  public boolean enabled() {
    return config.enabled();
  }

  /** How often {@link #adjust(long)} should run. */
  public java.time.Duration adjustEvery() {
    return config.adjustEvery();
  }

  /** New logins per second let in now (the adaptive limit). */
  public double limit() {
    return pace.limit();
  }

  /**
   * The door, for a new login journey of {@code electionId}.
   *
   * @param binding what a ticket is bound to: the identifier (the API), {@code flow:<id>} (the login pages)
   * @param ticket  the waiting ticket the client brings back, or null
   */
  public Decision enter(String electionId, String binding, String ticket) {
    if (!config.enabled()) {
      return ADMITTED;
    }
    long now = clock.millis() * 1_000_000L;
    Pace p = pace;
    if (ticket != null) {
      long turn = turnOf(ticket, electionId, binding);
      if (turn != Long.MIN_VALUE && now <= turn + config.ticketTtl().toNanos()) {
        if (turn - now < p.toleranceNanos()) {
          admittedTicket.increment();
          admittedSince.increment();
          return ADMITTED;
        }
        held.increment();
        heldSince.increment();
        return new Held(ticket, seconds(turn - now)); // came back early: the same place
      }
      ticketRefused.increment();
    }
    while (true) {
      long at = next.get();
      long slot = Math.max(at, now);
      if (slot - now < p.toleranceNanos()) {
        if (next.compareAndSet(at, slot + p.intervalNanos())) {
          admitted.increment();
          admittedSince.increment();
          return ADMITTED;
        }
        continue;
      }
      heldSince.increment();
      if (slot - now > config.maxWait().toNanos()) {
        heldNoTicket.increment();
        return new Held(null, config.maxWait().toSeconds());
      }
      if (next.compareAndSet(at, slot + p.intervalNanos())) {
        held.increment();
        long turnMillis = (slot + 999_999) / 1_000_000; // rounded up: the holder never comes back before its slot
        return new Held(ticket(electionId, binding, turnMillis), seconds(turnMillis * 1_000_000L - now));
      }
    }
  }

  /**
   * What {@link #enter} would decide for a ticket holder, without counting anything: {@link #ADMITTED} when its
   * turn has come, {@link Held} (the same ticket) before, null when the ticket is forged, expired or not bound to
   * {@code binding} (the login pages' waiting page: it shows the form again only at the voter's turn).
   */
  public Decision peek(String electionId, String binding, String ticket) {
    if (!config.enabled()) {
      return ADMITTED;
    }
    if (ticket == null) {
      return null;
    }
    long now = clock.millis() * 1_000_000L;
    long turn = turnOf(ticket, electionId, binding);
    if (turn == Long.MIN_VALUE || now > turn + config.ticketTtl().toNanos()) {
      return null;
    }
    return turn - now < pace.toleranceNanos() ? ADMITTED : new Held(ticket, seconds(turn - now));
  }

  /** Whole seconds to wait, rounded up, at least 1. */
  private static long seconds(long nanos) {
    return Math.max(1, (nanos + SECOND - 1) / SECOND);
  }

  private String ticket(String electionId, String binding, long turnMillis) {
    byte[] mac = mac(electionId, binding, turnMillis);
    ByteBuffer b = ByteBuffer.allocate(8 + MAC_BYTES).putLong(turnMillis).put(mac, 0, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /** The turn (epoch ns) a ticket names, when it is well-formed and its MAC right; else {@link Long#MIN_VALUE}. */
  private long turnOf(String ticket, String electionId, String binding) {
    if (ticket.length() != 32) {
      return Long.MIN_VALUE;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(ticket);
    } catch (IllegalArgumentException e) {
      return Long.MIN_VALUE;
    }
    if (raw.length != 8 + MAC_BYTES) {
      return Long.MIN_VALUE;
    }
    long turnMillis = ByteBuffer.wrap(raw).getLong();
    if (turnMillis <= 0 || turnMillis > Long.MAX_VALUE / 1_000_000L) {
      return Long.MIN_VALUE;
    }
    byte[] expected = Arrays.copyOf(mac(electionId, binding, turnMillis), MAC_BYTES);
    return KeyedHasher.equal(expected, Arrays.copyOfRange(raw, 8, 8 + MAC_BYTES)) ? turnMillis * 1_000_000L
        : Long.MIN_VALUE;
  }

  private byte[] mac(String electionId, String binding, long turnMillis) {
    return hasher.hash(HashPurpose.ADMISSION_TICKET, electionId, binding, Long.toString(turnMillis));
  }

  // ------------------------------------------------------------------ the signals

  /** A request began (any route): counted in flight until {@link #requestEnded}. */
  public void requestStarted() {
    inFlight.increment();
  }

  /**
   * A request ended. @param nanos its latency, or -1 not to count it in the latency average (a login held back
   * at the door, answered at once: it says nothing about how loaded the gateway is)
   */
  public void requestEnded(long nanos) {
    inFlight.decrement();
    if (nanos >= 0) {
      latencyNanos.add(nanos);
      latencyCount.increment();
    }
  }

  /** An event loop's probe timer fired {@code nanos} later than due. */
  public void loopDelay(long nanos) {
    loopDelayMax.accumulateAndGet(nanos, Math::max);
  }

  /** What the last {@link #adjust} read (for tests and logs). */
  public record Signals(long loopDelayNanos, double latencyEwmaNanos, long inFlight, double admittedPerSecond,
                        long held, boolean overloaded) {}

  /**
   * Adjusts the limit to the signals of the last {@code elapsedNanos}: called every
   * {@link AdmissionConfig#adjustEvery()} from one timer.
   */
  public Signals adjust(long elapsedNanos) {
    long delay = loopDelayMax.getAndSet(0);
    lastLoopDelay = delay;
    long count = latencyCount.sumThenReset();
    long sum = latencyNanos.sumThenReset();
    double ewma = latencyEwmaNanos;
    if (count > 0) {
      double mean = (double) sum / count;
      ewma = ewma == 0 ? mean : 0.7 * ewma + 0.3 * mean;
      latencyEwmaNanos = ewma;
    }
    long inFlightNow = inFlight.sum();
    double rate = admittedSince.sumThenReset() * (double) SECOND / Math.max(1, elapsedNanos);
    long heldNow = heldSince.sumThenReset();
    boolean overloaded = delay > config.maxLoopDelay().toNanos() || ewma > config.maxLatency().toNanos()
        || inFlightNow > config.maxInFlight();
    double limit = pace.limit();
    // overloaded: down to 90 % of what got in; else up, carefully while logins wait at the limit, faster when it
    // did not bind (nobody held: raising it costs nothing, and after a false alarm it comes back in seconds)
    double target = overloaded ? Math.min(limit, rate) * 0.9 : heldNow > 0 ? limit * 1.05 + 1 : limit * 1.25 + 1;
    target = Math.max(config.minRate(), Math.min(config.maxRate(), target));
    if (target != limit) {
      pace = Pace.of(target, config.burst());
    }
    return new Signals(delay, ewma, inFlightNow, rate, heldNow, overloaded);
  }
}
