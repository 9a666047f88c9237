package fr.sesame.gateway.store.redis;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Lane;
import fr.sesame.redis.Durability;
import fr.sesame.redis.RedisAccess;
import fr.sesame.redis.StoreUnconfirmedException;
import fr.sesame.testkit.RedisTopology;
import fr.sesame.testkit.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox's writes an election relies on wait for replicas when asked ({@code redis.minReplicas}): an
 * accepted notification, the provider it goes to and its outcome are answered only once a replica has them,
 * and fail with {@link StoreUnconfirmedException} when none confirms in time. A primary and one replica, real
 * processes.
 */
class OutboxDurabilityTest {
  static RedisTopology topology;
  static RedisOutboxStore store;
  static io.lettuce.core.api.StatefulRedisConnection<String, String> primary;

  @BeforeAll
  static void start() {
    topology = RedisTopology.start(1, 0, Duration.ofSeconds(2));
    primary = TestRedis.connect(topology.initialPrimary().url());
    store = new RedisOutboxStore(new RedisAccess(primary.async())
        .withDurability(new Durability(1, Duration.ofMillis(1_500)))); // a loaded 2-core machine once took > 300 ms
  }

  @AfterAll
  static void stop() {
    try {
      if (primary != null) {
        primary.close(); // before its Redis stops: else it reconnects for the rest of the run
      }
    } finally {
      topology.close();
    }
  }

  static OutboxStore.NewNotification email(String id) {
    return new OutboxStore.NewNotification(id, 1_000, "email", "access-codes", "fr", Lane.LO, "to", "data",
        UUID.randomUUID().toString(), 60_000, "", 60_000, "", null);
  }

  @Test
  void acceptBeginAndTheProviderRecordAreAnsweredOnceAReplicaHasThemAndFailWithoutOne() {
    String id = UUID.randomUUID().toString();
    assertThat(await(store.accept(email(id))).created()).isTrue();
    var replica = topology.servers().stream().filter(n -> n.port() != topology.initialPrimary().port())
        .findFirst().orElseThrow();
    assertThat(RedisTopology.cli(replica.port(), "HGET", "gw:{nt}:n:" + id, "st").trim())
        .as("on the replica when acknowledged").isEqualTo("queued");
    assertThat(await(store.begin(id, 2_000, "email=smtp", "t-" + 2_000))).isPresent();
    await(store.sendingTo(id, "ses"));

    // the replica stops replicating: nothing is confirmed any more
    RedisTopology.cli(replica.port(), "REPLICAOF", "NO", "ONE");
    try {
      assertThat(failure(store.accept(email(UUID.randomUUID().toString()))))
          .isInstanceOf(StoreUnconfirmedException.class);
      assertThat(failure(store.sendingTo(id, "smtp"))).isInstanceOf(StoreUnconfirmedException.class);
      var entry = new OutboxStore.Entry(Lane.LO, "0-1", id);
      assertThat(failure(store.finish(new OutboxStore.Finish(entry, "t-1", 3_000, "sent", "smtp", "m-1", "", List.of(),
          60_000, 0)))).isInstanceOf(StoreUnconfirmedException.class);
      assertThat(failure(store.report(id, 4_000, "smtp", true, "{}"))).isInstanceOf(StoreUnconfirmedException.class);
    } finally {
      RedisTopology.cli(replica.port(), "REPLICAOF", "127.0.0.1", Integer.toString(topology.initialPrimary().port()));
    }
  }
}
