package fr.sesame.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: code under test takes its time from an injected
 * {@link Clock}, so a test moves time forward instead of sleeping. Safe to read and move from any thread
 * (an event loop reads it while the test thread advances it). UTC unless {@link #withZone} says otherwise;
 * clocks obtained by {@code withZone} share this one's time.
 */
public final class TestClock extends Clock {
  /** Where {@link #TestClock()} starts: 2026-12-01T09:00:00Z, a weekday morning of an election period. */
  public static final Instant DEFAULT_START = Instant.parse("2026-12-01T09:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /** A clock at {@link #DEFAULT_START}. */
  public TestClock() {
    this(DEFAULT_START);
  }

  /** A clock at {@code start}, in UTC. */
  public TestClock(Instant start) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private TestClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Moves the clock by {@code d} (negative moves it back, as a clock stepped back by NTP does).
   * @return the new instant
   */
  public Instant advance(Duration d) {
    Objects.requireNonNull(d, "d");
    return now.updateAndGet(i -> i.plus(d));
  }

  /** Puts the clock at {@code instant}, e.g. back where a test found it. */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same moving time in {@code zone}: advancing either clock moves both. */
  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(this.zone) ? this : new TestClock(now, zone);
  }

  @Override
  public String toString() {
    return "TestClock[" + now.get() + ", " + zone + "]";
  }
}
