package fr.sesame.gateway.store.redis;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.redis.Durability;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import fr.sesame.redis.StoreUnconfirmedException;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.RedisTopology;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The redis-kit's confirmed writes against a real primary and replica: {@link LuaScript#runConfirmed} and
 * {@link RedisAccess#confirmWrites} succeed once the replica has the write, fail with
 * {@link StoreUnconfirmedException} when it cannot confirm in time ({@code CLIENT PAUSE} on the replica holds its
 * replication stream), and send no {@code WAIT} at all with {@link Durability#NONE}.
 */
class ConfirmedWritesTest {
  static RedisTopology t;
  static StatefulRedisConnection<String, String> connection;
  static final LuaScript UNLOCK = LuaScript.load("redis/voter/unlock.lua");

  @BeforeAll
  static void start() {
    t = RedisTopology.start(1, 0, Duration.ofSeconds(5));
    connection = TestRedis.connect(t.initialPrimary().url());
  }

  @AfterAll
  static void stop() {
    connection.close();
    t.close();
  }

  static RedisAccess access(Durability d) {
    return new RedisAccess(connection.async()).withDurability(d);
  }

  static String replicaGet(String key, String field) {
    return RedisTopology.cli(t.servers().get(1).port(), "HGET", key, field).strip();
  }

  /** Holds the replica's replication stream for {@code ms}; completes when it has caught up again. */
  static void pauseReplica(long ms) {
    RedisTopology.cli(t.servers().get(1).port(), "CLIENT", "PAUSE", Long.toString(ms), "ALL");
  }

  static void awaitReplicaCaughtUp() {
    connection.sync().set("confirmed-writes:probe", "x");
    assertThat(connection.sync().waitForReplication(1, 10_000)).isEqualTo(1);
  }

  @Test
  void aConfirmedScriptAnswersOnceTheReplicaHasTheWrite() {
    String key = "confirmed:" + ScriptFixtures.fresh("v");
    connection.sync().hset(key, Map.of("c", "A", "la", "1", "f", "5"));

    List<Object> r = await(UNLOCK.runConfirmed(access(new Durability(1, Duration.ofSeconds(2))), new String[] {key}));

    assertThat(UnlockReply.of((Long) r.get(0))).isEqualTo(UnlockReply.WAS_LOCKED);
    assertThat(replicaGet(key, "f")).as("on the replica when answered").isEqualTo("0");
  }

  @Test
  void aConfirmedScriptRunAfterNoscriptIsConfirmedToo() {
    String key = "confirmed:" + ScriptFixtures.fresh("v");
    connection.sync().hset(key, Map.of("c", "A", "f", "3"));
    connection.sync().scriptFlush();

    List<Object> r = await(UNLOCK.runConfirmed(access(new Durability(1, Duration.ofSeconds(2))), new String[] {key}));

    assertThat(UnlockReply.of((Long) r.get(0))).isEqualTo(UnlockReply.WAS_NOT_LOCKED);
    assertThat(replicaGet(key, "f")).isEqualTo("0");
  }

  @Test
  void aWriteTheReplicaCannotConfirmInTimeFailsAsUnconfirmedButIsOnThePrimary() {
    String key = "confirmed:" + ScriptFixtures.fresh("v");
    connection.sync().hset(key, Map.of("c", "A", "la", "1", "f", "5"));
    awaitReplicaCaughtUp();
    pauseReplica(1000);

    Throwable e = Await.failure(UNLOCK.runConfirmed(access(new Durability(1, Duration.ofMillis(200))),
        new String[] {key}));

    assertThat(e).isInstanceOf(StoreUnconfirmedException.class).hasMessageContaining("0 of 1 replicas");
    assertThat(connection.sync().hget(key, "f")).as("applied by the primary").isEqualTo("0");
    awaitReplicaCaughtUp();
  }

  @Test
  void confirmWritesCoversWhatThisThreadSentBefore() {
    String key = "confirmed:" + ScriptFixtures.fresh("k");
    RedisAccess redis = access(new Durability(1, Duration.ofMillis(200)));
    awaitReplicaCaughtUp();

    redis.commands().set(key, "1");
    await(redis.confirmWrites());
    assertThat(RedisTopology.cli(t.servers().get(1).port(), "GET", key).strip()).isEqualTo("1");

    pauseReplica(1000);
    redis.commands().set(key, "2");
    assertThat(Await.failure(redis.confirmWrites())).isInstanceOf(StoreUnconfirmedException.class);
    awaitReplicaCaughtUp();
  }

  @Test
  void withoutReplicasAskedForNothingWaits() {
    String key = "confirmed:" + ScriptFixtures.fresh("v");
    connection.sync().hset(key, Map.of("c", "A", "f", "3"));
    awaitReplicaCaughtUp();
    pauseReplica(1000);

    List<Object> r = await(UNLOCK.runConfirmed(access(Durability.NONE), new String[] {key}), Duration.ofMillis(500));
    await(access(Durability.NONE).confirmWrites(), Duration.ofMillis(100));

    assertThat(UnlockReply.of((Long) r.get(0))).isEqualTo(UnlockReply.WAS_NOT_LOCKED);
    awaitReplicaCaughtUp();
  }

  @Test
  void aDurabilityIsValidated() {
    assertThatThrownBy(() -> new Durability(-1, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Durability(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Durability.NONE.waitsForReplicas()).isFalse();
    assertThat(new Durability(1, Duration.ofMillis(1)).waitsForReplicas()).isTrue();
  }
}
