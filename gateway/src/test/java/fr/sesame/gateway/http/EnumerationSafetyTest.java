package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.testkit.Http;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** No answer tells whether an identifier is on the roll. */
class EnumerationSafetyTest {
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  private static JsonObject shape(Http.Res r) {
    JsonObject j = r.json();
    j.remove("instance"); // a per-request id
    return j;
  }

  @Test
  void unknownIdentifierAnswersExactlyLikeAWrongSecretIncludingTheLock() {
    String el = gw.openElection();
    for (int i = 1; i <= 6; i++) {
      Http.Res known = gw.login(el, "alice", "00000000", "sms");
      Http.Res unknown = gw.login(el, "zoe-not-on-roll", "00000000", "sms");
      assertThat(unknown.status()).as("attempt " + i).isEqualTo(known.status());
      assertThat(shape(unknown)).as("attempt " + i).isEqualTo(shape(known));
      assertThat(new java.util.TreeSet<>(unknown.headers().names())).isEqualTo(new java.util.TreeSet<>(known.headers().names()));
    }
    assertThat(gw.login(el, "zoe-not-on-roll", "00000000", "sms").status()).isEqualTo(423);
  }

  @Test
  void unknownIdentifiersCountersExpireButRealVotersDoNot() {
    String el = gw.openElection();
    gw.login(el, "zoe-not-on-roll", "1", "sms");
    gw.login(el, "alice", "1", "sms");
    var redis = TestRedis.sync();
    String junk = RedisKeys.voter(pseudonym(el, "zoe-not-on-roll"));
    String real = RedisKeys.voter(pseudonym(el, "alice"));
    assertThat(redis.pttl(junk)).isPositive().isLessThanOrEqualTo(24 * 3600 * 1000L);
    assertThat(redis.pttl(real)).isEqualTo(-1);
    assertThat(redis.hkeys(junk)).containsExactly("f");
  }

  @Test
  void unknownElectionIsNotFound() {
    Http.Res r = gw.login("no-such-election", "alice", "1", "sms");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.problemType()).isEqualTo("/problems/election-not-found");
  }

  @Test
  void redisHoldsNoIdentifierNameEmailPhoneOrSecretInClear() {
    String el = gw.openElection();
    gw.login(el, "alice", "20231234", "sms");
    var redis = TestRedis.sync();
    String key = RedisKeys.voter(pseudonym(el, "alice"));
    assertThat(key).doesNotContain("alice");
    var fields = redis.hgetall(key);
    assertThat(fields.keySet()).containsAll(Set.of("c", "s", "n", "e", "p"));
    for (String v : fields.values()) {
      assertThat(v).doesNotContain("alice", "Martin", "univ-test", "612345678", "20231234");
    }
    for (String v : redis.hgetall(RedisKeys.challenge(pseudonym(el, "alice"))).values()) {
      assertThat(v).doesNotContain(gw.lastCode("+33612345678"));
    }
  }

  static String pseudonym(String el, String identifier) {
    return TestGateway.pseudonym(el, identifier);
  }
}
