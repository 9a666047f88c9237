package fr.sesame.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.testkit.Await;
import fr.sesame.testkit.RedisTopology;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Confirmed writes against real Redis: a single node, and a primary with its replica. */
class DurabilityTest {
  private static final LuaScript INCR = LuaScript.load("redis-kit-test/incr.lua");

  @Test
  void withoutReplicasAskedAWriteIsAcknowledgedAtOnce() {
    RedisClient client = RedisClient.create(TestRedis.url());
    try (var c = client.connect()) {
      RedisAccess redis = new RedisAccess(c.async());
      String key = "test:{dur}:" + UUID.randomUUID();
      assertThat(Await.await(INCR.runConfirmed(redis, new String[] {key}))).containsExactly(1L);
      assertThat(Await.await(redis.confirmWrites())).isNull();
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aWriteNoReplicaConfirmsFailsUnconfirmedThoughThePrimaryHasIt() {
    RedisClient client = RedisClient.create(TestRedis.url()); // a single node: no replica will ever confirm
    try (var c = client.connect()) {
      RedisAccess redis = new RedisAccess(c.async()).withDurability(new Durability(1, Duration.ofMillis(100)));
      String key = "test:{dur}:" + UUID.randomUUID();
      assertThat(Await.failure(INCR.runConfirmed(redis, new String[] {key})))
          .isInstanceOf(StoreUnconfirmedException.class).hasMessageContaining("0 of 1 replicas");
      assertThat(c.sync().get(key)).as("applied by the primary, only not confirmed").isEqualTo("1");
      assertThat(Await.failure(redis.confirmWrites())).isInstanceOf(StoreUnconfirmedException.class);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aWriteTheReplicaHasIsConfirmedEvenWhenTheScriptWasUnknown() {
    try (RedisTopology t = RedisTopology.start(1, 0, Duration.ofSeconds(5))) {
      RedisClient client = RedisClient.create(t.initialPrimary().url());
      try (var c = client.connect()) {
        c.sync().scriptFlush(); // NOSCRIPT first: the script and its WAIT go again together
        RedisAccess redis = new RedisAccess(c.async()).withDurability(new Durability(1, Duration.ofSeconds(2)));
        String key = "test:{dur}:" + UUID.randomUUID();
        assertThat(Await.await(INCR.runConfirmed(redis, new String[] {key}))).containsExactly(1L);
        assertThat(RedisTopology.cli(t.servers().get(1).port(), "GET", key).strip()).isEqualTo("1");
      } finally {
        client.shutdown();
      }
    }
  }

  /** A batch: each call's result in order, the commands sent alongside in the same pipeline, one WAIT behind all. */
  @Test
  void aBatchAnswersEachCallInOrderAndIsConfirmedAsAWhole() {
    try (RedisTopology t = RedisTopology.start(1, 0, Duration.ofSeconds(5))) {
      RedisClient client = RedisClient.create(t.initialPrimary().url());
      try (var c = client.connect()) {
        c.sync().scriptFlush(); // NOSCRIPT first: the scripts go again with EVAL, and a WAIT goes behind them
        RedisAccess redis = new RedisAccess(c.async()).withDurability(new Durability(1, Duration.ofSeconds(2)));
        String key = "test:{dur}:" + UUID.randomUUID();
        String other = "test:{dur}:" + UUID.randomUUID();
        List<LuaScript.Call> calls = List.of(new LuaScript.Call(new String[] {key}, new String[0]),
            new LuaScript.Call(new String[] {key}, new String[0]), new LuaScript.Call(new String[] {key}, new String[0]));
        assertThat(Await.await(INCR.runAllConfirmed(redis, calls, commands -> List.of(commands.set(other, "x")))))
            .containsExactly(List.of(1L), List.of(2L), List.of(3L));
        assertThat(RedisTopology.cli(t.servers().get(1).port(), "GET", key).strip()).isEqualTo("3");
        assertThat(RedisTopology.cli(t.servers().get(1).port(), "GET", other).strip()).isEqualTo("x");
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void aBatchNoReplicaConfirmsFailsUnconfirmed() {
    RedisClient client = RedisClient.create(TestRedis.url());
    try (var c = client.connect()) {
      RedisAccess redis = new RedisAccess(c.async()).withDurability(new Durability(1, Duration.ofMillis(100)));
      String key = "test:{dur}:" + UUID.randomUUID();
      assertThat(Await.failure(INCR.runAllConfirmed(redis, List.of(new LuaScript.Call(new String[] {key},
          new String[0])), commands -> List.of()))).isInstanceOf(StoreUnconfirmedException.class);
      assertThat(c.sync().get(key)).as("applied by the primary, only not confirmed").isEqualTo("1");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aFailureKeepsItsTypeThroughTheFutureConversion() {
    RedisClient client = RedisClient.create(TestRedis.url());
    try (var c = client.connect()) {
      RedisAccess redis = new RedisAccess(c.async());
      CompletableFuture<Object> wrapped = CompletableFuture.failedFuture(
          new CompletionException(new StoreUnconfirmedException("not confirmed")));
      assertThat(Await.failure(redis.await(wrapped))).isInstanceOf(StoreUnconfirmedException.class);
      CompletableFuture<Object> other = CompletableFuture.failedFuture(new IllegalStateException("boom"));
      assertThat(Await.failure(redis.await(other))).isExactlyInstanceOf(StoreUnavailableException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aReplyCodeIsDecodedByNumberAndAnUnknownOneFailsLoudly() {
    assertThat(ReplyCode.decode(Sample.class, 7)).isEqualTo(Sample.SEVEN);
    assertThat(ReplyCode.decode(Sample.class, -1)).isEqualTo(Sample.MINUS_ONE);
    assertThatThrownBy(() -> ReplyCode.decode(Sample.class, 0)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Sample: no reply code 0");
    assertThat(List.of(Sample.values())).as("order says nothing").startsWith(Sample.SEVEN);
  }

  private enum Sample implements ReplyCode {
    SEVEN(7), MINUS_ONE(-1);

    private final int code;

    Sample(int code) {
      this.code = code;
    }

    @Override
    public int code() {
      return code;
    }
  }
}
