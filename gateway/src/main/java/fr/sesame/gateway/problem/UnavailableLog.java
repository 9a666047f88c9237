package fr.sesame.gateway.problem;

import fr.sesame.channels.WarnThrottle;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WARN line of each response a dependency failed (503 {@code dependency-unavailable}, 503
 * {@code write-unconfirmed}, any other 5xx problem): the request id, the status, the problem type and its cause.
 * The cause is {@link RedactedException#describe described}: each exception's class, the message only of Sesame's own.
 *
 * <p>A Redis outage fails every request at once, so lines are kept to one a second per problem type and cause
 * class; the next written line of that kind says how many were left out. Thread-safe.
 */
public final class UnavailableLog {
  private static final Logger LOG = LoggerFactory.getLogger(UnavailableLog.class);
  private static final UnavailableLog SHARED = new UnavailableLog(System::nanoTime);
  private final WarnThrottle throttle;

  UnavailableLog(LongSupplier nanos) {
    this.throttle = new WarnThrottle(nanos);
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
    long skipped = throttle.admit(type.name() + '|' + causeClass);
    if (skipped >= 0) {
      LOG.warn("request {} answered {} {}: {}{}", requestId, status, type.uri(), RedactedException.describe(cause),
          WarnThrottle.skipped(skipped));
    }
  }
}
