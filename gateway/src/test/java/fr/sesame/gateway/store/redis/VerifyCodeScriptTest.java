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

import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.StepResult;
import fr.sesame.gateway.store.VoterStore;
import fr.sesame.gateway.store.StepResult.Code;
import fr.sesame.gateway.store.VoterStore.CodeCheck;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/verify_code.lua} through {@link RedisVoterStore#checkCode}, on the tests' Redis: each
 * {@link VoterReply} it gives (OK, REJECTED, LOCKED, NO_CHALLENGE, EXPIRED, RATE_LIMITED) and what it wrote, or
 * did not.
 */
class VerifyCodeScriptTest {
  private static final int MAX_FAILURES = 5;
  private static final long SESSION_TTL_MS = 1_800_000;
  private static final String CODE = hash('c');
  private static final String WRONG = hash('d');
  private static final long EXPIRES = NOW + 300_000;

  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final String election = fresh("el");
  private final VoterKey voter = new VoterKey(election, fresh("p"));
  private final String voterKey = RedisKeys.voter(voter.pseudonym());
  private final String challengeKey = RedisKeys.challenge(voter.pseudonym());
  private final String sessionKey = RedisKeys.session(voter.pseudonym(), "token-hash");
  /** Per IP (always), failures per IP (on failure): as the code step has them. */
  private StepLimits limits = limits(10);

  private StepLimits limits(long perIp) {
    return new StepLimits(election, List.of(
        entry(burst("ip", perIp), "192.0.2.1", Charge.ALWAYS),
        entry(burst("ip-failures", 10), "192.0.2.1", Charge.ON_FAILURE)), at(NOW));
  }

  private void onRollWithChallenge(String... fields) {
    redis().hset(voterKey, Map.of("c", "A", "s", hash('a'), "n", "identity-enc"));
    for (int i = 0; i < fields.length; i += 2) {
      redis().hset(voterKey, fields[i], fields[i + 1]);
    }
    redis().hset(challengeKey, Map.of("id", "ch-1", "h", CODE, "x", Long.toString(EXPIRES), "r", "0", "ch", "email",
        "nid", "nt-1"));
  }

  private StepResult check(String challengeId, String code, long nowMs) {
    return await(store.checkCode(new CodeCheck(voter, nowMs, MAX_FAILURES, challengeId, code, "token-hash",
        SESSION_TTL_MS, "sid-1", "192.0.2.1", limits)));
  }

  private StepResult check(String code) {
    return check("ch-1", code, NOW);
  }

  @Test
  void theRightCodeOpensTheSessionUsesTheCodeUpAndClearsTheFailures() {
    onRollWithChallenge("f", "3");

    assertThat(check(CODE)).isEqualTo(StepResult.session("A"));
    assertThat(redis().hgetall(sessionKey)).isEqualTo(Map.of("e", election, "c", "A", "sid", "sid-1",
        "ip", "192.0.2.1", "t", Long.toString(NOW), "a", Long.toString(NOW)));
    assertThat(redis().pttl(sessionKey)).isBetween(1L, SESSION_TTL_MS);
    assertThat(redis().exists(challengeKey)).as("a code is used once").isZero();
    assertThat(redis().hmget(voterKey, "f", "ll")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("0", Long.toString(NOW));
    assertThat(charged(limits, 1)).isFalse();
    assertThat(check(CODE).code()).as("used up").isEqualTo(Code.NO_CHALLENGE);
  }

  @Test
  void theLastFiveLoginsAreKeptNewestFirstWithTheirAddress() {
    onRollWithChallenge();
    for (int i = 0; i < 7; i++) {
      redis().hset(challengeKey, Map.of("id", "ch-1", "h", CODE, "x", Long.toString(EXPIRES + i)));
      assertThat(check("ch-1", CODE, NOW + i).code()).isEqualTo(Code.OK);
    }
    assertThat(new io.vertx.core.json.JsonArray(redis().hget(voterKey, "lh")).getList()).containsExactly(
        (NOW + 6) + " 192.0.2.1", (NOW + 5) + " 192.0.2.1", (NOW + 4) + " 192.0.2.1", (NOW + 3) + " 192.0.2.1",
        (NOW + 2) + " 192.0.2.1");
    assertThat(await(store.read(voter)).orElseThrow().recentLogins()).first()
        .isEqualTo(new fr.sesame.gateway.store.VoterStore.VoterRecord.Login(NOW + 6, "192.0.2.1"));
  }

  @Test
  void aWrongCodeCountsAFailureAndKeepsTheChallengeForAnotherTry() {
    onRollWithChallenge("f", "2");

    assertThat(check(WRONG)).isEqualTo(StepResult.failure(Code.REJECTED, 3, false));
    assertThat(redis().hget(voterKey, "f")).isEqualTo("3");
    assertThat(redis().hget(challengeKey, "id")).isEqualTo("ch-1");
    assertThat(redis().exists(sessionKey)).isZero();
    assertThat(charged(limits, 1)).as("failures per IP").isTrue();
  }

  @Test
  void locksOnTheFifthFailureAndSaysItLockedNowDroppingTheChallenge() {
    onRollWithChallenge("f", "4");

    assertThat(check("ch-1", WRONG, NOW + 7)).isEqualTo(StepResult.failure(Code.LOCKED, 5, true));
    assertThat(redis().hget(voterKey, "la")).isEqualTo(Long.toString(NOW + 7));
    assertThat(redis().exists(challengeKey)).isZero();
    assertThat(redis().exists(sessionKey)).isZero();
  }

  @Test
  void aLockedVoterIsToldSoEvenWithTheRightCodeAndNothingIsCounted() {
    onRollWithChallenge("f", "5", "la", Long.toString(NOW - 1_000));

    assertThat(check(CODE)).isEqualTo(StepResult.failure(Code.LOCKED, 5, false));
    assertThat(redis().hget(voterKey, "f")).isEqualTo("5");
    assertThat(redis().exists(sessionKey)).isZero();
    assertThat(charged(limits, 1)).isFalse();
  }

  @Test
  void anotherChallengeOrNoneOrAVoterNotOnTheRollIsNoChallengeAndCountsNothing() {
    onRollWithChallenge();

    assertThat(check("ch-0", CODE, NOW)).isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    assertThat(check("ch-0", WRONG, NOW)).isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    redis().del(voterKey);
    assertThat(check(CODE)).as("not on the roll").isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    redis().del(challengeKey);
    assertThat(check(CODE)).as("no challenge").isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    assertThat(redis().exists(voterKey, sessionKey)).isZero();
    assertThat(charged(limits, 1)).isFalse();
  }

  @Test
  void anExpiredCodeIsRefusedAtItsExpiryByTheCallersClockWithoutCountingAFailure() {
    onRollWithChallenge();

    assertThat(check("ch-1", CODE, EXPIRES)).isEqualTo(StepResult.of(Code.EXPIRED));
    assertThat(check("ch-1", WRONG, EXPIRES + 1)).isEqualTo(StepResult.of(Code.EXPIRED));
    assertThat(redis().hexists(voterKey, "f")).isFalse();
    assertThat(redis().exists(sessionKey)).isZero();
    assertThat(check("ch-1", CODE, EXPIRES - 1)).as("a millisecond before").isEqualTo(StepResult.session("A"));
  }

  @Test
  void aRateLimitRefusalCountsNothingElse() {
    onRollWithChallenge();
    limits = limits(1);
    assertThat(check(WRONG).code()).isEqualTo(Code.REJECTED);
    Map<String, String> before = limitStates(limits);

    StepResult r = check(CODE);

    assertThat(r.code()).isEqualTo(Code.RATE_LIMITED);
    assertThat(r.limited().retryAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(r.limited().states()).extracting(s -> s.remaining()).containsExactly(0L, 9L);
    assertThat(redis().exists(sessionKey)).as("the right code opens nothing").isZero();
    assertThat(redis().hget(challengeKey, "id")).as("nor is it used up").isEqualTo("ch-1");
    assertThat(check(WRONG).code()).isEqualTo(Code.RATE_LIMITED);
    assertThat(redis().hget(voterKey, "f")).as("a refused wrong code is no failure").isEqualTo("1");
    assertThat(limitStates(limits)).isEqualTo(before);
  }

  private StepResult checkWithKey(String code, String tokenHash, String sessionId) {
    return await(store.checkCode(new CodeCheck(voter, NOW, MAX_FAILURES, "ch-1", code, tokenHash, SESSION_TTL_MS,
        sessionId, "192.0.2.1", limits, new VoterStore.Idempotency("key-1", 300_000, ""))));
  }

  @Test
  void aRepeatedWrongCodeIsCountedOnce() {
    onRollWithChallenge();
    StepResult first = checkWithKey(WRONG, "t1", "sid-1");

    StepResult again = checkWithKey(WRONG, "t2", "sid-2");

    assertThat(first).isEqualTo(StepResult.failure(Code.REJECTED, 1, false));
    assertThat(again).isEqualTo(first.asRepeatOf(new StepResult.Repeat("", "", "")));
    assertThat(redis().hget(voterKey, "f")).isEqualTo("1");
  }

  @Test
  void aRepeatedRightCodeMovesTheSessionToTheRepeatsToken() {
    onRollWithChallenge();
    assertThat(checkWithKey(CODE, "t1", "sid-1")).isEqualTo(StepResult.session("A"));

    StepResult again = checkWithKey(CODE, "t2", "sid-2");

    assertThat(again).isEqualTo(StepResult.session("A").asRepeatOf(new StepResult.Repeat("", "", "")));
    String first = RedisKeys.session(voter.pseudonym(), "t1");
    String second = RedisKeys.session(voter.pseudonym(), "t2");
    assertThat(redis().exists(first)).as("the first session ended").isZero();
    assertThat(redis().hget(second, "sid")).isEqualTo("sid-2");
    assertThat(redis().hget(second, "e")).isEqualTo(election);
    assertThat(redis().pttl(second)).isPositive();
  }
}
