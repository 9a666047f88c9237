package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.VoterStore.UnlockResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/unlock.lua} through {@link RedisVoterStore#unlock}, on the tests' Redis: each
 * {@link UnlockReply} (NOT_ON_ROLL, WAS_LOCKED, WAS_NOT_LOCKED) and what it cleared.
 */
class UnlockScriptTest {
  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final VoterKey voter = new VoterKey(fresh("el"), fresh("p"));
  private final String voterKey = RedisKeys.voter(voter.pseudonym());

  @Test
  void aLockedVoterIsUnlockedWithItsFailuresCleared() {
    redis().hset(voterKey, Map.of("c", "A", "f", "5", "la", "1000", "ll", "900"));

    assertThat(await(store.unlock(voter))).isEqualTo(UnlockResult.WAS_LOCKED);
    assertThat(redis().hgetall(voterKey)).isEqualTo(Map.of("c", "A", "f", "0", "ll", "900"));
  }

  @Test
  void aVoterNotLockedHasItsFailuresClearedAndSaysItWasNot() {
    redis().hset(voterKey, Map.of("c", "A", "f", "3"));

    assertThat(await(store.unlock(voter))).isEqualTo(UnlockResult.WAS_NOT_LOCKED);
    assertThat(redis().hgetall(voterKey)).isEqualTo(Map.of("c", "A", "f", "0"));
  }

  @Test
  void anIdentifierNotOnTheRollIsNotOnTheRollAndItsCounterIsLeftToExpire() {
    assertThat(await(store.unlock(voter))).isEqualTo(UnlockResult.NOT_ON_ROLL);
    assertThat(redis().exists(voterKey)).as("nothing created").isZero();

    redis().hset(voterKey, Map.of("f", "5", "la", "1000"));
    assertThat(await(store.unlock(voter))).isEqualTo(UnlockResult.NOT_ON_ROLL);
    assertThat(redis().hgetall(voterKey)).isEqualTo(Map.of("f", "5", "la", "1000"));
  }
}
