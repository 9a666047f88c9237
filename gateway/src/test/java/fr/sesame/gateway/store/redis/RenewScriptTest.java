package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.OutboxStore.Lane;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.XClaimArgs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/outbox/renew.lua} through {@link RedisOutboxStore#renewLeases}, on the tests' Redis and the
 * {@code lo} stream. It has no reply code: it returns how many leases it renewed. An entry's lease is its idle
 * time in the group's pending list; here one is made old with {@code XCLAIM … IDLE} instead of waiting.
 */
class RenewScriptTest {
  private static final String LO = RedisOutboxStore.stream(Lane.LO);
  private final RedisOutboxStore store = new RedisOutboxStore(ScriptFixtures.access());
  private final String me = fresh("renewer");
  private final String other = fresh("taker");
  private String mine;
  private String taken;

  @AfterEach
  void removeThem() {
    redis().xack(LO, RedisOutboxStore.GROUP, mine, taken);
    redis().xdel(LO, mine, taken);
  }

  private long idle(String entry) {
    return redis().xpending(LO, RedisOutboxStore.GROUP, Range.create(entry, entry), Limit.from(1)).get(0)
        .getMsSinceLastDelivery();
  }

  @Test
  void renewsTheLeasesItStillHoldsAndNeverTakesOneBack() {
    await(store.ensureGroups());
    mine = redis().xadd(LO, Map.of("id", fresh("nt")));
    taken = redis().xadd(LO, Map.of("id", fresh("nt")));
    // read by this consumer, both made 60 s idle; then another took the second over
    redis().xclaim(LO, Consumer.from(RedisOutboxStore.GROUP, me), XClaimArgs.Builder.justid().idle(60_000).force(),
        mine, taken);
    redis().xclaim(LO, Consumer.from(RedisOutboxStore.GROUP, other), XClaimArgs.Builder.justid().idle(60_000), taken);

    assertThat(await(store.renewLeases(Lane.LO, me, List.of(mine, taken)))).isEqualTo(1);
    assertThat(idle(mine)).as("renewed").isLessThan(60_000);
    assertThat(idle(taken)).as("left to the one that took it").isGreaterThanOrEqualTo(60_000);
    var owner = redis().xpending(LO, RedisOutboxStore.GROUP, Range.create(taken, taken), Limit.from(1)).get(0)
        .getConsumer();
    assertThat(owner).isEqualTo(other);
    assertThat(await(store.renewLeases(Lane.LO, me, List.of()))).isZero();
  }
}
