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
import fr.sesame.gateway.store.VoterStore.Resend;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/resend.lua} through {@link RedisVoterStore#resend}, on the tests' Redis: each
 * {@link VoterReply} it gives (OK with the same code or a new one, LOCKED, NO_CHALLENGE, RESEND_LIMIT,
 * CHANNEL_NOT_ALLOWED, NO_DESTINATION, RATE_LIMITED) and what it wrote, or did not.
 */
class ResendScriptTest {
  private static final int MAX_RESENDS = 3;
  private static final long EXPIRES = NOW + 300_000;

  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final String election = fresh("el");
  private final VoterKey voter = new VoterKey(election, fresh("p"));
  private final String voterKey = RedisKeys.voter(voter.pseudonym());
  private final String challengeKey = RedisKeys.challenge(voter.pseudonym());
  /** Per IP (always), codes per voter (on success): as the resend step has them. */
  private StepLimits limits = limits(10);

  private StepLimits limits(long perIp) {
    return new StepLimits(election, List.of(
        entry(burst("ip", perIp), "192.0.2.1", Charge.ALWAYS),
        entry(burst("voter", 10), voter.pseudonym(), Charge.ON_SUCCESS)), at(NOW));
  }

  private void onRollWithChallenge(String college, int resends, String... fields) {
    redis().hset(voterKey, Map.of("c", college, "s", hash('a'), "n", "identity-enc", "e", "email-enc"));
    for (int i = 0; i < fields.length; i += 2) {
      redis().hset(voterKey, fields[i], fields[i + 1]);
    }
    redis().hset(challengeKey, Map.of("id", "ch-1", "h", hash('c'), "x", Long.toString(EXPIRES),
        "r", Integer.toString(resends), "ch", "email", "nid", "nt-1", "lg", "en"));
  }

  private StepResult resend(String challengeId, String channel, long nowMs) {
    return await(store.resend(new Resend(voter, nowMs, challengeId, hash('n'), nowMs + 300_000, MAX_RESENDS, channel,
        Set.of("A"), "nt-2", limits)));
  }

  private StepResult resend() {
    return resend("ch-1", "", NOW);
  }

  @Test
  void whileTheCodeIsValidTheSameCodeGoesAgainByItsNotification() {
    onRollWithChallenge("A", 0);

    assertThat(resend()).isEqualTo(StepResult.resent("email", VoterField.EMAIL, "email-enc", 2, "nt-1", "en"));
    assertThat(redis().hgetall(challengeKey)).isEqualTo(Map.of("id", "ch-1", "h", hash('c'),
        "x", Long.toString(EXPIRES), "r", "1", "ch", "email", "nid", "nt-1", "lg", "en"));
    assertThat(charged(limits, 1)).as("codes per voter: on success").isTrue();
  }

  @Test
  void onceTheCodeHasExpiredANewOneGoesWithAFreshValidity() {
    onRollWithChallenge("A", 1);

    assertThat(resend("ch-1", "", EXPIRES)).isEqualTo(StepResult.resent("email", VoterField.EMAIL, "email-enc", 1, "", "en"));
    assertThat(redis().hgetall(challengeKey)).isEqualTo(Map.of("id", "ch-1", "h", hash('n'),
        "x", Long.toString(EXPIRES + 300_000), "r", "2", "ch", "email", "nid", "nt-2",
        "lg", "en"));
  }

  @Test
  void anotherChannelTheCollegeAllowsTakesOverTheChallenge() {
    onRollWithChallenge("A", 0, "p", "roll-phone-enc");

    assertThat(resend("ch-1", "sms", NOW))
        .isEqualTo(StepResult.resent("sms", VoterField.PHONE, "roll-phone-enc", 2, "nt-1", "en"));
    assertThat(redis().hget(challengeKey, "ch")).isEqualTo("sms");
  }

  @Test
  void aChallengeOpenedBeforeLanguagesWereKeptAnswersNoLanguage() {
    onRollWithChallenge("A", 0);
    redis().hdel(challengeKey, "lg");

    assertThat(resend()).as("the service then speaks its default language")
        .isEqualTo(StepResult.resent("email", VoterField.EMAIL, "email-enc", 2, "nt-1", ""));
  }

  @Test
  void aLockedVoterGetsNoCode() {
    onRollWithChallenge("A", 0, "f", "5", "la", Long.toString(NOW - 1_000));

    assertThat(resend()).isEqualTo(StepResult.failure(Code.LOCKED, 0, false));
    assertThat(redis().hget(challengeKey, "r")).isEqualTo("0");
    assertThat(charged(limits, 1)).isFalse();
  }

  @Test
  void anotherChallengeOrNoneOrAVoterNotOnTheRollIsNoChallenge() {
    onRollWithChallenge("A", 0);

    assertThat(resend("ch-0", "", NOW)).isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    assertThat(redis().hget(challengeKey, "r")).isEqualTo("0");
    redis().del(voterKey);
    assertThat(resend()).as("not on the roll").isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    redis().del(challengeKey);
    assertThat(resend()).as("no challenge").isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    assertThat(redis().exists(voterKey, challengeKey)).as("nothing created").isZero();
    assertThat(charged(limits, 1)).isFalse();
  }

  @Test
  void stopsAtTheResendLimit() {
    onRollWithChallenge("A", MAX_RESENDS - 1);
    assertThat(resend().resendsLeft()).isZero();

    assertThat(resend()).isEqualTo(StepResult.of(Code.RESEND_LIMIT));
    assertThat(redis().hget(challengeKey, "r")).isEqualTo(Integer.toString(MAX_RESENDS));
    assertThat(resend("ch-1", "", EXPIRES)).as("even with a new code").isEqualTo(StepResult.of(Code.RESEND_LIMIT));
    assertThat(redis().hget(challengeKey, "h")).isEqualTo(hash('c'));
  }

  @Test
  void aChannelTheCollegeMayNotUseIsRefusedAndTheChallengeKept() {
    onRollWithChallenge("B", 0, "p", "roll-phone-enc");

    assertThat(resend("ch-1", "sms", NOW)).isEqualTo(StepResult.of(Code.CHANNEL_NOT_ALLOWED));
    assertThat(redis().hmget(challengeKey, "r", "ch")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("0", "email");
    assertThat(resend().code()).as("its own channel still goes").isEqualTo(Code.OK);
  }

  @Test
  void aChannelWithNoAddressHasNoDestinationAndTheChallengeIsKept() {
    onRollWithChallenge("A", 0);

    assertThat(resend("ch-1", "sms", NOW)).as("a resend never takes a new phone").isEqualTo(
        StepResult.of(Code.NO_DESTINATION));
    assertThat(redis().hmget(challengeKey, "r", "ch")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("0", "email");
    assertThat(charged(limits, 1)).isFalse();
  }

  @Test
  void aRateLimitRefusalCountsNothingElse() {
    onRollWithChallenge("A", 0);
    limits = limits(1);
    assertThat(resend().code()).isEqualTo(Code.OK);
    Map<String, String> before = limitStates(limits);

    StepResult r = resend();

    assertThat(r.code()).isEqualTo(Code.RATE_LIMITED);
    assertThat(r.limited().retryAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(r.limited().states()).extracting(s -> s.remaining()).containsExactly(0L, 9L);
    assertThat(redis().hget(challengeKey, "r")).as("no resend counted").isEqualTo("1");
    assertThat(limitStates(limits)).isEqualTo(before);
  }

  @Test
  void aChallengeTheSecretOpenedAloneHasNoCodeToResend() {
    onRollWithChallenge("A", 0);
    redis().hset(challengeKey, Map.of("ch", "", "h", "", "nid", "", "x", "0"));

    assertThat(resend()).as("its first code goes through login_channel.lua").isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    assertThat(resend("ch-1", "email", NOW)).isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    assertThat(redis().hget(challengeKey, "r")).isEqualTo("0");
  }

  @Test
  void aRepeatOfAnIdempotencyKeyUsesUpNoResend() {
    onRollWithChallenge("A", 0);
    var key = new VoterStore.Idempotency("key-1", 300_000, "code-enc");
    StepResult first = await(store.resend(new Resend(voter, NOW, "ch-1", hash('n'), NOW + 300_000, MAX_RESENDS, "",
        Set.of("A"), "nt-2", limits, key)));

    StepResult again = await(store.resend(new Resend(voter, NOW, "ch-1", hash('n'), NOW + 300_000, MAX_RESENDS, "",
        Set.of("A"), "nt-3", limits, key)));

    assertThat(again).isEqualTo(first.asRepeatOf(new StepResult.Repeat("ch-1", "nt-2", "code-enc")));
    assertThat(redis().hget(challengeKey, "r")).as("one resend used").isEqualTo("1");
  }
}
