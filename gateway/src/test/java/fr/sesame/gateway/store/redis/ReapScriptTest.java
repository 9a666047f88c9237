package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.OutboxStore.Lane;
import io.lettuce.core.Consumer;
import io.lettuce.core.XClaimArgs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/outbox/reap.lua} through {@link RedisOutboxStore#removeIdleConsumers}, on the tests' Redis and
 * the {@code lo} stream. It has no reply code: it returns the consumers it removed. A threshold below zero
 * counts every consumer as idle long enough, instead of waiting.
 */
class ReapScriptTest {
  private static final String LO = RedisOutboxStore.stream(Lane.LO);
  private final RedisOutboxStore store = new RedisOutboxStore(ScriptFixtures.access());

  private boolean member(String consumer) {
    return redis().xinfoConsumers(LO, RedisOutboxStore.GROUP).stream().anyMatch(c -> String.valueOf(c)
        .contains(consumer));
  }

  @Test
  void removesTheIdleConsumersThatHoldNothingButNeverOneHoldingAnEntryNorItself() {
    await(store.ensureGroups());
    String empty = fresh("dead");
    String holding = fresh("holding");
    String self = fresh("self");
    String entry = redis().xadd(LO, Map.of("id", fresh("nt")));
    try {
      redis().xgroupCreateconsumer(LO, Consumer.from(RedisOutboxStore.GROUP, empty));
      redis().xgroupCreateconsumer(LO, Consumer.from(RedisOutboxStore.GROUP, self));
      redis().xclaim(LO, Consumer.from(RedisOutboxStore.GROUP, holding), XClaimArgs.Builder.justid().force(), entry);

      assertThat(await(store.removeIdleConsumers(Lane.LO, Duration.ofHours(1), self))).as("none idle an hour")
          .doesNotContain(empty);
      assertThat(member(empty)).isTrue();

      assertThat(await(store.removeIdleConsumers(Lane.LO, Duration.ofMillis(-1), self))).contains(empty)
          .doesNotContain(holding, self);
      assertThat(member(empty)).isFalse();
      assertThat(member(holding)).as("its entry stays pending for recovery").isTrue();
      assertThat(member(self)).isTrue();
    } finally {
      redis().xack(LO, RedisOutboxStore.GROUP, entry);
      redis().xdel(LO, entry);
      redis().xgroupDelconsumer(LO, Consumer.from(RedisOutboxStore.GROUP, holding));
      redis().xgroupDelconsumer(LO, Consumer.from(RedisOutboxStore.GROUP, self));
    }
  }
}
