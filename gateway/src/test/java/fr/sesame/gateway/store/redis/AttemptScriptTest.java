package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/staff/attempt.lua} through {@link RedisStaffStore#attempt}, on the tests' Redis: attempts counted
 * before they are checked, so parallel ones cannot pass the limit; an email with no account is counted alike, its
 * counter expiring.
 */
class AttemptScriptTest {
  private final RedisStaffStore store = new RedisStaffStore(ScriptFixtures.access());
  private final String id = fresh("staff");
  private final String key = RedisStaffStore.key(id);

  @Test
  void twentyParallelAttemptsGetFiveChecksAndTheRestAreRefusedLocked() {
    redis().hset(key, Map.of("s", "active"));
    List<io.vertx.core.Future<Long>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(store.attempt(id, 5, NOW, 60_000));
    }
    List<Long> results = all.stream().map(f -> await(f)).toList();
    assertThat(results.stream().filter(n -> n > 0)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    assertThat(results.stream().filter(n -> n < 0)).hasSize(15);
    assertThat(redis().hget(key, "la")).as("locked by the sixth").isEqualTo(Long.toString(NOW));
    assertThat(redis().ttl(key)).as("an account never expires").isEqualTo(-1L);
  }

  @Test
  void aSuccessResetsTheCountAndAnUnknownEmailsCounterExpires() {
    redis().hset(key, Map.of("s", "active"));
    assertThat(await(store.attempt(id, 5, NOW, 60_000))).isEqualTo(1);
    await(store.succeeded(id));
    assertThat(await(store.attempt(id, 5, NOW, 60_000))).isEqualTo(1);

    String nobody = fresh("nobody");
    assertThat(await(store.attempt(nobody, 5, NOW, 60_000))).isEqualTo(1);
    assertThat(redis().pttl(RedisStaffStore.key(nobody))).isBetween(1L, 60_000L);
    assertThat(redis().hgetall(RedisStaffStore.key(nobody))).isEqualTo(Map.of("f", "1"));
  }
}
