package fr.sesame.gateway.store;

import fr.sesame.gateway.domain.VoterKey;
import io.vertx.core.Future;
import java.util.Optional;

/** Voter sessions, kept under the voter's keys. */
public interface SessionStore {
  /** An active session, opened at {@code openedAtMs} (epoch ms). */
  record ActiveSession(String electionId, String college, String sessionId, String ip, long openedAtMs) {}

  /** @return the session when active at {@code nowMs} (its inactivity timer is slid), empty otherwise */
  Future<Optional<ActiveSession>> touch(VoterKey voter, String tokenHash, long nowMs, long idleMs);

  /** A session that was just ended. */
  record EndedSession(String electionId, String sessionId) {}

  /** Ends a session; @return it, empty when there was none */
  Future<Optional<EndedSession>> end(VoterKey voter, String tokenHash);
}
