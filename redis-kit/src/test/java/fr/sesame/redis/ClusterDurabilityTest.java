package fr.sesame.redis;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Await;
import fr.sesame.testkit.RedisCluster;
import fr.sesame.testkit.RedisTopology;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Confirmed writes on a real Redis Cluster (3 primaries, 3 replicas): the {@code WAIT} goes to the primary that
 * took the write. With the replica of one primary paused, a write there is unconfirmed while a write on another
 * primary is confirmed; a {@code WAIT} sent anywhere else would confirm the first (a connection that wrote nothing
 * there is answered at once) or refuse the second.
 */
class ClusterDurabilityTest {
  private static final LuaScript INCR = LuaScript.load("redis-kit-test/incr.lua");

  @Test
  void aConfirmedWriteWaitsOnThePrimaryThatTookIt() {
    try (RedisCluster cluster = RedisCluster.start()) {
      RedisClusterClient client = RedisClusterClient.create(cluster.url());
      try (var c = client.connect()) {
        for (RedisClusterNode node : c.getPartitions()) { // opened at start-up, as RedisConnector does
          if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
            c.getConnection(node.getUri().getHost(), node.getUri().getPort());
          }
        }
        RedisAccess redis = new RedisAccess(c.async()).withDurability(new Durability(1, Duration.ofMillis(500)));
        assertThat(redis.cluster()).isTrue();
        String paused = "test:{a}:n";
        String other = null;
        for (int i = 0; other == null; i++) {
          if (!cluster.primaryFor("test:{b" + i + "}:n").equals(cluster.primaryFor(paused))) {
            other = "test:{b" + i + "}:n";
          }
        }
        assertThat(Await.await(INCR.runConfirmed(redis, new String[] {paused}))).containsExactly(1L);
        assertThat(Await.await(INCR.runConfirmed(redis, new String[] {other}))).containsExactly(1L);
        assertThat(Await.await(redis.confirmWrites())).as("every primary has a replica in sync").isNull();

        RedisCluster.Node replica = cluster.replicasOf(cluster.primaryFor(paused)).get(0);
        RedisTopology.cli(replica.port(), "CLIENT", "PAUSE", "3000", "ALL"); // its replication stream waits
        assertThat(Await.failure(INCR.runConfirmed(redis, new String[] {paused})))
            .isInstanceOf(StoreUnconfirmedException.class);
        assertThat(Await.await(INCR.runConfirmed(redis, new String[] {other})))
            .as("the other primary's replica confirms its write").containsExactly(2L);
        assertThat(Await.await(redis.confirmWrites(other))).isNull();
        assertThat(Await.failure(redis.confirmWrites(paused))).isInstanceOf(StoreUnconfirmedException.class);
        assertThat(Await.failure(redis.confirmWrites())).as("every primary: one is not confirmed")
            .isInstanceOf(StoreUnconfirmedException.class);
        assertThat(c.sync().get(paused)).as("applied by its primary, only not confirmed").isEqualTo("2");
      } finally {
        client.shutdown();
      }
    }
  }
}
