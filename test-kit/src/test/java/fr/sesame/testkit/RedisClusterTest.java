package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A real 3 + 3 Redis Cluster: it serves every slot, replicates, and a killed primary is replaced by its replica. */
class RedisClusterTest {
  @Test
  void aKilledPrimaryIsReplacedByItsReplicaWhichHasTheWrites() {
    try (RedisCluster cluster = RedisCluster.start()) {
      assertThat(cluster.nodes()).hasSize(6);
      assertThat(cluster.primaries()).hasSize(3);
      cluster.primaries().forEach(p -> assertThat(cluster.replicasOf(p)).hasSize(1));

      RedisClusterClient client = RedisClusterClient.create(cluster.url());
      Set<Integer> ports = new HashSet<>();
      try (var c = client.connect()) {
        for (int i = 0; i < 30; i++) {
          c.sync().set("k{" + i + "}", "v" + i);
          ports.add(cluster.primaryFor("k{" + i + "}").port());
        }
        RedisCluster.Node primary = cluster.primaryFor("k{7}");
        // WAIT on the connection that took the write: the node's own connection within the cluster connection
        assertThat(c.getConnection(primary.address().split(":")[0], primary.port()).sync()
            .waitForReplication(1, 2000)).isEqualTo(1L);
      } finally {
        client.shutdown();
      }
      assertThat(ports).as("keys spread over the three primaries").hasSize(3);

      RedisCluster.Node primary = cluster.primaryFor("k{7}");
      RedisCluster.Node replica = cluster.replicasOf(primary).get(0);
      cluster.kill(primary);
      cluster.awaitOk(Duration.ofSeconds(30));
      assertThat(cluster.primaryFor("k{7}")).isEqualTo(replica);
      assertThat(cluster.primaries()).hasSize(3).doesNotContain(primary);
      assertThat(RedisTopology.cli(replica.port(), "GET", "k{7}").strip()).isEqualTo("v7");
      RedisCluster.Node back = cluster.restart(primary);
      assertThat(cluster.replicasOf(replica)).as("the old primary rejoins as the new one's replica")
          .containsExactly(back);
      assertThat(SlotHash.getSlot("k{7}")).isEqualTo(
          Integer.parseInt(RedisTopology.cli(replica.port(), "CLUSTER", "KEYSLOT", "k{7}").strip()));
    }
  }
}
