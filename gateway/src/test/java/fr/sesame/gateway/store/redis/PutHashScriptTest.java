package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.access;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code put_hash.lua}: fields and TTL in one step; "live" never brings back a key that has gone. */
class PutHashScriptTest {
  @Test
  void setsTheFieldsAndTheTtlTogether() {
    String key = fresh("gw:{of:");
    await(RedisOidcStore.PUT_HASH.run(access(), new String[] {key}, "60000", "any", "c", "client", "r", "uri"));
    assertThat(redis().hgetall(key)).containsEntry("c", "client").containsEntry("r", "uri");
    assertThat(redis().pttl(key)).isBetween(1L, 60_000L);
  }

  @Test
  void liveLeavesAGoneKeyGoneAndSlidesALiveOne() {
    String gone = fresh("gw:{ok:");
    await(RedisOidcStore.PUT_HASH.run(access(), new String[] {gone}, "120000", "live", "i", "1"));
    assertThat(redis().exists(gone)).as("an expired code is not brought back").isZero();

    String live = fresh("gw:{ok:");
    redis().hset(live, "r", "{}");
    redis().pexpire(live, 1_000);
    await(RedisOidcStore.PUT_HASH.run(access(), new String[] {live}, "120000", "live", "i", "1"));
    assertThat(redis().hgetall(live)).containsEntry("r", "{}").containsEntry("i", "1");
    assertThat(redis().pttl(live)).isGreaterThan(1_000L);
  }
}
