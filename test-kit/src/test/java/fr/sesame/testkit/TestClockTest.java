package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestClockTest {
  @Test
  void standsStillUntilMovedThenMovesByExactlyTheStep() {
    TestClock clock = new TestClock(Instant.parse("2020-03-15T09:30:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2020-03-15T09:30:00Z"));
    assertThat(clock.instant()).isEqualTo(clock.instant());
    assertThat(clock.advance(Duration.ofMinutes(5))).isEqualTo(Instant.parse("2020-03-15T09:35:00Z"));
    assertThat(clock.millis()).isEqualTo(Instant.parse("2020-03-15T09:35:00Z").toEpochMilli());
    clock.set(Instant.parse("2020-03-15T09:30:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2020-03-15T09:30:00Z"));
    assertThat(new TestClock().instant()).isEqualTo(TestClock.DEFAULT_START);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void aZonedViewSharesTheTime() {
    TestClock clock = new TestClock();
    var paris = clock.withZone(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofHours(1));
    assertThat(paris.instant()).isEqualTo(clock.instant());
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
  }

  @Test
  void advancesFromManyThreadsAreNeverLost() throws Exception {
    TestClock clock = new TestClock();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          clock.advance(Duration.ofMillis(1));
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(clock.instant()).isEqualTo(TestClock.DEFAULT_START.plusMillis(80_000));
  }
}
