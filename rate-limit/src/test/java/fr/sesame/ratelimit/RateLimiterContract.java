package fr.sesame.ratelimit;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimiter} does; run by the Redis limiter's test and the in-memory one's. */
public abstract class RateLimiterContract {
  protected static final LimitPolicy THREE_PER_30S =
      new LimitPolicy("ip", 1, Duration.ofSeconds(10), 3, LimitPolicy.FailureMode.OPEN);
  protected final String tag = "t-" + UUID.randomUUID();
  protected final Instant t0 = Instant.parse("2026-12-01T08:00:00Z");

  protected abstract RateLimiter limiter();

  protected Decision check(Instant now, Limit... limits) {
    return check(now, 1, limits);
  }

  protected Decision check(Instant now, int cost, Limit... limits) {
    return await(limiter().check(tag, List.of(limits), cost, now), Duration.ofSeconds(10));
  }

  @Test
  void admitsTheBurstThenRefusesWithTheExactWait() {
    Limit ip = new Limit(THREE_PER_30S, "203.0.113.7");
    assertThat(check(t0, ip).states().get(0).remaining()).isEqualTo(2);
    assertThat(check(t0, ip).states().get(0).remaining()).isEqualTo(1);
    Decision third = check(t0, ip);
    assertThat(third.allowed()).isTrue();
    assertThat(third.states().get(0).remaining()).isZero();
    assertThat(third.states().get(0).resetAfter()).isEqualTo(Duration.ofSeconds(30));
    Decision fourth = check(t0, ip);
    assertThat(fourth.allowed()).isFalse();
    assertThat(fourth.reason()).isEqualTo(Decision.Reason.LIMITED);
    assertThat(fourth.retryAfter()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void refillsWithTheCallersClockNotWithSleeping() {
    Limit ip = new Limit(THREE_PER_30S, "198.51.100.1");
    for (int i = 0; i < 3; i++) {
      check(t0, ip);
    }
    assertThat(check(t0.plusSeconds(9), ip).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(check(t0.plusSeconds(10), ip).allowed()).isTrue();
    assertThat(check(t0.plusSeconds(10), ip).allowed()).isFalse();
    Decision later = check(t0.plusSeconds(45), ip);
    assertThat(later.allowed()).isTrue();
    assertThat(later.states().get(0).remaining()).as("full again, minus this one").isEqualTo(2);
  }

  @Test
  void severalLimitsAdmitOnlyTogetherAndARefusalChargesNone() {
    LimitPolicy wide = new LimitPolicy("election", 1, Duration.ofHours(1), 5, LimitPolicy.FailureMode.OPEN);
    LimitPolicy narrow = new LimitPolicy("identifier", 1, Duration.ofHours(1), 1, LimitPolicy.FailureMode.OPEN);
    Limit election = new Limit(wide, "demo");
    Limit voter = new Limit(narrow, "h-alice");
    assertThat(check(t0, election, voter).allowed()).isTrue();
    Decision refused = check(t0, election, voter);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.states().get(0).remaining()).as("the election limit was not charged").isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(check(t0, election).allowed()).as("election alone, " + i).isTrue();
    }
    assertThat(check(t0, election).allowed()).isFalse();
  }

  @Test
  void aCostTakesSeveralPermitsAndSubjectsAreIndependent() {
    Limit a = new Limit(THREE_PER_30S, "a");
    Limit b = new Limit(THREE_PER_30S, "b");
    assertThat(check(t0, 3, a).allowed()).isTrue();
    assertThat(check(t0, a).allowed()).isFalse();
    assertThat(check(t0, 4, b).allowed()).as("more than the burst never passes").isFalse();
    assertThat(check(t0, 2, b).allowed()).isTrue();
  }

  @Test
  void aStateAtTheWindowsEdgeIsADebtOnAClockAMicrosecondBehindNeverAFreshLimit() {
    Limit ip = new Limit(THREE_PER_30S, "edge");
    for (int i = 0; i < 3; i++) {
      assertThat(check(t0, ip).allowed()).isTrue();
    }
    Instant t = t0.plusSeconds(10);
    Decision last = check(t, ip); // one permit came back: this admission puts the state at exactly t + window
    assertThat(last.allowed()).isTrue();
    assertThat(last.states().get(0).resetAfter()).isEqualTo(Duration.ofSeconds(30));

    assertThat(check(t, ip).allowed()).as("at t").isFalse();
    for (Duration behind : List.of(Duration.ofNanos(1_000), Duration.ofNanos(5_000), Duration.ofMillis(1),
        Duration.ofMillis(7), Duration.ofSeconds(9))) {
      Decision d = check(t.minus(behind), ip);
      assertThat(d.allowed()).as("a clock %s behind the one that admitted", behind).isFalse();
      assertThat(d.states().get(0).remaining()).isZero();
      assertThat(d.retryAfter()).as("the real wait on this clock").isEqualTo(Duration.ofSeconds(10).plus(behind));
    }
    assertThat(check(t.plusSeconds(10).minusNanos(1_000), ip).allowed()).isFalse();
    assertThat(check(t.plusSeconds(10), ip).allowed()).as("the next permit, on time").isTrue();
  }

  @Test
  void aStateUpToAWindowAheadOfTheEdgeIsStillADebt() {
    Limit ip = new Limit(THREE_PER_30S, "ahead");
    Instant ahead = t0.plusSeconds(25); // another instance's clock 25 s ahead: less than the 30 s window
    for (int i = 0; i < 3; i++) {
      assertThat(check(ahead, ip).allowed()).isTrue();
    }
    Decision here = check(t0, ip);
    assertThat(here.allowed()).isFalse();
    assertThat(here.retryAfter()).isEqualTo(Duration.ofSeconds(35));
    assertThat(check(t0.plusSeconds(35), ip).allowed()).isTrue();
    assertThat(check(t0.plusSeconds(35), ip).allowed()).isFalse();
  }

  @Test
  void aStateMoreThanTwoWindowsAheadIsAJumpedClockAndReadsAsWhole() {
    Limit ip = new Limit(THREE_PER_30S, "jump");
    Instant jumped = t0.plus(Duration.ofMinutes(5)); // a clock that jumped ahead, then was put right
    for (int i = 0; i < 3; i++) {
      check(jumped, ip);
    }
    // exhausted, it would trip a paid-send breaker and stop a whole country for its cooldown
    Decision whole = check(t0, ip);
    assertThat(whole.allowed()).as("whole, not exhausted").isTrue();
    assertThat(whole.states().get(0).remaining()).isEqualTo(2);
    assertThat(check(t0, ip).allowed()).isTrue();
    assertThat(check(t0, ip).allowed()).isTrue();
    assertThat(check(t0, ip).allowed()).as("and counted from there").isFalse();
  }

  /**
   * Many callers whose clocks differ by up to {@code skew} (event loops, instances): whatever the order, the
   * permits taken never exceed burst + (latest clock - earliest clock) / interval.
   */
  @Test
  void underSkewedClocksThePermitsTakenNeverExceedBurstPlusElapsedOverInterval() {
    LimitPolicy tenPerSecond = new LimitPolicy("skewed", 10, Duration.ofSeconds(1), 5, LimitPolicy.FailureMode.OPEN);
    long intervalUs = tenPerSecond.emissionIntervalMicros();
    for (long seed : new long[] {1, 2, 3}) {
      SplittableRandom random = new SplittableRandom(seed);
      Limit limit = new Limit(tenPerSecond, "seed-" + seed);
      long skewUs = random.nextLong(1, 20_000);
      long base = 0;
      long first = Long.MAX_VALUE;
      long latest = Long.MIN_VALUE;
      long taken = 0;
      for (int i = 0; i < 600; i++) {
        base += random.nextLong(0, 30_000);
        long nowUs = base + random.nextLong(-skewUs, skewUs + 1);
        first = Math.min(first, nowUs);
        latest = Math.max(latest, nowUs);
        int cost = random.nextInt(1, 3);
        if (check(t0.plusNanos(nowUs * 1_000), cost, limit).allowed()) {
          taken += cost;
        }
        long allowed = tenPerSecond.burst() + (latest - first) / intervalUs;
        assertThat(taken).as("seed %d, call %d, skew %d us", seed, i, skewUs).isLessThanOrEqualTo(allowed);
      }
      assertThat(taken).as("seed %d: the limit did admit", seed).isGreaterThan(tenPerSecond.burst());
    }
  }
}
