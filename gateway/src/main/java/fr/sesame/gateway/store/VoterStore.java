package fr.sesame.gateway.store;

import fr.sesame.gateway.auth.VoterKey;
import fr.sesame.ratelimit.redis.ScriptLimits;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Voters, their lockout state, their login challenge and their sessions. Every method that decides
 * something (lock, code, session) does so atomically in the store, in one round trip.
 */
public interface VoterStore {
  /** A voter as the roll gives it, already hashed and encrypted. */
  record VoterRow(VoterKey key, String college, String secretHash, String identityEnc, String emailEnc,
                  String phoneEnc) {}

  /** What a new challenge holds; {@code notificationId} is the outbox notification carrying its code. */
  record NewChallenge(String challengeId, String codeHash, long expiresAtMs, long ttlMs, String notificationId) {}

  /** Writes a batch of voters; @return how many were new (the rest were updated). */
  Future<Integer> importVoters(List<VoterRow> rows);

  /**
   * First step: the rate limits, lock check, secret check, failure count or a new challenge.
   * @param phoneClaim the keyed hash of the election and {@code givenPhoneEnc}'s number ("" when none): a
   *                   number given at login receives codes for one voter only
   */
  Future<StepResult> checkSecret(VoterKey voter, long nowMs, int maxFailures, String secretHash, long unknownTtlMs,
                                 String channel, String collegesAllowingChannel, String givenPhoneEnc,
                                 String phoneClaim, NewChallenge challenge, ScriptLimits limits);

  /** Second step: the rate limits, lock check, code check, failure count or a new session. */
  Future<StepResult> checkCode(VoterKey voter, long nowMs, int maxFailures, String challengeId, String codeHash,
                               String sessionKeyHash, long sessionTtlMs, String sessionId, String ip,
                               ScriptLimits limits);

  /**
   * The code again for the current challenge: the same one while valid ({@link StepResult#sameCodeNotification()}
   * names the notification that carried it), else a new one ({@code codeHash}, carried by {@code notificationId}).
   */
  Future<StepResult> resend(VoterKey voter, long nowMs, String challengeId, String codeHash, long expiresAtMs,
                            int maxResends, String channel, String collegesAllowingChannel, String notificationId,
                            ScriptLimits limits);

  /** @return the voter's stored fields (c, f, la, ll, n, e, p, lp), empty when not on the roll */
  Future<Map<String, String>> read(VoterKey voter);

  /** @return -1 not on the roll, 1 was locked, 0 was not locked */
  Future<Integer> unlock(VoterKey voter);
}
