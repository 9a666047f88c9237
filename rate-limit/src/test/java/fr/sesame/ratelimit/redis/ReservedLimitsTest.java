package fr.sesame.ratelimit.redis;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import fr.sesame.ratelimit.StepLimits.Entry;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ReservedLimits} ({@code ratelimit/gcra.lua}, a negative cost giving permits back) against the test kit's
 * Redis: a reservation takes one permit from every limit whatever its charge, or none; a settle gives back exactly
 * the permits the outcome does not owe, so the limits end as a step deciding them inside would leave them; a
 * reservation held by a step in flight counts, so concurrent steps never get more than the burst.
 */
class ReservedLimitsTest {
  private static final LimitPolicy FAILURES =
      new LimitPolicy("failures", 3, Duration.ofMinutes(1), 3, LimitPolicy.FailureMode.OPEN);
  private static final LimitPolicy CODES =
      new LimitPolicy("codes", 2, Duration.ofHours(1), 2, LimitPolicy.FailureMode.OPEN);
  private static final LimitPolicy STEPS =
      new LimitPolicy("steps", 10, Duration.ofSeconds(1), 10, LimitPolicy.FailureMode.OPEN);

  static RedisClient client;
  static StatefulRedisConnection<String, String> connection;
  static RedisAccess redis;

  private final String tag = "reserved-" + UUID.randomUUID();
  private final Instant t0 = Instant.parse("2027-01-15T08:00:00Z");
  private final Limit failures = new Limit(FAILURES, "ip");
  private final Limit codes = new Limit(CODES, "voter");
  private final Limit steps = new Limit(STEPS, "all");

  @BeforeAll
  static void start() {
    client = RedisClient.create(TestRedis.url());
    connection = client.connect();
    redis = new RedisAccess(connection.async());
  }

  @AfterAll
  static void stop() {
    connection.close();
    client.shutdown();
  }

  private StepLimits step() {
    return new StepLimits(tag, List.of(new Entry(steps, Charge.ALWAYS), new Entry(failures, Charge.ON_FAILURE),
        new Entry(codes, Charge.ON_SUCCESS)), t0);
  }

  private long remaining(Limit l) {
    String tat = connection.sync().get(RedisRateLimiter.key(tag, l));
    if (tat == null) {
      return l.policy().burst();
    }
    long now = t0.getEpochSecond() * 1_000_000;
    long interval = l.policy().emissionIntervalMicros();
    return Math.max(0, (now - (Long.parseLong(tat) - interval * l.policy().burst())) / interval);
  }

  private Decision reserve() {
    return await(ReservedLimits.reserve(redis, step()), Duration.ofSeconds(10));
  }

  private void settle(ReservedLimits.Outcome outcome) {
    await(ReservedLimits.settle(redis, step(), outcome), Duration.ofSeconds(10));
  }

  @Test
  void aSettledStepLeavesTheLimitsAsItsOutcomeChargesThem() {
    assertThat(reserve().allowed()).isTrue();
    assertThat(remaining(steps)).isEqualTo(9);
    assertThat(remaining(failures)).as("held while the step runs").isEqualTo(2);
    assertThat(remaining(codes)).isEqualTo(1);

    settle(ReservedLimits.Outcome.SUCCESS);
    assertThat(remaining(steps)).isEqualTo(9);
    assertThat(remaining(failures)).as("a success owes no failure: given back").isEqualTo(3);
    assertThat(remaining(codes)).isEqualTo(1);
    assertThat(connection.sync().exists(RedisRateLimiter.key(tag, failures))).as("whole again: the key goes").isZero();

    reserve();
    settle(ReservedLimits.Outcome.FAILURE);
    assertThat(remaining(steps)).isEqualTo(8);
    assertThat(remaining(failures)).isEqualTo(2);
    assertThat(remaining(codes)).as("a failure sends no code: given back").isEqualTo(1);

    reserve();
    settle(ReservedLimits.Outcome.NEITHER);
    assertThat(remaining(steps)).isEqualTo(7);
    assertThat(remaining(failures)).isEqualTo(2);
    assertThat(remaining(codes)).isEqualTo(1);

    reserve();
    settle(ReservedLimits.Outcome.NOTHING);
    assertThat(remaining(steps)).as("a repeat: every permit back").isEqualTo(7);
    assertThat(remaining(failures)).isEqualTo(2);
    assertThat(remaining(codes)).isEqualTo(1);
  }

  @Test
  void stepsInFlightHoldTheirPermitsSoNoMoreThanTheBurstRunAtOnce() {
    assertThat(reserve().allowed()).isTrue();
    assertThat(reserve().allowed()).as("codes: burst 2").isTrue();
    Decision third = reserve();
    assertThat(third.allowed()).as("two steps in flight hold the two code permits").isFalse();
    assertThat(third.retryAfter()).isPositive();
    assertThat(remaining(steps)).as("a refusal takes nothing").isEqualTo(8);

    settle(ReservedLimits.Outcome.FAILURE); // the first step failed: its code permit comes back
    assertThat(reserve().allowed()).isTrue();
  }
}
