package fr.sesame.channels;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a burst of identical WARN lines to one a second: when a provider is down, each message that falls
 * back would otherwise write its own line. Lines are keyed by what they say (event, providers, outcome); the
 * first of a key in a second is written, the others counted, and the next written line of that key says how
 * many were left out. Keys must be few (providers × events × outcomes; problem types × causes). Thread-safe.
 * Shared by the channels' WARN lines and the gateway's ({@code UnavailableLog}).
 */
public final class WarnThrottle {
  private static final long WINDOW_NANOS = 1_000_000_000L;

  private static final class State {
    long last;
    long skipped;
    boolean written;
  }

  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
  private final java.util.function.LongSupplier nanos;

  public WarnThrottle() {
    this(System::nanoTime);
  }

  /** @param nanos a monotonic time in nanoseconds (a test's own) */
  public WarnThrottle(java.util.function.LongSupplier nanos) {
    this.nanos = nanos;
  }

  /**
   * @return -1 if a line of this key was written less than a second ago (this one is counted, not written),
   *     else how many lines of this key were left out since the last one written
   */
  public long admit(String key) {
    State s = states.computeIfAbsent(key, k -> new State());
    long now = nanos.getAsLong();
    synchronized (s) {
      if (s.written && now - s.last < WINDOW_NANOS) {
        s.skipped++;
        return -1;
      }
      long skipped = s.skipped;
      s.written = true;
      s.last = now;
      s.skipped = 0;
      return skipped;
    }
  }

  /** The suffix a written line gets when others of its key were left out. */
  public static String skipped(long n) {
    return n <= 0 ? "" : " (and " + n + " more like it in the last second, not logged)";
  }
}
