package fr.sesame.gateway.problem;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WARN line of each response a dependency failed (503 {@code dependency-unavailable}, 503
 * {@code write-unconfirmed}, any other 5xx problem): the request id, the status, the problem type and its cause.
 * The cause is our own exception's class and message (ours never hold a request's content) and only the class
 * names of what caused it: a driver's or a provider's message may quote what it was sent.
 *
 * <p>A Redis outage fails every request at once, so lines are kept to one a second per problem type and cause
 * class; the next written line of that kind says how many were left out. Thread-safe.
 */
public final class UnavailableLog {
  private static final Logger LOG = LoggerFactory.getLogger(UnavailableLog.class);
  private static final long WINDOW_NANOS = 1_000_000_000L;
  private static final UnavailableLog SHARED = new UnavailableLog(System::nanoTime);

  private static final class State {
    long last;
    long skipped;
    boolean written;
  }

  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
  private final LongSupplier nanos;

  UnavailableLog(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /**
   * Logs (or counts) one failed response.
   * @param requestId the request's id (its problem's {@code instance})
   * @param status    the response's status
   * @param type      the problem's type
   * @param cause     what failed: a {@link ProblemException} or the exception of a dependency
   */
  public static void warn(String requestId, int status, ProblemType type, Throwable cause) {
    SHARED.log(requestId, status, type, cause);
  }

  void log(String requestId, int status, ProblemType type, Throwable cause) {
    String causeClass = cause == null ? "none" : cause.getClass().getSimpleName();
    long skipped = admit(type.name() + '|' + causeClass);
    if (skipped >= 0) {
      LOG.warn("request {} answered {} {}: {}{}", requestId, status, type.uri(), describe(cause),
          skipped == 0 ? "" : " (and " + skipped + " more like it in the last second, not logged)");
    }
  }

  /** Our exception's class and message, then the class of each cause: {@code A: message <- B <- C}. */
  static String describe(Throwable cause) {
    if (cause == null) {
      return "no exception";
    }
    StringBuilder sb = new StringBuilder(cause.getClass().getSimpleName());
    if (cause.getMessage() != null) {
      sb.append(": ").append(cause.getMessage());
    }
    int depth = 0;
    for (Throwable c = cause.getCause(); c != null && c != cause && depth < 5; c = c.getCause(), depth++) {
      sb.append(" <- ").append(c.getClass().getSimpleName());
    }
    return sb.toString();
  }

  private long admit(String key) {
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
}
