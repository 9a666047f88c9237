package fr.sesame.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.AdmissionConfig;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.testkit.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit, fed signals by hand (no I/O, no time: each adjustment is told how long its period was).
 */
class AdmissionLimitTest {
  private static final long PERIOD = 250_000_000L;
  private final TestClock clock = new TestClock();
  private final Admission door = new Admission(AdmissionConfig.DEFAULTS, new KeyedHasher(new byte[32]), clock,
      new GatewayMetrics(new SimpleMeterRegistry()));

  /** {@code n} new logins at this instant, all admitted (the limit starts at maxRate). */
  private void logins(int n) {
    for (int i = 0; i < n; i++) {
      assertThat(door.enter("el", "v" + i, null)).isSameAs(Admission.ADMITTED);
      clock.advance(java.time.Duration.ofMillis(1));
    }
  }

  @Test
  void anOverloadedLoopCutsTheLimitToNinetyPercentOfWhatGotIn() {
    assertThat(door.limit()).isEqualTo(10_000);
    logins(250); // 1,000 a second over a 250 ms period
    door.loopDelay(40_000_000L); // over the 20 ms threshold
    Admission.Signals s = door.adjust(PERIOD);
    assertThat(s.overloaded()).isTrue();
    assertThat(s.admittedPerSecond()).isEqualTo(1_000);
    assertThat(door.limit()).isEqualTo(900);
  }

  @Test
  void tooManyRequestsInFlightOrASlowAverageAreOverloadsToo() {
    logins(100);
    for (int i = 0; i < 1_001; i++) {
      door.requestStarted();
    }
    assertThat(door.adjust(PERIOD).overloaded()).isTrue();
    assertThat(door.limit()).isEqualTo(360);
    for (int i = 0; i < 1_001; i++) {
      door.requestEnded(1_000_000L); // 1 ms each
    }
    assertThat(door.adjust(PERIOD).overloaded()).as("1 ms on average, none in flight").isFalse();
    door.requestStarted();
    door.requestEnded(500_000_000L); // one request of 500 ms weighs the moving average over 30 ms
    Admission.Signals s = door.adjust(PERIOD);
    assertThat(s.overloaded()).isTrue();
    assertThat(s.latencyEwmaNanos()).isEqualTo(0.7 * 1_000_000 + 0.3 * 500_000_000);
    assertThat(door.limit()).as("nothing got in: the floor").isEqualTo(20);
  }

  @Test
  void aHealthyGatewayRaisesTheLimitCarefullyWhileLoginsWaitAndFastOtherwise() {
    logins(100);
    door.loopDelay(40_000_000L);
    door.adjust(PERIOD);
    assertThat(door.limit()).isEqualTo(360);
    assertThat(door.adjust(PERIOD).overloaded()).isFalse();
    assertThat(door.limit()).as("nobody held: +25 %").isEqualTo(451);
    // a wave that the limit holds back: +5 % a period
    for (int i = 0; i < 200; i++) {
      door.enter("el", "w" + i, null);
    }
    Admission.Signals s = door.adjust(PERIOD);
    assertThat(s.held()).isPositive();
    assertThat(door.limit()).isEqualTo(451 * 1.05 + 1);
  }

  @Test
  void theLimitStaysWithinItsBounds() {
    door.loopDelay(1_000_000_000L);
    door.adjust(PERIOD); // nothing admitted: the floor
    assertThat(door.limit()).isEqualTo(20);
    for (int i = 0; i < 100; i++) {
      door.adjust(PERIOD);
    }
    assertThat(door.limit()).isEqualTo(10_000);
  }

  @Test
  void aDisabledDoorLetsEveryoneIn() {
    Admission off = new Admission(AdmissionConfig.OFF,
        new KeyedHasher(new byte[32]), clock, new GatewayMetrics(new SimpleMeterRegistry()));
    for (int i = 0; i < 1_000; i++) {
      assertThat(off.enter("el", "v" + i, null)).isSameAs(Admission.ADMITTED);
    }
  }
}
