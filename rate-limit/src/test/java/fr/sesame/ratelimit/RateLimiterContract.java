package fr.sesame.ratelimit;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
}
