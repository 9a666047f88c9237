package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.at;
import static fr.sesame.gateway.store.redis.ScriptFixtures.burst;
import static fr.sesame.gateway.store.redis.ScriptFixtures.charged;
import static fr.sesame.gateway.store.redis.ScriptFixtures.entry;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.hash;
import static fr.sesame.gateway.store.redis.ScriptFixtures.limitStates;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.StepResult;
import fr.sesame.gateway.store.VoterStore;
import fr.sesame.gateway.store.StepResult.Code;
import fr.sesame.gateway.store.VoterStore.NewChallenge;
import fr.sesame.gateway.store.VoterStore.SecretCheck;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/login_secret.lua} through {@link RedisVoterStore#checkSecret}, on the tests' Redis: each
 * {@link VoterReply} it gives (OK, REJECTED, LOCKED, CHANNEL_NOT_ALLOWED, NO_DESTINATION, PHONE_TAKEN,
 * RATE_LIMITED) and what it wrote, or did not; with no channel, the secret only (a challenge without a code).
 */
class LoginSecretScriptTest {
  private static final int MAX_FAILURES = 5;
  private static final long UNKNOWN_TTL_MS = 3_600_000;
  private static final long CHALLENGE_TTL_MS = 600_000;
  private static final String SECRET = hash('a');
  private static final String WRONG = hash('b');

  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final String election = fresh("el");
  private final VoterKey voter = new VoterKey(election, fresh("p"));
  private final String voterKey = RedisKeys.voter(voter.pseudonym());
  private final String challengeKey = RedisKeys.challenge(voter.pseudonym());
  /** Per IP (always), failures per IP (on failure), codes per voter (on success): as the login step has them. */
  private StepLimits limits = limits(10, 10, 10, NOW);

  private StepLimits limits(long perIp, long failures, long codes, long nowMs) {
    return new StepLimits(election, List.of(
        entry(burst("ip", perIp), "192.0.2.1", Charge.ALWAYS),
        entry(burst("ip-failures", failures), "192.0.2.1", Charge.ON_FAILURE),
        entry(burst("voter", codes), voter.pseudonym(), Charge.ON_SUCCESS)), at(nowMs));
  }

  private void onRoll(String college, String... fields) {
    redis().hset(voterKey, Map.of("c", college, "s", SECRET, "n", "identity-enc"));
    for (int i = 0; i < fields.length; i += 2) {
      redis().hset(voterKey, fields[i], fields[i + 1]);
    }
  }

  private StepResult check(String secret, String channel, String givenPhone, String claim, long nowMs) {
    return await(store.checkSecret(new SecretCheck(voter, nowMs, MAX_FAILURES, secret, UNKNOWN_TTL_MS, channel,
        Set.of("A"), givenPhone, claim, new NewChallenge("ch-1", hash('c'), nowMs + 300_000, CHALLENGE_TTL_MS, "nt-1", "en"),
        limits)));
  }

  private StepResult check(String secret, String channel) {
    return check(secret, channel, "", "", NOW);
  }

  @Test
  void theRightSecretOpensAChallengeReplacingTheLastAndChargesOnlyTheCodeLimit() {
    onRoll("A", "e", "email-enc");
    redis().hset(challengeKey, Map.of("id", "older", "stale", "1"));

    StepResult r = check(SECRET, "email");

    assertThat(r).isEqualTo(StepResult.challenge("A", "email", VoterField.EMAIL, "email-enc"));
    assertThat(redis().hgetall(challengeKey)).isEqualTo(Map.of("id", "ch-1", "h", hash('c'),
        "x", Long.toString(NOW + 300_000), "r", "0", "ch", "email", "nid", "nt-1", "lg", "en"));
    assertThat(redis().pttl(challengeKey)).isBetween(1L, CHALLENGE_TTL_MS);
    assertThat(redis().hget(voterKey, "f")).as("no failure counted").isNull();
    assertThat(charged(limits, 0)).as("per IP: always").isTrue();
    assertThat(charged(limits, 1)).as("failures: not on success").isFalse();
    assertThat(charged(limits, 2)).as("codes: on success").isTrue();
  }

  @Test
  void aCodeBySmsGoesToTheRollsPhoneBeforeOneRememberedFromALogin() {
    onRoll("A", "p", "roll-phone-enc", "lp", "login-phone-enc");

    assertThat(check(SECRET, "sms", "given-enc", "claim-" + voter.pseudonym(), NOW))
        .isEqualTo(StepResult.challenge("A", "sms", VoterField.PHONE, "roll-phone-enc"));
    assertThat(redis().hget(voterKey, "lp")).isEqualTo("login-phone-enc");
    assertThat(redis().exists(RedisKeys.phoneClaim("claim-" + voter.pseudonym()))).as("no claim needed").isZero();
  }

  @Test
  void aPhoneGivenAtLoginIsRememberedAndClaimedForThisVoterSoALaterLoginCannotRedirectCodes() {
    onRoll("A");
    String claim = "claim-" + voter.pseudonym();

    assertThat(check(SECRET, "sms", "given-enc", claim, NOW))
        .isEqualTo(StepResult.challenge("A", "sms", VoterField.LOGIN_PHONE, "given-enc"));
    assertThat(redis().hget(voterKey, "lp")).isEqualTo("given-enc");
    assertThat(redis().get(RedisKeys.phoneClaim(claim))).isEqualTo(voterKey);

    assertThat(check(SECRET, "sms", "another-enc", "other-" + claim, NOW + 1).destValue()).isEqualTo("given-enc");
    assertThat(redis().hget(voterKey, "lp")).isEqualTo("given-enc");
    assertThat(redis().exists(RedisKeys.phoneClaim("other-" + claim))).isZero();
  }

  @Test
  void withNoChannelTheRightSecretOpensAChallengeWithoutACodeAndTellsWhichContactsTheVoterHas() {
    onRoll("B", "e", "email-enc", "lp", "login-phone-enc");

    assertThat(check(SECRET, "")).isEqualTo(StepResult.secretOnly("B", "ep"));
    assertThat(redis().hgetall(challengeKey)).as("no code, no channel: login_channel.lua sends the first")
        .isEqualTo(Map.of("id", "ch-1", "h", "", "x", "0", "r", "0", "ch", "", "nid", "", "lg", "en"));
    assertThat(redis().pttl(challengeKey)).isBetween(1L, CHALLENGE_TTL_MS);
    assertThat(charged(limits, 2)).as("codes: charged here, once per login").isTrue();
    redis().hdel(voterKey, "e");
    assertThat(check(SECRET, "", "", "", NOW + 1).destValue()).isEqualTo("p");
    redis().hdel(voterKey, "lp");
    assertThat(check(SECRET, "", "", "", NOW + 2).destValue()).isEmpty();
  }

  @Test
  void withNoChannelAWrongSecretCountsAsEver() {
    onRoll("B", "e", "email-enc");

    assertThat(check(WRONG, "")).isEqualTo(StepResult.failure(Code.REJECTED, 1, false));
    assertThat(redis().exists(challengeKey)).isZero();
    assertThat(charged(limits, 1)).as("failures: on failure").isTrue();
  }

  @Test
  void aWrongSecretCountsAFailureAndOpensNothing() {
    onRoll("A", "e", "email-enc");

    assertThat(check(WRONG, "email")).isEqualTo(StepResult.failure(Code.REJECTED, 1, false));
    assertThat(redis().hget(voterKey, "f")).isEqualTo("1");
    assertThat(redis().hexists(voterKey, "la")).isFalse();
    assertThat(redis().exists(challengeKey)).isZero();
    assertThat(redis().ttl(voterKey)).as("a voter's key never expires").isEqualTo(-1L);
    assertThat(charged(limits, 1)).as("failures: on failure").isTrue();
    assertThat(charged(limits, 2)).as("codes: not on failure").isFalse();
  }

  @Test
  void locksOnTheFifthFailureAndSaysItLockedNow() {
    onRoll("A", "e", "email-enc");
    for (int i = 1; i < MAX_FAILURES; i++) {
      assertThat(check(WRONG, "email", "", "", NOW + i)).isEqualTo(StepResult.failure(Code.REJECTED, i, false));
    }

    assertThat(check(WRONG, "email", "", "", NOW + 5)).isEqualTo(StepResult.failure(Code.LOCKED, 5, true));
    assertThat(redis().hget(voterKey, "la")).as("locked at the caller's now").isEqualTo(Long.toString(NOW + 5));
    assertThat(redis().exists(challengeKey)).isZero();
  }

  @Test
  void aLockedVoterIsToldSoEvenWithTheRightSecretAndNothingIsCounted() {
    onRoll("A", "e", "email-enc", "f", "5", "la", Long.toString(NOW - 1_000));

    assertThat(check(SECRET, "email")).isEqualTo(StepResult.failure(Code.LOCKED, 5, false));
    assertThat(redis().hget(voterKey, "f")).isEqualTo("5");
    assertThat(redis().exists(challengeKey)).isZero();
    assertThat(charged(limits, 1)).isFalse();
    assertThat(charged(limits, 2)).isFalse();
  }

  @Test
  void anIdentifierNotOnTheRollIsCountedAndLockedLikeAVoterAndItsCounterExpires() {
    for (int i = 1; i < MAX_FAILURES; i++) {
      assertThat(check(SECRET, "email", "", "", NOW + i)).isEqualTo(StepResult.failure(Code.REJECTED, i, false));
    }
    assertThat(check(SECRET, "email", "", "", NOW + 5)).isEqualTo(StepResult.failure(Code.LOCKED, 5, true));

    assertThat(redis().hgetall(voterKey)).as("only the counter").isEqualTo(Map.of("f", "5", "la",
        Long.toString(NOW + 5)));
    assertThat(redis().pttl(voterKey)).isBetween(1L, UNKNOWN_TTL_MS);
    assertThat(redis().exists(challengeKey)).isZero();
    assertThat(check(SECRET, "email", "", "", NOW + 6)).isEqualTo(StepResult.failure(Code.LOCKED, 5, false));
  }

  @Test
  void aCollegeThatMayNotUseTheChannelIsToldSoOnlyAfterTheRightSecret() {
    onRoll("B", "e", "email-enc");

    assertThat(check(WRONG, "email").code()).as("a stranger learns nothing of the college").isEqualTo(Code.REJECTED);
    assertThat(check(SECRET, "email")).isEqualTo(StepResult.of(Code.CHANNEL_NOT_ALLOWED));
    assertThat(redis().hget(voterKey, "f")).as("only the wrong secret counted").isEqualTo("1");
    assertThat(redis().exists(challengeKey)).isZero();
  }

  @Test
  void aVoterWithNoAddressForTheChannelHasNoDestination() {
    onRoll("A", "p", "roll-phone-enc");

    assertThat(check(SECRET, "email")).isEqualTo(StepResult.of(Code.NO_DESTINATION));
    assertThat(redis().exists(challengeKey)).isZero();
    redis().hdel(voterKey, "p");
    assertThat(check(SECRET, "sms")).as("no phone on the roll, none given")
        .isEqualTo(StepResult.of(Code.NO_DESTINATION));
    assertThat(redis().exists(challengeKey)).isZero();
    assertThat(charged(limits, 2)).isFalse();
  }

  @Test
  void aPhoneThatAlreadyReceivesCodesForAnotherVoterIsTakenAndNothingIsWritten() {
    onRoll("A");
    String claim = "claim-" + voter.pseudonym();
    redis().set(RedisKeys.phoneClaim(claim), RedisKeys.voter("someone-else"));

    assertThat(check(SECRET, "sms", "given-enc", claim, NOW)).isEqualTo(StepResult.of(Code.PHONE_TAKEN));
    assertThat(redis().get(RedisKeys.phoneClaim(claim))).isEqualTo(RedisKeys.voter("someone-else"));
    assertThat(redis().hexists(voterKey, "lp")).isFalse();
    assertThat(redis().hexists(voterKey, "f")).isFalse();
    assertThat(redis().exists(challengeKey)).isZero();
    assertThat(charged(limits, 2)).isFalse();
  }

  @Test
  void aRateLimitRefusalCountsNothingElse() {
    onRoll("A", "e", "email-enc");
    limits = limits(1, 10, 10, NOW);
    assertThat(check(WRONG, "email").code()).isEqualTo(Code.REJECTED);
    Map<String, String> before = limitStates(limits);

    StepResult r = check(WRONG, "email");

    assertThat(r.code()).isEqualTo(Code.RATE_LIMITED);
    assertThat(r.limited().allowed()).isFalse();
    assertThat(r.limited().retryAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(r.limited().states()).extracting(s -> s.remaining()).containsExactly(0L, 9L, 10L);
    assertThat(redis().hget(voterKey, "f")).as("the refused attempt is no failure").isEqualTo("1");
    assertThat(limitStates(limits)).as("no limit charged").isEqualTo(before);
    assertThat(check(SECRET, "email").code()).as("nor does the right secret pass").isEqualTo(Code.RATE_LIMITED);
    assertThat(redis().exists(challengeKey)).isZero();
  }

  private StepResult checkWithKey(String secret, String challengeId, String notificationId, String codeEnc) {
    return await(store.checkSecret(new SecretCheck(voter, NOW, MAX_FAILURES, secret, UNKNOWN_TTL_MS, "email",
        Set.of("A"), "", "", new NewChallenge(challengeId, hash('c'), NOW + 300_000, CHALLENGE_TTL_MS, notificationId,
            "fr"),
        limits, new VoterStore.Idempotency("key-1", 300_000, codeEnc))));
  }

  @Test
  void aRepeatOfAnIdempotencyKeyAnswersTheFirstOutcomeAndCountsNothingAgain() {
    onRoll("A", "e", "email-enc");
    StepResult wrong = checkWithKey(WRONG, "ch-1", "nt-1", "code-1");
    Map<String, String> limitsAfterFirst = limitStates(limits);

    StepResult again = checkWithKey(WRONG, "ch-2", "nt-2", "code-2");

    assertThat(wrong).isEqualTo(StepResult.failure(Code.REJECTED, 1, false));
    assertThat(again).isEqualTo(wrong.asRepeatOf(new StepResult.Repeat("ch-1", "nt-1", "code-1")));
    assertThat(redis().hget(voterKey, "f")).as("counted once").isEqualTo("1");
    assertThat(limitStates(limits)).as("charged once").isEqualTo(limitsAfterFirst);
    assertThat(redis().pttl(RedisKeys.idempotency(voter.pseudonym(), "key-1"))).isPositive()
        .isLessThanOrEqualTo(300_000);
  }

  @Test
  void aRepeatOfASuccessAnswersTheFirstChallengeAndOpensNoOther() {
    onRoll("A", "e", "email-enc");
    checkWithKey(SECRET, "ch-1", "nt-1", "code-1");

    StepResult again = checkWithKey(SECRET, "ch-2", "nt-2", "code-2");

    assertThat(again).isEqualTo(StepResult.challenge("A", "email", VoterField.EMAIL, "email-enc")
        .asRepeatOf(new StepResult.Repeat("ch-1", "nt-1", "code-1")));
    assertThat(redis().hget(challengeKey, "id")).isEqualTo("ch-1");
  }
}
