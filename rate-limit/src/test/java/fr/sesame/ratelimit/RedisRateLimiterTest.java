package fr.sesame.ratelimit;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.ratelimit.local.InMemoryRateLimiter;
import fr.sesame.redis.RedisAccess;
import fr.sesame.ratelimit.redis.RedisRateLimiter;
import fr.sesame.testkit.LocalRedis;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis limiter on a real Redis: the test kit's ({@code REDIS_URL}, else an embedded one). */
class RedisRateLimiterTest extends RateLimiterContract {
  static RedisClient client;
  static StatefulRedisConnection<String, String> connection;
  static RedisRateLimiter limiter;

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

  @Override
  protected RateLimiter limiter() {
    return limiter;
  }

  @Test
  void exactUnderConcurrency() {
    LimitPolicy fifty = new LimitPolicy("election", 1, Duration.ofHours(1), 50, LimitPolicy.FailureMode.OPEN);
    List<Future<Decision>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(limiter.check(tag, List.of(new Limit(fifty, "demo")), 1, t0));
    }
    await(Future.all(all), Duration.ofSeconds(10));
    assertThat(all.stream().filter(f -> f.result().allowed())).hasSize(50);
  }

  @Test
  void keysCarryTheHashTagAndExpire() {
    check(t0, new Limit(THREE_PER_30S, "k1"));
    String key = "rl:{" + tag + "}:ip:k1";
    assertThat(connection.sync().exists(key)).isEqualTo(1);
    assertThat(connection.sync().pttl(key)).isPositive();
  }

  @Test
  void whenRedisIsGoneFailOpenLimitsDecideLocallyAndFailClosedOnesRefuse() {
    LocalRedis doomed = LocalRedis.start();
    RedisClient c = RedisClient.create(doomed.url());
    c.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(300))).build());
    StatefulRedisConnection<String, String> conn = c.connect();
    RedisRateLimiter degraded = new RedisRateLimiter(new RedisAccess(conn.async()), new InMemoryRateLimiter(100));
    try {
      doomed.close();
      LimitPolicy sms = new LimitPolicy("sms", 10, Duration.ofMinutes(10), 3, LimitPolicy.FailureMode.CLOSED);
      Decision closed = await(degraded.check(tag, List.of(new Limit(sms, "+336")), 1, t0), Duration.ofSeconds(5));
      assertThat(closed.allowed()).isFalse();
      assertThat(closed.reason()).isEqualTo(Decision.Reason.UNAVAILABLE);

      Limit ip = new Limit(THREE_PER_30S, "192.0.2.1");
      for (int i = 0; i < 3; i++) {
        Decision open = await(degraded.check(tag, List.of(ip), 1, t0), Duration.ofSeconds(5));
        assertThat(open.allowed()).isTrue();
        assertThat(open.reason()).isEqualTo(Decision.Reason.LOCAL);
      }
      Decision bounded = await(degraded.check(tag, List.of(ip), 1, t0), Duration.ofSeconds(5));
      assertThat(bounded.allowed()).as("the local limiter still limits").isFalse();
    } finally {
      conn.close();
      c.shutdown();
    }
  }
}
