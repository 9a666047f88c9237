package fr.sesame.ratelimit.redis;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.ratelimit.local.InMemoryRateLimiter;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ratelimit/gcra.lua} through {@link RedisRateLimiter#check}, on the test kit's Redis ({@code REDIS_URL},
 * else an embedded one): each {@link GcraReply} (ALLOWED, REFUSED) and what it wrote: every limit charged when all
 * admit, none when one refuses. Each test has a hash tag of its own; time is the caller's.
 */
class GcraScriptTest {
  private static final LimitPolicy TWO_PER_MINUTE =
      new LimitPolicy("minute", 1, Duration.ofSeconds(30), 2, LimitPolicy.FailureMode.OPEN);
  private static final LimitPolicy FIVE_PER_HOUR =
      new LimitPolicy("hour", 5, Duration.ofHours(1), 5, LimitPolicy.FailureMode.CLOSED);
  private static final long INTERVAL_US = 30_000_000;
  private static final long HOUR_INTERVAL_US = 720_000_000;

  static RedisClient client;
  static StatefulRedisConnection<String, String> connection;
  static RedisRateLimiter limiter;

  private final String tag = "gcra-" + UUID.randomUUID();
  private final Instant t0 = Instant.parse("2027-01-15T08:00:00Z");
  private final Limit minute = new Limit(TWO_PER_MINUTE, "subject");
  private final Limit hour = new Limit(FIVE_PER_HOUR, "subject");

  @BeforeAll
  static void start() {
    client = RedisClient.create(TestRedis.url());
    connection = client.connect();
    limiter = new RedisRateLimiter(new RedisAccess(connection.async()), new InMemoryRateLimiter(10_000));
  }

  @AfterAll
  static void stop() {
    connection.close();
    client.shutdown();
  }

  private static RedisCommands<String, String> redis() {
    return connection.sync();
  }

  private Decision check(Instant now, int cost, Limit... limits) {
    return await(limiter.check(tag, List.of(limits), cost, now), Duration.ofSeconds(10));
  }

  private String key(Limit l) {
    return RedisRateLimiter.key(tag, l);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  @Test
  void allowedChargesEveryLimitTheCostStoringEachOnesTheoreticalArrivalTime() {
    Decision d = check(t0, 1, minute, hour);

    assertThat(d.allowed()).isTrue();
    assertThat(d.reason()).isEqualTo(Decision.Reason.ALLOWED);
    assertThat(d.retryAfter()).isZero();
    assertThat(d.states()).extracting(Decision.State::remaining).containsExactly(1L, 4L);
    assertThat(d.states()).extracting(Decision.State::resetAfter)
        .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(12));
    assertThat(redis().get(key(minute))).isEqualTo(Long.toString(micros(t0) + INTERVAL_US));
    assertThat(redis().get(key(hour))).isEqualTo(Long.toString(micros(t0) + HOUR_INTERVAL_US));
    assertThat(redis().pttl(key(minute))).as("expires once whole again: cleanup only").isPositive();

    Decision two = check(t0, 1, minute, hour);
    assertThat(two.allowed()).isTrue();
    assertThat(two.states()).extracting(Decision.State::remaining).containsExactly(0L, 3L);
  }

  @Test
  void aCostAboveOneTakesThatManyPermits() {
    assertThat(check(t0, 2, minute).allowed()).isTrue();

    assertThat(redis().get(key(minute))).isEqualTo(Long.toString(micros(t0) + 2 * INTERVAL_US));
    assertThat(check(t0, 1, minute).allowed()).isFalse();
  }

  @Test
  void refusedWhenOneLimitRefusesAndThenNoLimitIsChargedNotEvenTheOnesThatAdmitted() {
    check(t0, 2, minute);
    String minuteBefore = redis().get(key(minute));

    Decision d = check(t0.plusSeconds(10), 1, hour, minute);

    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.LIMITED);
    assertThat(d.retryAfter()).as("until the minute limit admits one more").isEqualTo(Duration.ofSeconds(20));
    assertThat(d.states()).extracting(Decision.State::remaining).containsExactly(5L, 0L);
    assertThat(redis().exists(key(hour))).as("the admitting limit is not charged").isZero();
    assertThat(redis().get(key(minute))).isEqualTo(minuteBefore);

    assertThat(check(t0.plusSeconds(30), 1, hour, minute).allowed()).as("the caller's clock refills it").isTrue();
  }

  @Test
  void theRetryIsTheLongestWaitOfTheRefusingLimits() {
    Limit once = new Limit(new LimitPolicy("once", 1, Duration.ofHours(2), 1, LimitPolicy.FailureMode.OPEN), "s");
    check(t0, 1, once);
    check(t0, 2, minute);

    Decision d = check(t0, 1, minute, once);

    assertThat(d.allowed()).isFalse();
    assertThat(d.retryAfter()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void aDebtReadOnAClockBehindWritesNothingAndAStateTwoWindowsAheadReadsAsWhole() {
    check(t0.plusMillis(3), 2, minute); // written on a clock 3 ms ahead: exactly a window ahead of it
    String edge = redis().get(key(minute));
    assertThat(edge).isEqualTo(Long.toString(micros(t0.plusMillis(3)) + 2 * INTERVAL_US));

    Decision behind = check(t0, 1, minute);
    assertThat(behind.allowed()).isFalse();
    assertThat(behind.retryAfter()).isEqualTo(Duration.ofSeconds(30).plusMillis(3));
    assertThat(redis().get(key(minute))).as("a refusal charges nothing").isEqualTo(edge);

    Instant earlier = t0.minus(Duration.ofMinutes(5)); // the state is now 5 minutes ahead: over two windows
    assertThat(check(earlier, 1, minute).allowed()).as("a jumped clock's state reads as whole").isTrue();
    assertThat(redis().get(key(minute))).as("charged from this clock's now")
        .isEqualTo(Long.toString(micros(earlier) + INTERVAL_US));
  }
}
