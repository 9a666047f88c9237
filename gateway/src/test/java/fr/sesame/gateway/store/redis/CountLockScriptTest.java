package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code redis/election/count_lock.lua} through {@link RedisLockIndex}, on the tests' Redis: a lock is indexed by
 * its time and counted in its minute, whose counter always has its expiry.
 */
class CountLockScriptTest {
  private final RedisLockIndex index = new RedisLockIndex(ScriptFixtures.access());
  private final String election = fresh("el");

  @Test
  void countsTheLocksOfEachMinuteAndIndexesThemByTime() {
    for (String p : new String[] {"p1", "p2", "p3"}) {
      redis().hset(RedisKeys.voter(p), "c", "A");
    }
    long minuteStart = NOW - NOW % 60_000;
    assertThat(await(index.locked(election, "p1", minuteStart + 1))).isEqualTo(1);
    assertThat(await(index.locked(election, "p2", minuteStart + 59_999))).isEqualTo(2);
    assertThat(await(index.locked(election, "p3", minuteStart + 60_000))).as("the next minute").isEqualTo(1);
    String counter = RedisKeys.election(election) + ":lm:" + minuteStart / 60_000;
    assertThat(redis().get(counter)).isEqualTo("2");
    assertThat(redis().pttl(counter)).isBetween(1L, 120_000L);
    assertThat(await(index.lockedBetween(election, minuteStart, minuteStart + 59_999, 10))).containsExactly("p1", "p2");
    await(index.unlocked(election, "p1"));
    assertThat(await(index.lockedBetween(election, 0, Long.MAX_VALUE, 10))).containsExactly("p2", "p3");
    assertThat(await(index.lockedBetween(election, 0, Long.MAX_VALUE, 1))).containsExactly("p2");
  }

  @Test
  void anIdentifierNotOnTheRollIsCountedButNotIndexed() {
    long minuteStart = NOW - NOW % 60_000;
    assertThat(await(index.locked(election, fresh("nobody"), minuteStart))).isEqualTo(1);
    assertThat(await(index.lockedBetween(election, 0, Long.MAX_VALUE, 10))).isEmpty();
  }
}
