package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A real primary, replica and three Sentinels: writes replicate, and a killed primary is replaced. */
class RedisTopologyTest {
  @Test
  void aKilledPrimaryIsReplacedByItsReplicaWhichHasTheWrites() {
    try (RedisTopology t = RedisTopology.start(1, 3, Duration.ofMillis(1000))) {
      RedisClient client = RedisClient.create(RedisURI.create(t.sentinelUrl()));
      try (var c = client.connect()) {
        c.sync().set("k", "v");
        assertThat(c.sync().waitForReplication(1, 2000)).isEqualTo(1L);
      } finally {
        client.shutdown();
      }
      int before = t.currentPrimaryPort();
      assertThat(before).isEqualTo(t.initialPrimary().port());
      var switched = t.nextSwitch();
      t.killPrimary();
      int after = Await.await(switched, Duration.ofSeconds(20));
      assertThat(after).isEqualTo(t.servers().get(1).port());
      assertThat(RedisTopology.cli(after, "GET", "k").strip()).isEqualTo("v");
    }
  }
}
