package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.hash;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import fr.sesame.gateway.store.AuditStore.Stored;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/audit/append.lua} through {@link RedisAuditStore#append}, on the tests' Redis: each
 * {@link AppendReply} (APPENDED, HEAD_MOVED) and what it wrote, or did not. Each test has an election of its own.
 */
class AppendScriptTest {
  private final RedisAuditStore store = new RedisAuditStore(ScriptFixtures.access());
  private final String election = fresh("el");

  private boolean append(String writer, String expectedHead, String... pairs) {
    return await(store.append(election, writer, expectedHead, List.of(pairs)));
  }

  private List<Stored> stream() {
    return await(store.range(election, "-", 100));
  }

  @Test
  void aNewWritersEventsAreAppendedInOrderAndItsHeadIsTheLastHash() {
    assertThat(append("loop-1", "", "{\"n\":1}", hash('1'), "{\"n\":2}", hash('2'))).isTrue();

    assertThat(stream()).extracting(Stored::json, Stored::hash).containsExactly(
        tuple("{\"n\":1}", hash('1')),
        tuple("{\"n\":2}", hash('2')));
    assertThat(await(store.heads(election))).isEqualTo(Map.of("loop-1", hash('2')));
  }

  @Test
  void eachWritersChainContinuesFromItsOwnHead() {
    append("loop-1", "", "{\"n\":1}", hash('1'));
    append("loop-2", "", "{\"m\":1}", hash('a'));

    assertThat(append("loop-1", hash('1'), "{\"n\":2}", hash('2'))).isTrue();
    assertThat(append("loop-2", hash('a'), "{\"m\":2}", hash('b'))).isTrue();

    assertThat(stream()).extracting(Stored::hash).containsExactly(hash('1'), hash('a'), hash('2'), hash('b'));
    assertThat(await(store.heads(election))).isEqualTo(Map.of("loop-1", hash('2'), "loop-2", hash('b')));
  }

  @Test
  void aHeadThatMovedWritesNothingSoAFailedEarlierAppendLeavesNoGap() {
    append("loop-1", "", "{\"n\":1}", hash('1'));

    assertThat(append("loop-1", hash('0'), "{\"n\":2}", hash('2'))).as("linked to another head").isFalse();
    assertThat(append("loop-1", "", "{\"n\":2}", hash('2'))).as("a new chain over an existing one").isFalse();
    assertThat(append("loop-2", hash('1'), "{\"m\":1}", hash('a'))).as("a writer with no head yet").isFalse();

    assertThat(stream()).extracting(Stored::hash).containsExactly(hash('1'));
    assertThat(await(store.heads(election))).isEqualTo(Map.of("loop-1", hash('1')));
    assertThat(redis().hexists("gw:{el:" + election + "}:audit:heads", "loop-2")).isFalse();
  }

  private static String event(long n, String type, String details) {
    return "{\"w\":\"loop-1\",\"n\":" + n + ",\"prev\":\"\",\"t\":\"2026-12-01T09:00:00Z\",\"el\":\"e-1\","
        + "\"type\":\"" + type + "\",\"actor\":\"system\",\"ip\":\"\",\"outcome\":\"raised\"" + details + "}";
  }

  @Test
  void alertEventsAreIndexedAgainUnderTheirOwnIdsAndNothingElseIs() {
    String alert = event(2, "alert.mass-lockout", ",\"d\":{\"locks\":3}");
    String fake = event(3, "voter.unlock", ",\"d\":{\"reason\":\"\\\"type\\\":\\\"alert.x\",\"type\":\"alert.y\"}");
    assertThat(append("loop-1", "", event(1, "login.secret", ""), hash('1'), alert, hash('2'), fake, hash('3'),
        event(4, "alerting.other", ""), hash('4'))).isTrue();

    List<Stored> all = stream();
    List<Stored> alerts = await(store.alertsBefore(election, "+", 10));
    assertThat(alerts).extracting(Stored::json, Stored::hash).containsExactly(tuple(alert, hash('2')));
    assertThat(alerts.get(0).id()).as("the id in the whole trail").isEqualTo(all.get(1).id());
    assertThat(await(store.alertsAfter(election, "-", 10))).isEqualTo(alerts);
    assertThat(await(store.alertsAfter(election, alerts.get(0).id(), 10))).isEmpty();
    assertThat(await(store.before(election, "+", 2))).extracting(Stored::hash).containsExactly(hash('4'), hash('3'));
  }
}
