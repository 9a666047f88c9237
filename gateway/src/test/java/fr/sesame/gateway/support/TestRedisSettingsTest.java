package fr.sesame.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisMemory;
import fr.sesame.testkit.LocalRedis;
import org.junit.jupiter.api.Test;

/** The test kit cannot see the gateway: this keeps the Redis it starts configured as the gateway advises. */
class TestRedisSettingsTest {
  @Test
  void theKitsRedisKeepsVoterHashesAsCompactAsTheGatewayAdvises() {
    assertThat(LocalRedis.HASH_MAX_ZIPLIST_VALUE).isEqualTo(RedisMemory.HASH_VALUE_BYTES);
  }
}
