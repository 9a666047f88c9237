package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.SessionStore.ActiveSession;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/session_touch.lua} through {@link RedisVoterStore#touch}, on the tests' Redis: each
 * {@link TouchReply} (ACTIVE, INACTIVE) and what it slid or deleted. Idleness is decided by the caller's
 * {@code now_ms}, not by the key's expiry.
 */
class SessionTouchScriptTest {
  private static final long IDLE_MS = 900_000;

  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final VoterKey voter = new VoterKey(fresh("el"), fresh("p"));
  private final String sessionKey = RedisKeys.session(voter.pseudonym(), "token-hash");

  private void session(long lastAccessMs) {
    redis().hset(sessionKey, Map.of("e", voter.electionId(), "c", "A", "sid", "sid-1", "ip", "192.0.2.1",
        "t", Long.toString(NOW - 5_000), "a", Long.toString(lastAccessMs)));
  }

  private Optional<ActiveSession> touch(long nowMs) {
    return await(store.touch(voter, "token-hash", nowMs, IDLE_MS));
  }

  @Test
  void anActiveSessionIsToldAndItsInactivityTimerSlides() {
    session(NOW);

    assertThat(touch(NOW + IDLE_MS - 1)).as("told with when it was opened")
        .contains(new ActiveSession(voter.electionId(), "A", "sid-1", "192.0.2.1", NOW - 5_000));
    assertThat(redis().hget(sessionKey, "a")).isEqualTo(Long.toString(NOW + IDLE_MS - 1));
    assertThat(redis().hget(sessionKey, "t")).as("its start stays").isEqualTo(Long.toString(NOW - 5_000));
    assertThat(redis().pttl(sessionKey)).isBetween(1L, IDLE_MS);
    assertThat(touch(NOW + 2 * IDLE_MS - 2)).as("slid: active again").isPresent();
  }

  @Test
  void aSessionIdleForItsWholeTimeIsInactiveAndDeletedWhateverItsKeysExpiry() {
    session(NOW);

    assertThat(touch(NOW + IDLE_MS)).isEmpty();
    assertThat(redis().exists(sessionKey)).isZero();
  }

  @Test
  void noSessionIsInactiveAndNothingIsCreated() {
    assertThat(touch(NOW)).isEmpty();
    assertThat(redis().exists(sessionKey)).isZero();
  }
}
