package fr.sesame.gateway.http.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.oidc.SigningKeys;
import fr.sesame.gateway.store.redis.RedisOidcStore;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.TestClock;
import fr.sesame.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Signing keys another data key wrote (a key changed, another deployment on this Redis) are skipped, not fatal. */
class SigningKeysTest {
  @Test
  void keysWrittenWithAnotherDataKeyAreIgnoredAndReplaced() throws Exception {
    TestRedis.sync().del("gw:oidc:keys");
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(TestRedis.url());
    try (var connection = client.connect()) {
      check(new RedisOidcStore(new RedisAccess(connection.async())));
    } finally {
      client.shutdown();
    }
  }

  private static void check(RedisOidcStore store) throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-12-01T09:00:00Z"));
    SigningKeys first = new SigningKeys(store, new FieldCipher(new byte[32]), clock, Duration.ofMinutes(5));
    first.load().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    String theirs = first.signingKey(JWSAlgorithm.ES256).getKeyID();

    byte[] other = new byte[32];
    other[0] = 1;
    SigningKeys second = new SigningKeys(store, new FieldCipher(other), clock, Duration.ofMinutes(5));
    second.load().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(second.signingKey(JWSAlgorithm.ES256).getKeyID()).isNotEqualTo(theirs);
    assertThat(second.publicSet().getKeyByKeyId(theirs)).as("what it cannot read, it does not publish").isNull();
    assertThat(TestRedis.sync().hlen("gw:oidc:keys")).isEqualTo(4);
  }
}
