package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.dequeue;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.OutboxStore.Entry;
import fr.sesame.gateway.store.OutboxStore.Finish;
import fr.sesame.gateway.store.OutboxStore.Lane;
import fr.sesame.gateway.store.OutboxStore.Poll;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.XClaimArgs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/outbox/finish.lua} through {@link RedisOutboxStore#finish}, on the tests' Redis: its one
 * {@link FinishReply}, FINISHED, for a sent message and a failed one. The entry is made pending for this
 * test's consumer alone ({@code XCLAIM ... FORCE}), so no other test's entries are read.
 */
class FinishScriptTest {
  private static final long RETENTION_MS = 86_400_000;
  private static final String STREAM = "gw:{nt}:s:lo";

  private final RedisOutboxStore store = new RedisOutboxStore(ScriptFixtures.access());
  private final String id = fresh("nt");
  private final String record = RedisOutboxStore.record(id);
  private final String provider = fresh("prov");
  private final Consumer<String> consumer = Consumer.from(RedisOutboxStore.GROUP, fresh("dispatcher"));

  @AfterEach
  void cleanUp() {
    dequeue(List.of(id));
    redis().zrem("gw:{nt}:poll", new Poll(provider, "m-1", NOW).member());
  }

  /** The message queued on the low lane and taken by this test's dispatcher: pending in the group. */
  private Entry taken() {
    await(store.ensureGroups());
    // rf, rs: what the provider had built for this send, and the reference a begin handed out to be asked about
    redis().hset(record, Map.of("st", "sending", "ch", "sms", "p", "LO", "inf", provider, "u", "1000",
        "rf", provider + ":b-1", "rs", "b-1"));
    redis().rpush(RedisOutboxStore.attempts(id), "{\"earlier\":1}");
    String entryId = redis().xadd(STREAM, Map.of("id", id));
    redis().xclaim(STREAM, consumer, XClaimArgs.Builder.minIdleTime(0).force(), entryId);
    assertThat(redis().xpending(STREAM, consumer, Range.create(entryId, entryId), Limit.from(1)))
        .hasSize(1);
    return new Entry(Lane.LO, entryId, id);
  }

  private void assertAcknowledgedAndRemoved(Entry entry) {
    assertThat(redis().xpending(STREAM, consumer, Range.create("-", "+"), Limit.from(10))).isEmpty();
    assertThat(redis().xrange(STREAM, Range.create(entry.entryId(), entry.entryId()))).isEmpty();
  }

  @Test
  void aSentMessageRecordsItsProviderAndAttemptsIndexesItsProviderIdQueuesItsPollAndLeavesTheStream() {
    Entry entry = taken();

    await(store.finish(new Finish(entry, "t-1", NOW, "sent", provider, "m-1", "", List.of("{\"a\":1}", "{\"a\":2}"),
        RETENTION_MS, NOW + 60_000)));

    assertThat(redis().hgetall(record)).isEqualTo(Map.of("st", "sent", "ch", "sms", "p", "LO", "u",
        Long.toString(NOW), "pr", provider, "mid", "m-1", "err", "", "fk", "t-1"));
    assertThat(redis().lrange(RedisOutboxStore.attempts(id), 0, -1))
        .containsExactly("{\"earlier\":1}", "{\"a\":1}", "{\"a\":2}");
    assertThat(redis().pttl(RedisOutboxStore.attempts(id))).isBetween(1L, RETENTION_MS);
    assertThat(await(store.byProviderMessage(provider, "m-1"))).contains(id);
    assertThat(redis().pttl(RedisOutboxStore.providerMessage(provider, "m-1"))).isBetween(1L, RETENTION_MS);
    assertThat(redis().zscore("gw:{nt}:poll", new Poll(provider, "m-1", NOW).member()))
        .isEqualTo((double) NOW + 60_000);
    assertAcknowledgedAndRemoved(entry);
  }

  @Test
  void aCampaignsMessageCountsItsOutcomeInTheCampaignsDeliveryCountersOnceEvenReplayed() {
    String counts = "gw:{nt}:cp:" + fresh("el") + ":c1";
    redis().hset(record, "cp", counts.substring("gw:{nt}:cp:".length()));
    Entry entry = taken();
    Finish finish = new Finish(entry, "t-1", NOW, "sent", provider, "m-1", "", List.of(), RETENTION_MS, 0);

    await(store.finish(finish));
    await(store.finish(finish));

    assertThat(redis().hgetall(counts)).isEqualTo(Map.of("sent", "1", provider + ":sent", "1"));
    assertThat(redis().pttl(counts)).isBetween(1L, RETENTION_MS);
  }

  @Test
  void aCampaignsMessageThatFailedWithNoProviderCountsUnderDash() {
    String counts = "gw:{nt}:cp:" + fresh("el") + ":c1";
    redis().hset(record, "cp", counts.substring("gw:{nt}:cp:".length()));
    Entry entry = taken();

    await(store.finish(new Finish(entry, "t-1", NOW, "failed", "", "", "every provider failed", List.of(),
        RETENTION_MS, 0)));

    assertThat(redis().hgetall(counts)).isEqualTo(Map.of("failed", "1", "-:failed", "1"));
  }

  @Test
  void aSentMessageWhoseProviderIsNotAskedIsIndexedButNotPolled() {
    Entry entry = taken();

    await(store.finish(new Finish(entry, "t-1", NOW, "sent", provider, "m-1", "", List.of(), RETENTION_MS, 0)));

    assertThat(await(store.byProviderMessage(provider, "m-1"))).contains(id);
    assertThat(redis().zscore("gw:{nt}:poll", new Poll(provider, "m-1", NOW).member())).isNull();
    assertAcknowledgedAndRemoved(entry);
  }

  @Test
  void aFailedSendRecordsWhyAndIsNeitherIndexedNorPolled() {
    Entry entry = taken();

    await(store.finish(new Finish(entry, "t-1", NOW, "failed", "", "", "every provider refused", List.of("{\"a\":1}"),
        RETENTION_MS, NOW + 60_000)));

    assertThat(redis().hgetall(record)).isEqualTo(Map.of("st", "failed", "ch", "sms", "p", "LO", "u",
        Long.toString(NOW), "pr", "", "mid", "", "err", "every provider refused", "fk", "t-1"));
    assertThat(redis().lrange(RedisOutboxStore.attempts(id), 0, -1)).containsExactly("{\"earlier\":1}", "{\"a\":1}");
    assertThat(redis().exists(RedisOutboxStore.providerMessage("", ""))).as("no index of an empty id").isZero();
    assertThat(redis().zscore("gw:{nt}:poll", new Poll("", "", NOW).member())).isNull();
    assertAcknowledgedAndRemoved(entry);
  }

  /**
   * Issue 12, point 2: the client sends a command again after a reconnect when its answer was lost (the
   * outbox's connections let Lettuce do so). The second run, same attempt token, changes nothing: the attempts are listed once, and a delivery report
   * applied in between is not turned back into 'sent'.
   */
  @Test
  void aFinishRunTwiceWithItsAttemptTokenIsAppliedOnce() {
    Entry entry = taken();
    Finish finish = new Finish(entry, "t-1", NOW, "sent", provider, "m-1", "", List.of("{\"a\":1}"), RETENTION_MS,
        NOW + 60_000);
    await(store.finish(finish));
    assertThat(await(store.report(id, NOW + 1, provider, true, "{\"report\":1}"))).isEqualTo(
        fr.sesame.gateway.store.OutboxStore.ReportOutcome.DELIVERED);

    await(store.finish(finish));

    assertThat(redis().hget(record, "st")).isEqualTo("delivered");
    assertThat(redis().lrange(RedisOutboxStore.attempts(id), 0, -1))
        .containsExactly("{\"earlier\":1}", "{\"a\":1}", "{\"report\":1}");
    assertAcknowledgedAndRemoved(entry);
  }
}
