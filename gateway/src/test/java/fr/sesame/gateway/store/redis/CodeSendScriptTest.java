package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.StaffStore.SendClaim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/staff/code_send.lua} through {@link RedisStaffStore#claimCodeSend}, on the tests' Redis: SMS codes
 * to a staff account spaced by the gap and counted in their window, by the gateway's clock; parallel claims get
 * one send; a login's success starts the count again.
 */
class CodeSendScriptTest {
  private static final long GAP = 30_000;
  private static final long WINDOW = 900_000;
  private final RedisStaffStore store = new RedisStaffStore(ScriptFixtures.access());
  private final String id = fresh("staff");

  private SendClaim claim(long at) {
    return await(store.claimCodeSend(id, at, GAP, 4, WINDOW));
  }

  @Test
  void sendsAreSpacedByTheGapAndCountedInTheirWindow() {
    assertThat(claim(NOW)).isEqualTo(SendClaim.ALLOWED);
    assertThat(claim(NOW + GAP - 1)).as("within the gap").isEqualTo(SendClaim.TOO_SOON);
    assertThat(claim(NOW + GAP)).isEqualTo(SendClaim.ALLOWED);
    assertThat(claim(NOW + 2 * GAP)).isEqualTo(SendClaim.ALLOWED);
    assertThat(claim(NOW + 3 * GAP)).as("the fourth").isEqualTo(SendClaim.ALLOWED);
    assertThat(claim(NOW + 4 * GAP)).as("a fifth in the window").isEqualTo(SendClaim.TOO_MANY);
    assertThat(claim(NOW + 10 * GAP)).isEqualTo(SendClaim.TOO_MANY);
    assertThat(redis().hgetall(RedisStaffStore.key(id) + ":ss")).containsEntry("n", "4");
    assertThat(redis().pttl(RedisStaffStore.key(id) + ":ss")).isBetween(1L, WINDOW);
    assertThat(claim(NOW + WINDOW)).as("a new window").isEqualTo(SendClaim.ALLOWED);
    assertThat(redis().hgetall(RedisStaffStore.key(id) + ":ss")).containsEntry("n", "1")
        .containsEntry("w", Long.toString(NOW + WINDOW));
  }

  @Test
  void parallelClaimsGetOneSendAndALoginsSuccessStartsTheCountAgain() {
    redis().hset(RedisStaffStore.key(id), Map.of("s", "active"));
    List<io.vertx.core.Future<SendClaim>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(store.claimCodeSend(id, NOW, GAP, 4, WINDOW));
    }
    assertThat(all.stream().map(f -> await(f)).filter(SendClaim.ALLOWED::equals)).hasSize(1);
    await(store.succeeded(id));
    assertThat(redis().exists(RedisStaffStore.key(id) + ":ss")).isZero();
    assertThat(claim(NOW + 1)).as("after a login's success").isEqualTo(SendClaim.ALLOWED);
  }
}
