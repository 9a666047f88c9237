package fr.sesame.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import fr.sesame.channels.NotificationException;
import fr.sesame.redis.StoreUnavailableException;
import fr.sesame.testkit.LogCapture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WARN line of a failed dependency: its cause without the driver's message, one a second per cause. No I/O. */
class UnavailableLogTest {
  final LogCapture logs = new LogCapture(UnavailableLog.class);
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final UnavailableLog log = new UnavailableLog(now::get);

  @AfterEach
  void close() {
    logs.close();
  }

  @Test
  void namesTheRequestTheProblemAndOurCauseButNotTheDriversMessage() {
    log.log("r-1", 503, ProblemType.DEPENDENCY_UNAVAILABLE, new StoreUnavailableException(
        "Redis command failed: IllegalStateException", new IllegalStateException("EVALSHA ... alice.martin@univ-test.fr")));
    assertThat(logs.lines(Level.WARN)).containsExactly("WARN UnavailableLog: request r-1 answered 503 "
        + "/problems/dependency-unavailable: StoreUnavailableException: Redis command failed: IllegalStateException "
        + "<- IllegalStateException");
  }

  @Test
  void keepsABurstOfOneCauseToOneLineASecondAndCountsTheOthers() {
    for (int i = 0; i < 50; i++) {
      log.log("r-" + i, 503, ProblemType.DEPENDENCY_UNAVAILABLE, new StoreUnavailableException("Redis down", null));
    }
    log.log("n-1", 503, ProblemType.DEPENDENCY_UNAVAILABLE, new NotificationException("every sms provider failed"));
    now.addAndGet(1_000_000_000L);
    log.log("r-50", 503, ProblemType.DEPENDENCY_UNAVAILABLE, new StoreUnavailableException("Redis down", null));
    assertThat(logs.lines(Level.WARN)).containsExactly(
        "WARN UnavailableLog: request r-0 answered 503 /problems/dependency-unavailable: StoreUnavailableException: "
            + "Redis down",
        "WARN UnavailableLog: request n-1 answered 503 /problems/dependency-unavailable: NotificationException: "
            + "every sms provider failed",
        "WARN UnavailableLog: request r-50 answered 503 /problems/dependency-unavailable: StoreUnavailableException: "
            + "Redis down (and 49 more like it in the last second, not logged)");
  }
}
