package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.dequeue;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.queued;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.OutboxStore.ReportOutcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/outbox/report.lua} through {@link RedisOutboxStore#report}, on the tests' Redis: each
 * {@link ReportReply} (DELIVERED, REQUEUED, IGNORED) and what it changed, or did not. Entries a test queues
 * again are removed after it.
 */
class ReportScriptTest {
  private final RedisOutboxStore store = new RedisOutboxStore(ScriptFixtures.access());
  private final String id = fresh("nt");
  private final String record = RedisOutboxStore.record(id);
  private final String attempts = RedisOutboxStore.attempts(id);

  @AfterEach
  void dequeueIt() {
    dequeue(List.of(id));
  }

  private void sent(String lane, String... fields) {
    redis().hset(record, Map.of("st", "sent", "ch", "sms", "p", lane, "u", "1000", "pr", "ovh", "mid", "m-1"));
    for (int i = 0; i < fields.length; i += 2) {
      redis().hset(record, fields[i], fields[i + 1]);
    }
    redis().rpush(attempts, "{\"sent\":1}");
  }

  private ReportOutcome report(String provider, boolean delivered) {
    return await(store.report(id, NOW, provider, delivered, "{\"report\":1}"));
  }

  @Test
  void aDeliveredReportMakesTheNotificationFinal() {
    sent("HI");

    assertThat(report("ovh", true)).isEqualTo(ReportOutcome.DELIVERED);
    assertThat(redis().hmget(record, "st", "u", "pr")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("delivered", Long.toString(NOW), "ovh");
    assertThat(redis().lrange(attempts, 0, -1)).containsExactly("{\"sent\":1}", "{\"report\":1}");
    assertThat(queued("gw:{nt}:s:hi", List.of(id))).isEmpty();
  }

  @Test
  void anUndeliveredReportExcludesTheProviderAndQueuesTheNotificationAgainOnItsLane() {
    sent("HI", "x", "mailjet-sms");

    assertThat(report("ovh", false)).isEqualTo(ReportOutcome.REQUEUED);
    assertThat(redis().hmget(record, "st", "u", "x", "pr", "mid")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("queued", Long.toString(NOW), "mailjet-sms,ovh", "", "");
    assertThat(redis().lrange(attempts, 0, -1)).containsExactly("{\"sent\":1}", "{\"report\":1}");
    assertThat(queued("gw:{nt}:s:hi", List.of(id))).hasSize(1);
    assertThat(queued("gw:{nt}:s:lo", List.of(id))).isEmpty();
  }

  @Test
  void aCampaignsMessageMovesItsCountsFromSentToDeliveredOrUndelivered() {
    String tag = fresh("el") + ":c1";
    String counts = "gw:{nt}:cp:" + tag;
    redis().hset(counts, Map.of("sent", "2", "ovh:sent", "2"));
    sent("LO", "cp", tag);

    assertThat(report("ovh", true)).isEqualTo(ReportOutcome.DELIVERED);
    assertThat(report("ovh", true)).as("a duplicate").isEqualTo(ReportOutcome.IGNORED);
    assertThat(redis().hgetall(counts)).isEqualTo(Map.of("sent", "1", "ovh:sent", "1", "delivered", "1",
        "ovh:delivered", "1"));

    redis().hset(record, "st", "sent");
    assertThat(report("ovh", false)).isEqualTo(ReportOutcome.REQUEUED);
    assertThat(redis().hgetall(counts)).isEqualTo(Map.of("sent", "0", "ovh:sent", "0", "delivered", "1",
        "ovh:delivered", "1", "ovh:undelivered", "1"));
  }

  @Test
  void aBulkMessageGoesBackOnTheLowLaneWithItsFirstExclusion() {
    sent("LO");

    assertThat(report("ovh", false)).isEqualTo(ReportOutcome.REQUEUED);
    assertThat(redis().hget(record, "x")).isEqualTo("ovh");
    assertThat(queued("gw:{nt}:s:lo", List.of(id))).hasSize(1);
    assertThat(queued("gw:{nt}:s:hi", List.of(id))).isEmpty();
  }

  @Test
  void aReportFromAnotherProviderALateOneOrADuplicateIsIgnoredAndChangesNothing() {
    sent("HI");
    Map<String, String> before = redis().hgetall(record);

    assertThat(report("mailjet-sms", false)).as("another provider").isEqualTo(ReportOutcome.IGNORED);
    assertThat(redis().hgetall(record)).isEqualTo(before);
    assertThat(report("ovh", true)).isEqualTo(ReportOutcome.DELIVERED);
    Map<String, String> delivered = redis().hgetall(record);
    assertThat(report("ovh", true)).as("a duplicate").isEqualTo(ReportOutcome.IGNORED);
    assertThat(report("ovh", false)).as("a late contradiction").isEqualTo(ReportOutcome.IGNORED);

    assertThat(redis().hgetall(record)).isEqualTo(delivered);
    assertThat(redis().lrange(attempts, 0, -1)).containsExactly("{\"sent\":1}", "{\"report\":1}");
    assertThat(queued("gw:{nt}:s:hi", List.of(id))).isEmpty();
  }

  @Test
  void aReportForAnUnknownNotificationIsIgnoredAndCreatesNothing() {
    assertThat(report("ovh", false)).isEqualTo(ReportOutcome.IGNORED);
    assertThat(redis().exists(record, attempts)).isZero();
  }
}
