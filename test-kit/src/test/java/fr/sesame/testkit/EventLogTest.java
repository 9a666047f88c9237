package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventLogTest {
  @Test
  void wakesOnTheEventItWaitsForEvenFromAnotherThread() throws Exception {
    EventLog<String> log = new EventLog<>();
    log.add("early");
    Thread late = new Thread(() -> {
      log.add("noise");
      log.add("wanted");
    });
    late.start();
    assertThat(log.await("wanted"::equals, Duration.ofSeconds(10), "the wanted event")).isEqualTo("wanted");
    assertThat(log.await("early"::equals, Duration.ofMillis(1), "an event already there")).isEqualTo("early");
    late.join();
    assertThat(log.all()).containsExactly("early", "noise", "wanted");
  }

  @Test
  void awaitFromSkipsWhatCameBefore() {
    EventLog<String> log = new EventLog<>();
    log.add("a");
    int mark = log.size();
    assertThatThrownBy(() -> log.awaitFrom(mark, "a"::equals, Duration.ofMillis(50), "a second a"))
        .isInstanceOf(AssertionError.class).hasMessage("no a second a within 50 ms; events since #1: []");
    log.add("a");
    assertThat(log.awaitFrom(mark, "a"::equals, Duration.ofMillis(50), "a second a")).isEqualTo("a");
  }

  @Test
  void awaitMoreThanIsBounded() {
    EventLog<Integer> log = new EventLog<>();
    long start = System.nanoTime();
    assertThat(log.awaitMoreThan(0, Duration.ofMillis(100))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    log.add(1);
    assertThat(log.awaitMoreThan(0, Duration.ofMillis(100))).isTrue();
  }
}
