package fr.sesame.channels.fallback;

import fr.sesame.channels.WarnThrottle;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One line per key a second, the next one counting those left out. No I/O. */
class WarnThrottleTest {
  @Test
  void writesTheFirstLineOfAKeyEachSecondAndCountsTheOthers() {
    AtomicLong now = new AtomicLong(5_000_000_000L);
    WarnThrottle t = new WarnThrottle(now::get);
    assertThat(t.admit("ovh|transient")).isZero();
    assertThat(t.admit("ovh|transient")).isEqualTo(-1);
    assertThat(t.admit("ovh|rejected")).as("another key").isZero();
    now.addAndGet(999_000_000L);
    assertThat(t.admit("ovh|transient")).isEqualTo(-1);
    now.addAndGet(1_000_000L);
    assertThat(t.admit("ovh|transient")).as("a second later: the two left out").isEqualTo(2);
    assertThat(WarnThrottle.skipped(2)).isEqualTo(" (and 2 more like it in the last second, not logged)");
    assertThat(WarnThrottle.skipped(0)).isEmpty();
  }
}
