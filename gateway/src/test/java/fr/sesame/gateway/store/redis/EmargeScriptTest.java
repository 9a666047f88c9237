package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.EmargementStore.Recording;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/election/emarge.lua} through {@link RedisElectionStore#record}, on the tests' Redis: each
 * {@link EmargeReply} (RECORDED, REPEATED, ALREADY_VOTED) and what it wrote.
 */
class EmargeScriptTest {
  private final RedisElectionStore store = new RedisElectionStore(ScriptFixtures.access());
  private final String el = fresh("el");
  private final String voter = fresh("p");
  private final String key = RedisKeys.emargements(el);

  private static String record(long t, String sid) {
    return new JsonObject().put("t", t).put("ip", "192.0.2.1").put("sid", sid).put("c", "A").encode();
  }

  @Test
  void theFirstCallRecordsTheVote() {
    Recording r = await(store.record(el, voter, "s1", NOW, record(NOW, "s1")));

    assertThat(r).isEqualTo(new Recording(Recording.Kind.RECORDED, NOW));
    assertThat(redis().hgetall(key)).isEqualTo(Map.of(voter, record(NOW, "s1")));
  }

  @Test
  void aRepeatOfTheSameSessionAnswersTheFirstRecordAndWritesNothing() {
    await(store.record(el, voter, "s1", NOW, record(NOW, "s1")));

    Recording again = await(store.record(el, voter, "s1", NOW + 5_000, record(NOW + 5_000, "s1")));

    assertThat(again).isEqualTo(new Recording(Recording.Kind.REPEATED, NOW));
    assertThat(redis().hgetall(key)).as("the first record kept").isEqualTo(Map.of(voter, record(NOW, "s1")));
  }

  @Test
  void anotherSessionOfTheSameVoterFindsTheVoteAlreadyRecorded() {
    await(store.record(el, voter, "s1", NOW, record(NOW, "s1")));

    Recording other = await(store.record(el, voter, "s2", NOW + 5_000, record(NOW + 5_000, "s2")));

    assertThat(other).isEqualTo(new Recording(Recording.Kind.ALREADY_VOTED, 0));
    assertThat(redis().hgetall(key)).isEqualTo(Map.of(voter, record(NOW, "s1")));
  }

  @Test
  void theTurnoutIsCountedOncePerVoterByCollegeAndHour() {
    long hour = NOW / 3_600_000;
    await(store.record(el, voter, "s1", NOW, record(NOW, "s1")));
    await(store.record(el, voter, "s1", NOW + 1, record(NOW + 1, "s1"))); // a repeat: not counted again
    await(store.record(el, voter, "s2", NOW + 2, record(NOW + 2, "s2"))); // already voted: not counted
    String other = fresh("p");
    await(store.record(el, other, "s3", NOW + 3_600_000, new JsonObject().put("t", NOW + 3_600_000)
        .put("ip", "192.0.2.2").put("sid", "s3").put("c", "B").encode()));

    var turnout = await(store.turnout(el));
    assertThat(turnout.total()).isEqualTo(2);
    assertThat(turnout.byCollege()).isEqualTo(Map.of("A", 1L, "B", 1L));
    assertThat(turnout.byHour()).isEqualTo(Map.of(hour, 1L, hour + 1, 1L));
    assertThat(turnout.byHourAndCollege()).isEqualTo(Map.of(hour, Map.of("A", 1L), hour + 1, Map.of("B", 1L)));
  }

  @Test
  void eachVoteCountsInItsHourAndCollegeCell() {
    long hour = NOW / 3_600_000;
    int n = 0;
    for (String[] vote : new String[][] {{"A", "0"}, {"A", "0"}, {"B", "0"}, {"B", "1"}, {"A:x", "1"}}) {
      long t = NOW + Long.parseLong(vote[1]) * 3_600_000 + n;
      await(store.record(el, fresh("p"), "s" + n, t, new JsonObject().put("t", t).put("ip", "192.0.2.3")
          .put("sid", "s" + n).put("c", vote[0]).encode()));
      n++;
    }

    assertThat(redis().hgetall(RedisKeys.election(el) + ":to")).containsEntry("hc:" + hour + ":A", "2")
        .containsEntry("hc:" + hour + ":B", "1").containsEntry("hc:" + (hour + 1) + ":B", "1")
        .containsEntry("hc:" + (hour + 1) + ":A:x", "1").containsEntry("all", "5");
    var turnout = await(store.turnout(el));
    assertThat(turnout.byHourAndCollege()).as("a college with a colon in its name is read whole").isEqualTo(Map.of(
        hour, Map.of("A", 2L, "B", 1L), hour + 1, Map.of("B", 1L, "A:x", 1L)));
    assertThat(turnout.byCollege()).isEqualTo(Map.of("A", 2L, "B", 2L, "A:x", 1L));
  }

  @Test
  void anotherVoterIsRecordedApart() {
    await(store.record(el, voter, "s1", NOW, record(NOW, "s1")));
    String other = fresh("p");

    assertThat(await(store.record(el, other, "s9", NOW, record(NOW, "s9"))).kind())
        .isEqualTo(Recording.Kind.RECORDED);
    assertThat(redis().hlen(key)).isEqualTo(2);
  }
}
