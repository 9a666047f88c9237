package fr.sesame.gateway.store;

import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.ratelimit.StepLimits;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Voters, their lockout state and their login challenge (port). Every method that decides something (lock,
 * code, session) does so atomically in the store, in one round trip, and takes one argument record.
 */
public interface VoterStore {
  /**
   * A voter as the roll gives it, already hashed and encrypted ({@code emailEnc}, {@code phoneEnc},
   * {@code postalEnc}: "" none). A row replaces the voter's contacts: one the roll does not give is removed.
   */
  record VoterRow(VoterKey key, String college, String secretHash, String identityEnc, String emailEnc,
                  String phoneEnc, String postalEnc) {
    /** A row without a postal address. */
    public VoterRow(VoterKey key, String college, String secretHash, String identityEnc, String emailEnc,
                    String phoneEnc) {
      this(key, college, secretHash, identityEnc, emailEnc, phoneEnc, "");
    }
  }

  /**
   * A voter as stored: contacts still encrypted (null where absent); times in epoch ms, 0 when never.
   * @param lockedAtMs when the account locked, 0 when it is not locked
   */
  record VoterRecord(String college, long failures, long lockedAtMs, long lastLoginMs, String identityEnc,
                     String emailEnc, String phoneEnc, String loginPhoneEnc, String postalEnc,
                     List<Login> recentLogins) {
    public VoterRecord {
      recentLogins = recentLogins == null ? List.of() : List.copyOf(recentLogins);
    }

    /** A login that opened a session: when (ms), from which address. */
    public record Login(long atMs, String ip) {}

    public boolean locked() {
      return lockedAtMs > 0;
    }
  }

  /**
   * A login step's Idempotency-Key: the step's outcome is kept {@code ttlMs} under {@code keyHash}, and a
   * repeat answers it ({@link StepResult#repeat()}) without deciding, counting or charging anything again.
   * @param keyHash a keyed hash of the election, the step and the client's key; "" when none was given
   * @param ttlMs   how long the outcome is kept (0: not kept)
   * @param codeEnc the step's new code, encrypted, kept with the outcome so a repeat can still send it ("" none)
   */
  record Idempotency(String keyHash, long ttlMs, String codeEnc) {
    public static final Idempotency NONE = new Idempotency("", 0, "");
  }

  /**
   * What a new challenge holds; {@code notificationId} is the outbox notification carrying its code, {@code lang}
   * the language of its messages (fr, en), kept so a resend speaks the same language.
   */
  record NewChallenge(String challengeId, String codeHash, long expiresAtMs, long ttlMs, String notificationId,
                      String lang) {}

  /**
   * The first login step's arguments.
   * @param collegesAllowingChannel the colleges whose voters may get a code by {@code channel}
   * @param givenPhoneEnc the phone given at login, encrypted for the voter ("" when none)
   * @param phoneClaim   the keyed hash of the election and that number ("" when none): a number given at
   *                     login receives codes for one voter only
   */
  record SecretCheck(VoterKey voter, long nowMs, int maxFailures, String secretHash, long unknownTtlMs,
                     String channel, Set<String> collegesAllowingChannel, String givenPhoneEnc, String phoneClaim,
                     NewChallenge challenge, StepLimits limits, Idempotency idempotency) {
    public SecretCheck(VoterKey voter, long nowMs, int maxFailures, String secretHash, long unknownTtlMs,
                       String channel, Set<String> collegesAllowingChannel, String givenPhoneEnc, String phoneClaim,
                       NewChallenge challenge, StepLimits limits) {
      this(voter, nowMs, maxFailures, secretHash, unknownTtlMs, channel, collegesAllowingChannel, givenPhoneEnc,
          phoneClaim, challenge, limits, Idempotency.NONE);
    }
  }

  /** The second login step's arguments; {@code sessionKeyHash} is what the new session is stored under. */
  record CodeCheck(VoterKey voter, long nowMs, int maxFailures, String challengeId, String codeHash,
                   String sessionKeyHash, long sessionTtlMs, String sessionId, String ip, StepLimits limits,
                   Idempotency idempotency) {
    public CodeCheck(VoterKey voter, long nowMs, int maxFailures, String challengeId, String codeHash,
                     String sessionKeyHash, long sessionTtlMs, String sessionId, String ip, StepLimits limits) {
      this(voter, nowMs, maxFailures, challengeId, codeHash, sessionKeyHash, sessionTtlMs, sessionId, ip, limits,
          Idempotency.NONE);
    }
  }

  /**
   * A resend's arguments: the same code while valid, else a new one ({@code codeHash}, carried by
   * {@code notificationId}); {@code channel} "" keeps the challenge's.
   */
  record Resend(VoterKey voter, long nowMs, String challengeId, String codeHash, long expiresAtMs, int maxResends,
                String channel, Set<String> collegesAllowingChannel, String notificationId, StepLimits limits,
                Idempotency idempotency) {
    public Resend(VoterKey voter, long nowMs, String challengeId, String codeHash, long expiresAtMs, int maxResends,
                  String channel, Set<String> collegesAllowingChannel, String notificationId, StepLimits limits) {
      this(voter, nowMs, challengeId, codeHash, expiresAtMs, maxResends, channel, collegesAllowingChannel,
          notificationId, limits, Idempotency.NONE);
    }
  }

  /**
   * The first code of a challenge the secret opened alone ({@link SecretCheck} with channel ""): its channel,
   * chosen by the voter from his college's, and where the code goes, as {@link SecretCheck} has them.
   */
  record ChannelChoice(VoterKey voter, String challengeId, String codeHash, long expiresAtMs,
                       String channel, Set<String> collegesAllowingChannel, String givenPhoneEnc, String phoneClaim,
                       String notificationId, StepLimits limits, Idempotency idempotency) {}

  /** What unlocking found. */
  enum UnlockResult { NOT_ON_ROLL, WAS_LOCKED, WAS_NOT_LOCKED }

  /** Writes a batch of voters; @return for each row, in order, true when the voter was new (false: updated) */
  Future<List<Boolean>> importVoters(List<VoterRow> rows);

  /**
   * First step: the rate limits, lock check, secret check, failure count or a new challenge; with channel "",
   * a challenge without a code ({@link StepResult#secretOnly}), whose code {@link #chooseChannel} sends.
   */
  Future<StepResult> checkSecret(SecretCheck check);

  /** Second step: the rate limits, lock check, code check, failure count or a new session. */
  Future<StepResult> checkCode(CodeCheck check);

  /**
   * The voter's current login challenge, for support: its id as stored ({@code election/challenge}), its channel
   * ("" when no code was sent yet), the notification of its last code, its resends and when its code expires.
   */
  record CurrentChallenge(String storedId, String channel, String notificationId, long resends, long expiresAtMs) {}

  /** @return the voter's current challenge, empty when there is none (never, used up, or expired) */
  Future<Optional<CurrentChallenge>> currentChallenge(VoterKey voter);

  /** The first code of a challenge the secret opened alone: the rate limits, lock, channel, destination. */
  Future<StepResult> chooseChannel(ChannelChoice choice);

  /** The code again for the current challenge ({@link StepResult#sameCodeNotification()}). */
  Future<StepResult> resend(Resend resend);

  /** @return the voter, empty when not on the roll */
  Future<Optional<VoterRecord>> read(VoterKey voter);

  /** Clears the lock and the failure count. */
  Future<UnlockResult> unlock(VoterKey voter);
}
