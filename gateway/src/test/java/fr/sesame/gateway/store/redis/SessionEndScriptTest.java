package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.SessionStore.EndedSession;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/session_end.lua} through {@link RedisVoterStore#end}, on the tests' Redis: each
 * {@link EndReply} (ENDED, NO_SESSION).
 */
class SessionEndScriptTest {
  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final VoterKey voter = new VoterKey(fresh("el"), fresh("p"));
  private final String sessionKey = RedisKeys.session(voter.pseudonym(), "token-hash");

  @Test
  void endingASessionDeletesItAndSaysWhichItWas() {
    redis().hset(sessionKey, Map.of("e", voter.electionId(), "c", "A", "sid", "sid-1", "ip", "192.0.2.1",
        "t", "1000", "a", "1000"));
    String otherSession = RedisKeys.session(voter.pseudonym(), "other-token-hash");
    redis().hset(otherSession, Map.of("e", voter.electionId(), "sid", "sid-2"));

    assertThat(await(store.end(voter, "token-hash"))).contains(new EndedSession(voter.electionId(), "sid-1"));
    assertThat(redis().exists(sessionKey)).isZero();
    assertThat(redis().exists(otherSession)).as("the voter's other session stays").isOne();
  }

  @Test
  void noSessionIsNoSessionAndNothingIsWritten() {
    assertThat(await(store.end(voter, "token-hash"))).isEmpty();
    assertThat(redis().exists(sessionKey)).isZero();
  }
}
