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
import fr.sesame.gateway.store.StepResult.Code;
import fr.sesame.gateway.store.VoterStore;
import fr.sesame.gateway.store.VoterStore.ChannelChoice;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/login_channel.lua} through {@link RedisVoterStore#chooseChannel}, on the tests' Redis: the
 * first code of a challenge the secret opened alone. Each {@link VoterReply} it gives (OK, LOCKED, NO_CHALLENGE,
 * CHANNEL_NOT_ALLOWED, NO_DESTINATION, PHONE_TAKEN, RATE_LIMITED, REPEAT) and what it wrote, or did not.
 */
class LoginChannelScriptTest {
  private static final long EXPIRES = NOW + 300_000;

  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final String election = fresh("el");
  private final VoterKey voter = new VoterKey(election, fresh("p"));
  private final String voterKey = RedisKeys.voter(voter.pseudonym());
  private final String challengeKey = RedisKeys.challenge(voter.pseudonym());
  /** Per IP, always: as the channel step has them (with the election's). */
  private StepLimits limits = limits(10);

  private StepLimits limits(long perIp) {
    return new StepLimits(election, List.of(entry(burst("ip", perIp), "192.0.2.1", Charge.ALWAYS)), at(NOW));
  }

  /** A voter of {@code college} whose secret opened challenge ch-1 without a code (login_secret.lua, no channel). */
  private void secretAccepted(String college, String... fields) {
    redis().hset(voterKey, Map.of("c", college, "s", hash('a'), "n", "identity-enc"));
    for (int i = 0; i < fields.length; i += 2) {
      redis().hset(voterKey, fields[i], fields[i + 1]);
    }
    redis().hset(challengeKey, Map.of("id", "ch-1", "h", "", "x", "0", "r", "0", "ch", "", "nid", "", "lg", "en"));
  }

  private StepResult choose(String challengeId, String channel, String givenPhone, String claim,
                            VoterStore.Idempotency idem) {
    return await(store.chooseChannel(new ChannelChoice(voter, challengeId, hash('n'), EXPIRES, channel,
        Set.of("A"), givenPhone, claim, "nt-2", limits, idem)));
  }

  private StepResult choose(String channel) {
    return choose("ch-1", channel, "", "", VoterStore.Idempotency.NONE);
  }

  @Test
  void theChosenChannelGetsTheChallengesFirstCodeInTheSecretStepsLanguage() {
    secretAccepted("A", "e", "email-enc");

    assertThat(choose("email")).isEqualTo(StepResult.challenge("A", "email", VoterField.EMAIL, "email-enc", "en"));
    assertThat(redis().hgetall(challengeKey)).isEqualTo(Map.of("id", "ch-1", "h", hash('n'),
        "x", Long.toString(EXPIRES), "r", "0", "ch", "email", "nid", "nt-2", "lg", "en"));
    assertThat(charged(limits, 0)).isTrue();
  }

  @Test
  void onlyOncePerChallengeThenItIsTheResendsBusiness() {
    secretAccepted("A", "e", "email-enc", "p", "phone-enc");
    assertThat(choose("email").code()).isEqualTo(Code.OK);

    assertThat(choose("sms")).as("a challenge that has its channel").isEqualTo(StepResult.of(Code.NO_CHALLENGE));
    assertThat(redis().hget(challengeKey, "ch")).isEqualTo("email");
    assertThat(choose("other", "email", "", "", VoterStore.Idempotency.NONE)).isEqualTo(StepResult.of(Code.NO_CHALLENGE));
  }

  @Test
  void aChannelTheCollegeDoesNotOfferIsRefusedAndNothingIsWritten() {
    secretAccepted("B", "e", "email-enc");

    assertThat(choose("email")).isEqualTo(StepResult.of(Code.CHANNEL_NOT_ALLOWED));
    assertThat(redis().hget(challengeKey, "ch")).isEmpty();
  }

  @Test
  void noContactForTheChannelIsNoDestinationAndAGivenPhoneIsClaimedAndRemembered() {
    secretAccepted("A");
    assertThat(choose("sms")).isEqualTo(StepResult.of(Code.NO_DESTINATION));
    assertThat(redis().hget(challengeKey, "ch")).isEmpty();

    String claim = "claim-" + voter.pseudonym();
    assertThat(choose("ch-1", "sms", "given-enc", claim, VoterStore.Idempotency.NONE))
        .isEqualTo(StepResult.challenge("A", "sms", VoterField.LOGIN_PHONE, "given-enc", "en"));
    assertThat(redis().hget(voterKey, "lp")).isEqualTo("given-enc");
    assertThat(redis().get(RedisKeys.phoneClaim(claim))).isEqualTo(voterKey);
  }

  @Test
  void aPhoneThatReceivesAnotherVotersCodesIsTaken() {
    secretAccepted("A");
    String claim = "claim-" + voter.pseudonym();
    redis().set(RedisKeys.phoneClaim(claim), RedisKeys.voter("someone-else"));

    assertThat(choose("ch-1", "sms", "given-enc", claim, VoterStore.Idempotency.NONE))
        .isEqualTo(StepResult.of(Code.PHONE_TAKEN));
    assertThat(redis().hexists(voterKey, "lp")).isFalse();
    assertThat(redis().hget(challengeKey, "ch")).isEmpty();
  }

  @Test
  void aLockedVoterGetsNoCode() {
    secretAccepted("A", "e", "email-enc", "la", Long.toString(NOW - 1));

    assertThat(choose("email")).isEqualTo(StepResult.failure(Code.LOCKED, 0, false));
    assertThat(redis().hget(challengeKey, "ch")).isEmpty();
  }

  @Test
  void overTheLimitNothingIsDecided() {
    secretAccepted("A", "e", "email-enc");
    limits = limits(1);
    assertThat(choose("other", "email", "", "", VoterStore.Idempotency.NONE).code()).isEqualTo(Code.NO_CHALLENGE);
    Map<String, String> before = limitStates(limits);

    assertThat(choose("email").code()).isEqualTo(Code.RATE_LIMITED);
    assertThat(redis().hget(challengeKey, "ch")).isEmpty();
    assertThat(limitStates(limits)).isEqualTo(before);
  }

  @Test
  void aRepeatOfAnIdempotencyKeyAnswersTheFirstOutcomeWithoutDecidingAgain() {
    secretAccepted("A", "e", "email-enc");
    VoterStore.Idempotency idem = new VoterStore.Idempotency(fresh("k"), 60_000, "code-enc");
    StepResult first = choose("ch-1", "email", "", "", idem);

    StepResult again = choose("ch-1", "email", "", "", idem);
    assertThat(again.repeat()).isEqualTo(new StepResult.Repeat("ch-1", "nt-2", "code-enc"));
    assertThat(again.asRepeatOf(null)).isEqualTo(first);
  }
}
