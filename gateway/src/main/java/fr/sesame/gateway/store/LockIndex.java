package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The voters of an election who are locked, by when (for support's bulk unlock of a time window), and how many
 * locks each minute saw (for the mass-lockout alert).
 */
public interface LockIndex {
  /** Records a lock; @return how many locks the election saw in the minute of {@code nowMs}, this one included. */
  Future<Long> locked(String electionId, String pseudonym, long nowMs);

  /** Whether no mass-lockout alert of the election was raised in the last {@code quietMs}; it then is, from now. */
  Future<Boolean> claimAlert(String electionId, long quietMs);

  /** Forgets a voter's lock (unlocked). */
  Future<Void> unlocked(String electionId, String pseudonym);

  /** The pseudonyms of the voters locked between {@code fromMs} and {@code toMs} (inclusive), oldest first. */
  Future<List<String>> lockedBetween(String electionId, long fromMs, long toMs, int limit);
}
