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
 * <p><b>A queue of places, served at the limit.</b> Every new login is given a place, one after the last place
 * given ({@code issued}), and the places are served at the limit: the place being served ({@code serving}) moves
 * on by {@code limit} a second (a generic cell rate algorithm counted in places rather than in time). A login whose
 * place is within {@code burst} of {@code serving} enters; one further back is held, with a ticket naming its place
 * and the instant its place should be served at the current limit (the {@code Retry-After}). Coming back, a holder
 * enters when its place has been served, without taking another; earlier, it is held again with its place and the
 * seconds left <em>at the limit of now</em>. So when the limit rises, every place already given is served sooner;
 * when it falls, holders coming back at the old estimate wait again instead of pouring in (the door keeps
 * shedding). New arrivals always get a place after every place already given, so a holder always goes before anyone
 * who came after it (first come, first served). (The first version counted turns as instants: turns given while
 * the limit was low kept the queue slow long after the limit rose — on 2026-11-30 the limit stood at 10,000/s
 * while 20 logins a second got in.)
 *
 * <p>A ticket holds no personal data: this instance's random number (4 bytes), the place (8), the estimated
 * instant (8, epoch ms) and 16 bytes of HMAC-SHA256 over the election, what it is bound to (the API: the
 * identifier; the login pages: the flow), the instance, the place and the instant, with the gateway's hash key
 * ({@link HashPurpose#ADMISSION_TICKET}). It cannot be made or moved forward without the key, nor given to another
 * voter; a ticket forged, expired ({@link AdmissionConfig#ticketTtl()} after its instant, once its place has been
 * served) or someone else's is counted and the request is treated as a new arrival. Another instance (behind a
 * balancer without affinity) does not know this one's places: it honours the ticket's instant instead
 * (docs/design.md).
 *
 * <p><b>The limit adapts</b> ({@link #adjust(long)}, every {@link AdmissionConfig#adjustEvery()}): when a signal
 * says overload — the event loops' probe timers late by more than {@code maxLoopDelay} <em>on average</em> over
 * the period (one GC pause or one slow turn is not an overload), the moving average of the answered requests'
 * latency above {@code maxLatency}, more than {@code maxInFlight} requests in flight — the limit falls to 90 % of
 * what got in over the last second, or of the limit when that is lower (multiplicative
 * decrease, at most once a second: the latency average takes about that long to show what a decrease did), but
 * not below half
 * the best rate recently served without overload (its moving average; {@link #SERVED_MEMORY_SECONDS}: that memory fades with time,
 * so a real, lasting loss of capacity still brings the limit down, in tens of seconds instead of one). Without
 * that floor a signal that stays high whatever the door does (a neighbour taking the cores, the held answers
 * themselves) drove the limit to {@code minRate} and kept it there while hundreds of thousands of voters waited
 * (issue 17, run of 2026-11-30). While no signal says overload and what got in over the last second came within 90 %
 * of the limit, the
 * limit rises by 5 % per period while logins are held at it (25 % when none is), up to {@code maxRate}; a limit
 * that does not bind stays. It never goes below {@code minRate}.
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
   * without a ticket (null) when the wait would be over {@link AdmissionConfig#maxWait()}. {@code waitSeconds} is
   * the estimated wait (at the limit of now): a long one is checked again halfway ({@link #RECHECK_SECONDS}).
   */
  public record Held(String ticket, long retryAfterSeconds, long waitSeconds) implements Decision {}

  /**
   * A wait up to this long is told whole in {@code Retry-After}; a longer one is told half of it (at least this):
   * the holder comes back, and is told again at the limit of then. An estimate made while the limit was low would
   * otherwise keep voters away long after it rose (2026-11-30: voters told to come back in 10 minutes at an
   * opening, the gateway idle meanwhile). A wait of w seconds is checked about log2(w / 60) + 1 times.
   */
  public static final long RECHECK_SECONDS = 60;

  private static final int MAC_BYTES = 16;
  private static final long SECOND = 1_000_000_000L;
  /** How far the probes' timers run: the delay is how late one fires past this. */
  public static final long PROBE_MILLIS = 20;
  /**
   * The time constant (s) of the served-rate memory: the best rate admitted without overload fades as
   * {@code exp(-t / 30 s)}, and an overload cuts the limit to no less than half of it.
   */
  public static final double SERVED_MEMORY_SECONDS = 30;
  /**
   * A decrease waits this long (ns) after the one before: the latency average answers a change of the limit over
   * about a second, and cutting again every period before it could (0.9 four times a second) drove a cold gateway's
   * limit to its floor in seconds (2026-11-30).
   */
  private static final long DECREASE_EVERY = SECOND;
  /**
   * The limit's rise a period while logins are held and it binds (with 1 more): about 4 % a second at 250 ms. Faster,
   * it rose past the gateway's capacity before the latency average could show it (see {@link #adjust}).
   */
  static final double RISE_HOLDING = 1.01;
  /** A decrease starts from the rate admitted over the last this many periods (a second at 250 ms). */
  private static final int WINDOW = 4;
  /** How often (ns) the door writes one line of what it did, while it holds logins back or sees overload. */
  private static final long REPORT_EVERY = 10 * SECOND;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Admission.class);

  private final AdmissionConfig config;
  private final KeyedHasher hasher;
  private final Clock clock;
  /** The last place given (a login admitted or held takes the next one). */
  private final AtomicLong issued = new AtomicLong();
  /**
   * A kept slot admits its holder from its turn to this long after (ns); later, the holder's place goes through the
   * gate again. Without the bound, a kept-slot ticket admitted without the gate for its whole lifetime.
   */
  private static final long KEPT_SLOT_GRACE = 10 * SECOND;
  /**
   * Places are served faster than the limit only when no holder came back for this long (ns): voters who left, not
   * voters away until their Retry-After (whole seconds, so 2 s without one is not a gap between two returns).
   */
  private static final long RETURN_QUIET = 2 * SECOND;
  /**
   * No holder back for this long: the places ahead are taken to be of voters who left for good, and a newcomer far
   * behind them may enter when the gate has room ({@link #leftBehind}). Longer than {@link #RETURN_QUIET}: while
   * voters do retry, some come back every second, and a newcomer let in past them took the gate's room they came
   * back to.
   */
  private static final long LEFT_QUIET = 10 * SECOND;
  /**
   * The slots kept, by place (its turn, epoch ns): a ticket shown again before its slot gets the same slot, not
   * another one (shown again and again, one ticket booked the whole gate). Emptied of past turns by {@link #adjust}.
   */
  private final java.util.concurrent.ConcurrentHashMap<Long, Long> keptSlots =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** How far ahead (ns) the gate keeps slots for holders: see {@link #passGate}. */
  private static final long GATE_HORIZON = 3 * SECOND;
  /** The gate's theoretical arrival time (epoch ns): see {@link #passGate}. */
  private final AtomicLong gate = new AtomicLong(Long.MIN_VALUE / 2);
  /** Names this instance in its tickets: another instance's places mean nothing here. */
  private final int instance = new java.security.SecureRandom().nextInt();
  private volatile Pace pace;

  private final LongAdder inFlight = new LongAdder();
  private final LongAdder admittedSince = new LongAdder();
  private final LongAdder heldSince = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();
  private final LongAdder latencyCount = new LongAdder();
  private final LongAdder loopDelaySum = new LongAdder();
  private final LongAdder loopDelayCount = new LongAdder();
  private volatile double latencyEwmaNanos;
  /**
   * When (epoch ns) a holder last came back to this instance with a valid ticket of its own: places are served
   * faster than the limit only when none did for {@link #RETURN_QUIET} (see {@link #adjust}).
   */
  private volatile long lastReturn = Long.MIN_VALUE / 2;
  /**
   * Set by {@link #adjust}: the places ahead are of voters who left (nobody came back for {@link #LEFT_QUIET}, the
   * gate let in under 90 % of the limit, nothing says overload). A newcomer far behind them then enters when the gate
   * has room, instead of being held behind places nobody will use.
   */
  private volatile boolean leftBehind;
  private volatile long lastLoopDelay;
  /** The best admitted rate (per second) of a period without overload, fading: the floor of a decrease is half. */
  private double served;
  /** Time (ns) since the last decrease (only {@link #adjust} touches it). */
  private long sinceDecrease = DECREASE_EVERY;
  /** Logins admitted in each of the last {@link #WINDOW} periods, and the periods' lengths (ns): a ring. */
  private final long[] windowAdmitted = new long[WINDOW];
  private final long[] windowNanos = new long[WINDOW];
  private int windowAt;
  /** The admitted rate's moving average (weight 0.3 a period): what the served-rate memory keeps the best of. */
  private double rateEwma;
  /** What the report line sums since it was last written (only {@link #adjust} touches these). */
  private long reportNanos;
  private double reportAdmitted;
  private long reportHeld;
  private int reportOverloaded;
  private int reportPeriods;

  private final Counter admitted;
  private final Counter admittedTicket;
  private final Counter admittedPastLeft;
  /** Newcomers let in past places of voters who left since the last adjustment ({@link #leftBehind}). */
  private final LongAdder pastLeftSince = new LongAdder();
  /** When the door began to hold logins back (or let them in past places) after a period of neither. */
  private long holdingSince = Long.MIN_VALUE / 2;
  private boolean wasHolding;
  private long reportPastLeft;
  private final Counter held;
  private final Counter heldNoTicket;
  private final Counter ticketRefused;

  /**
   * The limit (the gate's rate), and the place being served at an instant: places are served at {@code serve} a
   * second from {@code (at, served)}. {@code serve} is the limit, or more while the gate is idle with places still
   * ahead and no holder comes back ({@link #adjust}: places given to voters who left are passed quickly instead of
   * keeping everyone behind them waiting; the gate still lets in no more than the limit).
   * Changed as a whole, from the place served then.
   */
  private record Pace(double limit, double serve, double served, long at) {
    double serving(long now) {
      return served + serve * (now - at) / SECOND;
    }

    /** The instant (epoch ns) at which {@code place} is served. */
    long instantOf(double place) {
      return at + (long) Math.ceil((place - served) * SECOND / serve);
    }
  }

  public Admission(AdmissionConfig config, KeyedHasher hasher, Clock clock, GatewayMetrics metrics) {
    this.config = config;
    this.hasher = hasher;
    this.clock = clock;
    this.pace = new Pace(config.maxRate(), config.maxRate(), 0, now());
    this.admitted = metrics.admission("admitted");
    this.admittedTicket = metrics.admission("admitted-ticket");
    this.admittedPastLeft = metrics.admission("admitted-past-left");
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

  /** Places served per second now: the limit, or more while voters who left hold the places ahead. */
  public double serveRate() {
    return pace.serve();
  }

  private long now() {
    return clock.millis() * 1_000_000L;
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
    long now = now();
    Pace p = pace;
    double serving = p.serving(now);
    if (ticket != null) {
      Decision d = holder(electionId, binding, ticket, p, serving, now, true);
      if (d == ADMITTED) {
        admittedTicket.increment();
        admittedSince.increment();
        return d;
      }
      if (d != null) {
        held.increment();
        heldSince.increment();
        return d;
      }
      ticketRefused.increment();
    }
    int burst = config.burst();
    boolean counted = false;
    while (true) {
      long last = issued.get();
      long place = Math.max(last, (long) Math.floor(serving)) + 1;
      if (place - serving <= burst) {
        if (!issued.compareAndSet(last, place)) {
          continue;
        }
        // a newcomer is kept no slot of the gate: one who does not come back would hold it from the others (at an
        // opening whose voters did not retry, slots kept for them filled the gate and nobody got in)
        long gateWait = passGate(p, now, true, false, false);
        if (gateWait == 0) {
          admitted.increment();
          admittedSince.increment();
          return ADMITTED;
        }
        if (!counted) { // its place has come, but the gate is full: it keeps its place, and comes back soon
          heldSince.increment();
        }
        held.increment();
        return held(electionId, binding, place, now - gateWait, now); // no slot kept: gateWait is negative
      }
      if (leftBehind && passGate(p, now, true, false, false) == 0) {
        // the places ahead are of voters who left and the gate has room: the door does not idle behind them. Voters
        // who left kept it shut on an idle gateway: newcomers arrived faster than even 4 times the limit served
        // places, each was held behind them and left too (2026-11-30, a campaign beside 1,000 journeys/s: 0 logins
        // a second let in for 90 s, loop delay 0.5 ms). The gate still lets in no more than the limit, and a holder
        // coming back at its turn passes it first (twice the burst).
        admittedPastLeft.increment();
        admittedSince.increment();
        pastLeftSince.increment();
        return ADMITTED;
      }
      if (!counted) {
        heldSince.increment();
        counted = true;
      }
      long turn = p.instantOf(place - burst);
      if (turn - now > config.maxWait().toNanos()) {
        heldNoTicket.increment();
        // no place: come back when a place would be within maxWait, at the limit of now (not maxWait later: at an
        // opening the gateway idled while voters told 10 minutes stayed away)
        long back = Math.max(RECHECK_SECONDS * SECOND, turn - now - config.maxWait().toNanos());
        return new Held(null, seconds(Math.min(back, config.maxWait().toNanos())), seconds(turn - now));
      }
      if (issued.compareAndSet(last, place)) {
        held.increment();
        return held(electionId, binding, place, turn, now);
      }
    }
  }

  /**
   * What {@link #enter} would decide for a ticket holder, without counting anything: {@link #ADMITTED} when its
   * turn has come, {@link Held} (its place, the seconds left at the limit of now) before, null when the ticket is
   * forged, expired or not bound to {@code binding} (the login pages' waiting page: it shows the form again only
   * at the voter's turn).
   */
  public Decision peek(String electionId, String binding, String ticket) {
    if (!config.enabled()) {
      return ADMITTED;
    }
    if (ticket == null) {
      return null;
    }
    long now = now();
    Pace p = pace;
    return holder(electionId, binding, ticket, p, p.serving(now), now, false);
  }

  /** A ticket holder: {@link #ADMITTED} at its turn, {@link Held} before it, null when the ticket is not valid. */
  private Decision holder(String electionId, String binding, String ticket, Pace p, double serving, long now,
                          boolean take) {
    Ticket t = Ticket.read(ticket, this, electionId, binding);
    if (t == null) {
      return null;
    }
    long ttl = config.ticketTtl().toNanos();
    if (take && now - lastReturn > RETURN_QUIET / 20) {
      // a holder is here: its place is not one of a voter who left. Written at most every 100 ms, not on every
      // retry: thousands of holders a second on every event loop would share one contended field
      lastReturn = now;
    }
    if (t.instance() != instance) { // another instance's place: its instant stands for it
      if (now > t.turn() + ttl) {
        return null;
      }
      long tolerance = (long) (config.burst() * SECOND / p.limit());
      long wait = t.turn() - now < tolerance ? Math.abs(passGate(p, now, take, false, true)) : t.turn() - now;
      return wait == 0 ? ADMITTED : new Held(ticket, seconds(recheck(wait)), seconds(wait));
    }
    if (t.place() < 0) { // a slot of the gate was kept for it at its turn
      if (now < t.turn()) {
        return new Held(ticket, seconds(recheck(t.turn() - now)), seconds(t.turn() - now));
      }
      if (now <= t.turn() + KEPT_SLOT_GRACE) {
        return ADMITTED;
      }
      // late for its slot: its place (served) goes through the gate again, like any served place
    }
    long place = Math.abs(t.place());
    if (place - serving <= config.burst()) { // its place has been served
      if (now > t.turn() + ttl) {
        return null;
      }
      Long kept = keptSlots.get(place);
      if (kept != null && kept > now) { // a slot is kept for this place already: the same one, not another
        return held(electionId, binding, -place, kept, now);
      }
      long gateWait = passGate(p, now, take, take, true); // a look (the waiting page) keeps nothing
      if (gateWait > 0 && take) {
        keptSlots.put(place, now + gateWait);
        return held(electionId, binding, -place, now + gateWait, now);
      }
      return gateWait == 0 ? ADMITTED : held(electionId, binding, place, now + Math.abs(gateWait), now);
    }
    return held(electionId, binding, place, p.instantOf(place - config.burst()), now);
  }

  /**
   * The gate every admission passes, newcomer or holder: a generic cell rate algorithm in time at the limit (with
   * {@code burst} of tolerance). The places say whose turn it is; the gate says how many get in. Holders come back
   * when told, not when their place is served: those told while the limit was lower, or rounded up to a whole
   * second, come back together, and without the gate they all got in at once (2026-11-30: 902 a second at a
   * limit of 241, from 0 the seconds before). Held at the gate, a holder coming back with its ticket (not a
   * newcomer: see {@code keep}) is given a slot of it (the gate's time
   * moves on as if it had passed): holders held together come back one after the other, at the limit, not
   * together again (they did, once a second, and their retries took the cores).
   *
   * @param take false to look without taking a slot (the waiting page's {@link #peek})
   * @param keep whether a slot may be kept for it (a holder coming back with its ticket: yes; a newcomer: no)
   * @param holder a holder (with a ticket) may use twice the burst; a newcomer the burst
   * @return 0 when it may pass now (and, with {@code take}, it has), else the ns until its slot (kept for it,
   *     with {@code take}); with {@code take}, minus {@link #GATE_HORIZON} when the gate is booked further than
   *     that (no slot kept: slots are kept at the pace of the limit when they are given, and a limit that falls
   *     after must not find minutes of them; 2026-11-30: 834 a second got in at a limit of 204)
   */
  private long passGate(Pace p, long now, boolean take, boolean keep, boolean holder) {
    long interval = Math.max(1, (long) (SECOND / p.limit()));
    // a holder whose place has come may use twice the burst: newcomers arriving at the same instant take at most
    // the burst, and cannot take the room of a holder who was ahead of them (the waiting page's browser test: the
    // voter, back at its turn, found the gate full of newer arrivals)
    long tolerance = interval * (holder ? 2L * config.burst() : config.burst());
    while (true) {
      long tat = gate.get();
      long at = Math.max(tat, now);
      if (at - now <= tolerance) {
        if (!take || gate.compareAndSet(tat, at + interval)) {
          return 0;
        }
        continue;
      }
      if (!take) {
        return at - now - tolerance;
      }
      if (!keep || at - now - tolerance > GATE_HORIZON) { // no slot kept: come back then and ask again
        return -Math.max(1, Math.min(at - now - tolerance, GATE_HORIZON));
      }
      if (gate.compareAndSet(tat, at + interval)) {
        return at - now - tolerance; // a slot kept: the holder passes without asking the gate again
      }
    }
  }

  /**
   * Held at {@code place}, to be served at {@code turn} (epoch ns): a ticket naming both. A negative place: a slot
   * of the gate is kept for the holder at {@code turn}.
   */
  private Held held(String electionId, String binding, long place, long turn, long now) {
    long turnMillis = (turn + 999_999) / 1_000_000; // rounded up: the holder never comes back before its turn
    long wait = turnMillis * 1_000_000L - now;
    return new Held(new Ticket(instance, place, turnMillis * 1_000_000L).write(this, electionId, binding),
        seconds(recheck(wait)), seconds(wait));
  }

  /** When to come back (ns from now) for a wait of {@code wait} ns: all of it up to 60 s, else half (≥ 60 s). */
  private static long recheck(long wait) {
    long recheck = RECHECK_SECONDS * SECOND;
    return wait <= recheck ? wait : Math.max(recheck, wait / 2);
  }

  /** Whole seconds to wait, rounded up, at least 1. */
  private static long seconds(long nanos) {
    return Math.max(1, (nanos + SECOND - 1) / SECOND);
  }

  /** What a waiting ticket says: the instance that gave it, the place, the estimated turn (epoch ns, whole ms). */
  private record Ticket(int instance, long place, long turn) {
    private static final int BYTES = 4 + 8 + 8 + MAC_BYTES;
    /** Base64url, no padding, of {@link #BYTES}. */
    private static final int CHARS = (BYTES * 8 + 5) / 6;

    String write(Admission door, String electionId, String binding) {
      long turnMillis = turn / 1_000_000L;
      ByteBuffer b = ByteBuffer.allocate(BYTES).putInt(instance).putLong(place).putLong(turnMillis)
          .put(door.mac(electionId, binding, instance, place, turnMillis), 0, MAC_BYTES);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The ticket, when it is well-formed and its MAC right for this election and binding; else null. */
    static Ticket read(String ticket, Admission door, String electionId, String binding) {
      if (ticket.length() != CHARS) {
        return null;
      }
      byte[] raw;
      try {
        raw = Base64.getUrlDecoder().decode(ticket);
      } catch (IllegalArgumentException e) {
        return null;
      }
      if (raw.length != BYTES) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(raw);
      int instance = b.getInt();
      long place = b.getLong();
      long turnMillis = b.getLong();
      if (place == 0 || place == Long.MIN_VALUE || turnMillis <= 0 || turnMillis > Long.MAX_VALUE / 1_000_000L) {
        return null;
      }
      byte[] expected = Arrays.copyOf(door.mac(electionId, binding, instance, place, turnMillis), MAC_BYTES);
      return KeyedHasher.equal(expected, Arrays.copyOfRange(raw, BYTES - MAC_BYTES, BYTES))
          ? new Ticket(instance, place, turnMillis * 1_000_000L) : null;
    }
  }

  private byte[] mac(String electionId, String binding, int instance, long place, long turnMillis) {
    return hasher.hash(HashPurpose.ADMISSION_TICKET, electionId, binding, Integer.toString(instance),
        Long.toString(place), Long.toString(turnMillis));
  }

  // ------------------------------------------------------------------ the signals

  /** A request began (any route): counted in flight until {@link #requestEnded}. */
  public void requestStarted() {
    inFlight.increment();
  }

  /**
   * A request ended. @param nanos its latency, or -1 not to count it in the latency average (a login held back
   * at the door, answered at once: it says nothing about how loaded the gateway is; a request that is not a
   * {@linkplain #journeyStep journey step})
   */
  public void requestEnded(long nanos) {
    inFlight.decrement();
    if (nanos >= 0) {
      latencyNanos.add(nanos);
      latencyCount.increment();
    }
  }

  /**
   * The routes whose latency is the latency signal: the steps of a voter's journey (the API's, OpenID Connect's
   * and the login pages') that wait only for this gateway and Redis. Not the steps that send a code (the API's
   * login and resend, the pages' login submit, channel choice and resend): they wait for the provider to take the
   * SMS or email, 100 ms and more at OVH on a good day, which says nothing of this gateway's load (counted, a
   * slow provider — or the load test's fake, in a busy generator — closed the door). Nor a roll import, an export
   * or a console page, slow by nature (a 10,000-line batch takes a few hundred ms on an idle gateway): counted,
   * the import before an opening brought the limit down to its floor before the first voter came (2026-11-30).
   * Every request is counted in flight.
   */
  private static final java.util.Set<String> JOURNEY_STEPS = java.util.Set.of("login-verify", "logout",
      "introspect", "emargement", "oidc-authorize", "oidc-authorize-post", "oidc-token", "oidc-introspect",
      "oidc-userinfo", "oidc-userinfo-post", "oidc-revoke", "page-login", "page-wait", "page-channel",
      "page-code", "page-code-post", "page-cancel");

  /** The route names of {@link #journeyStep} (tests hold them to the routes served). */
  public static java.util.Set<String> journeySteps() {
    return JOURNEY_STEPS;
  }

  /** Whether a request of {@code route} (its name, or null) counts in the latency signal. */
  public static boolean journeyStep(String route) {
    return route != null && JOURNEY_STEPS.contains(route);
  }

  /** An event loop's probe timer fired {@code nanos} later than due. */
  public void loopDelay(long nanos) {
    loopDelaySum.add(nanos);
    loopDelayCount.increment();
  }

  /**
   * What the last {@link #adjust} read (for tests and logs): the probes' mean delay, the latency average, the
   * requests in flight, the rate admitted in the period, the logins held in it, the verdict, and the floor a
   * decrease stopped at (half the remembered served rate, or {@code minRate}).
   */
  public record Signals(long loopDelayNanos, double latencyEwmaNanos, long inFlight, double admittedPerSecond,
                        long held, boolean overloaded, double floor) {}

  /**
   * Adjusts the limit to the signals of the last {@code elapsedNanos}: called every
   * {@link AdmissionConfig#adjustEvery()} from one timer.
   */
  public Signals adjust(long elapsedNanos) {
    long probes = loopDelayCount.sumThenReset();
    long delay = probes == 0 ? 0 : loopDelaySum.sumThenReset() / probes;
    lastLoopDelay = delay;
    long count = latencyCount.sumThenReset();
    long sum = latencyNanos.sumThenReset();
    double ewma = latencyEwmaNanos;
    if (count > 0) {
      double mean = (double) sum / count;
      ewma = ewma == 0 ? mean : 0.7 * ewma + 0.3 * mean;
    } else {
      // no journey step answered: no sign of a slow gateway. Kept as it was, the last average said "overloaded"
      // for ever once the door held everyone back (no step left to measure): the door stayed shut (2026-11-30)
      ewma *= 0.7;
    }
    latencyEwmaNanos = ewma;
    long inFlightNow = inFlight.sum();
    long admittedNow = admittedSince.sumThenReset();
    double rate = admittedNow * (double) SECOND / Math.max(1, elapsedNanos);
    rateEwma = 0.7 * rateEwma + 0.3 * rate; // holders coming back together make one period's rate a burst
    long heldNow = heldSince.sumThenReset();
    long pastLeftNow = pastLeftSince.sumThenReset();
    boolean overloaded = delay > config.maxLoopDelay().toNanos() || ewma > config.maxLatency().toNanos()
        || inFlightNow > config.maxInFlight();
    served *= Math.exp(-elapsedNanos / (SERVED_MEMORY_SECONDS * SECOND));
    if (!overloaded) {
      served = Math.max(served, rateEwma);
    }
    double floor = Math.max(config.minRate(), served / 2);
    double limit = pace.limit();
    // overloaded: down to 90 % of what got in (the first overloaded period snaps a limit that did not bind to what
    // the gateway really served), never below half the rate recently served well, never up; else up, carefully
    // while logins wait at the limit, faster when it did not bind (nobody held: raising it costs nothing, and after
    // a false alarm it comes back in seconds)
    // the limit rises only when what got in (over a second: holders come back on whole seconds) came near it: holders away until their Retry-After do not use the
    // places served meanwhile, and a limit raised on a quiet period (nobody new held, everyone away) served every
    // place at once and let them all in when they came back (2026-11-30: 1,631 logins a second, p99 over 1 s)
    sinceDecrease += elapsedNanos;
    windowAdmitted[windowAt] = admittedNow;
    windowNanos[windowAt] = elapsedNanos;
    windowAt = (windowAt + 1) % WINDOW;
    double windowRate = java.util.Arrays.stream(windowAdmitted).sum() * (double) SECOND
        / Math.max(1, java.util.Arrays.stream(windowNanos).sum());
    // while logins are held, the limit rises slowly (RISE_HOLDING, about 4 % a second), and not at all once a signal
    // passes half its bound: at +5 % a period (+21 % a second) it overshot before the latency average could show it,
    // 1,226 to 1,822 a second in 10 s, then a second's loop delay of 332 ms and admitted journeys' p99 near 1 s
    // (2026-11-30, 3,000/s)
    boolean stressed = delay > config.maxLoopDelay().toNanos() / 2 || ewma > config.maxLatency().toNanos() / 2.0
        || inFlightNow > config.maxInFlight() / 2;
    double target = overloaded ? sinceDecrease < DECREASE_EVERY ? limit
        : Math.min(limit, Math.max(floor, Math.min(limit, windowRate) * 0.9))
        : windowRate < limit * 0.9 ? limit : heldNow == 0 ? limit * 1.25 + 1
        : stressed ? limit : limit * RISE_HOLDING + 1;
    if (target < limit) {
      sinceDecrease = 0;
    }
    target = Math.max(config.minRate(), Math.min(config.maxRate(), target));
    // places still ahead (someone was held) while the gate let in less than 90 % of the limit, nothing says
    // overload, and no holder came back for RETURN_QUIET: the places being served belong to voters who left (a
    // platform that does not retry). Serve them faster (25 % more a period) rather than keep everyone behind them
    // waiting: at an opening whose voters did not come back, the door let nobody in for minutes on a healthy
    // gateway (2026-11-30). The gate still lets in no more than the limit, and places at most 4 times faster.
    // While holders do come back, places are served at the limit: served faster, the places of voters away until
    // their Retry-After were passed, they all met the gate together on return and were held again, until their
    // retries ran out (2026-11-30, 3,000/s: 125,000 voters gave up by 309 s, against 1,898 at 230 s without it)
    Pace p = pace;
    long nowNanos = now();
    keptSlots.values().removeIf(turn -> turn < nowNanos);
    boolean placesAhead = issued.get() - p.serving(nowNanos) > config.burst();
    boolean nobodyCameBack = nowNanos - lastReturn > RETURN_QUIET;
    // (Once the places ahead are passed, the pace is kept while that lasts: reset to the limit at once, it let places
    // of voters who left pile up again, 40 a second against 15 served, and the gate let in 4 a second.)
    // newcomers let in past places count as held here: not counted, the next period saw nobody held, stopped
    // serving faster and letting them past, held the next ones, and so on every other period
    boolean holding = heldNow > 0 || pastLeftNow > 0;
    if (holding && !wasHolding) {
      holdingSince = nowNanos; // a new spell: holders told to come back cannot have come back yet
    }
    wasHolding = holding;
    boolean fast = !overloaded && holding && nobodyCameBack && windowRate < target * 0.9;
    leftBehind = fast && placesAhead && nowNanos - Math.max(lastReturn, holdingSince) > LEFT_QUIET;
    double serve = !fast ? target : placesAhead
        ? Math.min(Math.min(config.maxRate(), target * 4), Math.max(p.serve(), target) * 1.25 + 1)
        : Math.min(Math.max(p.serve(), target), Math.min(config.maxRate(), target * 4));
    if (target != limit || serve != p.serve()) {
      long now = now();
      pace = new Pace(target, serve, p.serving(now), now); // the places given keep their order
    }
    report(elapsedNanos, rate, heldNow, pastLeftNow, overloaded, delay, ewma, inFlightNow, target);
    return new Signals(delay, ewma, inFlightNow, rate, heldNow, overloaded, floor);
  }

  /**
   * One line every {@link #REPORT_EVERY} while the door held logins back or saw overload: what an operator (and a
   * load test) reads to know what the door did, without a line per period.
   */
  private void report(long elapsedNanos, double rate, long heldNow, long pastLeftNow, boolean overloaded, long delay,
                      double ewma, long inFlightNow, double limit) {
    reportNanos += elapsedNanos;
    reportAdmitted += rate * elapsedNanos / SECOND;
    reportHeld += heldNow;
    reportPastLeft += pastLeftNow;
    reportPeriods++;
    if (overloaded) {
      reportOverloaded++;
    }
    if (reportNanos < REPORT_EVERY) {
      return;
    }
    if ((reportHeld > 0 || reportOverloaded > 0 || reportPastLeft > 0) && LOG.isInfoEnabled()) {
      long pastLeft = reportPastLeft;
      LOG.info(String.format(java.util.Locale.ROOT, "admission: limit %.0f/s, admitted %.0f/s, held %d, overloaded "
              + "%d of %d periods; last period: loop delay %.1f ms, latency %.1f ms, in flight %d%s",
          limit, reportAdmitted * SECOND / reportNanos, reportHeld, reportOverloaded, reportPeriods, delay / 1e6,
          ewma / 1e6, inFlightNow, pastLeft == 0 ? "" : "; " + pastLeft + " let in past places of voters who left"));
    }
    reportNanos = 0;
    reportAdmitted = 0;
    reportHeld = 0;
    reportPastLeft = 0;
    reportOverloaded = 0;
    reportPeriods = 0;
  }
}
