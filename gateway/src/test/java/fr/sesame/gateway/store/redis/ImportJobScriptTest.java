package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.domain.ImportJob;
import fr.sesame.gateway.domain.ImportJob.Counts;
import fr.sesame.gateway.store.ImportJobStore.Lease;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/roll/*.lua} (lock, renew, unlock, begin, progress, finish) through {@link RedisImportJobStore}, on
 * the tests' Redis: each {@link ImportLockReply}, what each script writes, and what it leaves alone.
 */
class ImportJobScriptTest {
  private static final long LEASE = 60_000;
  private static final long KEEP = 7L * 24 * 3_600_000;
  private final RedisImportJobStore store = new RedisImportJobStore(ScriptFixtures.access());
  private final String el = fresh("el");
  private final String lock = RedisKeys.importLock(el);

  @Test
  void aFreeLockIsTakenForItsLeaseAndCollectedOnlyAfterIt() {
    assertThat(await(store.lock(el, "a", NOW, NOW + LEASE))).isEmpty();

    assertThat(redis().hgetall(lock)).isEqualTo(Map.of("t", "a", "u", Long.toString(NOW + LEASE), "j", "0"));
    assertThat(redis().pttl(lock)).as("twice the lease: the TTL only collects").isBetween(LEASE + 1, 2 * LEASE);
    assertThat(await(store.lease(el))).contains(new Lease("a", false, NOW + LEASE));
  }

  @Test
  void aLockHeldWithinItsLeaseIsBusyAndNamesItsJobOnceRecorded() {
    await(store.lock(el, "a", NOW, NOW + LEASE));

    assertThat(await(store.lock(el, "b", NOW + 1_000, NOW + 1_000 + LEASE))).contains("");
    assertThat(await(store.begin(el, "a", NOW, KEEP))).isTrue();
    assertThat(await(store.lock(el, "b", NOW + LEASE - 1, NOW + 2 * LEASE))).contains("a");
    assertThat(redis().hget(lock, "t")).isEqualTo("a");
    assertThat(await(store.lock(el, "a", NOW + 2_000, NOW + 2_000 + LEASE))).as("its own holder again").isEmpty();
  }

  @Test
  void aLockWhoseLeaseRanOutIsTakenOverAndItsHolderLosesIt() {
    await(store.lock(el, "a", NOW, NOW + LEASE));
    await(store.begin(el, "a", NOW, KEEP));

    assertThat(await(store.lock(el, "b", NOW + LEASE, NOW + 2 * LEASE))).isEmpty();

    assertThat(redis().hgetall(lock)).isEqualTo(Map.of("t", "b", "u", Long.toString(NOW + 2 * LEASE), "j", "0"));
    assertThat(await(store.renew(el, "a", NOW + LEASE, NOW + 2 * LEASE))).isFalse();
    assertThat(await(store.begin(el, "a", NOW + LEASE, KEEP))).isFalse();
    await(store.unlock(el, "a"));
    assertThat(redis().hget(lock, "t")).as("not another's to release").isEqualTo("b");
  }

  @Test
  void renewalExtendsItsOwnLease() {
    await(store.lock(el, "a", NOW, NOW + LEASE));

    assertThat(await(store.renew(el, "a", NOW + 15_000, NOW + 15_000 + LEASE))).isTrue();

    assertThat(redis().hget(lock, "u")).isEqualTo(Long.toString(NOW + 15_000 + LEASE));
    assertThat(await(store.lock(el, "b", NOW + LEASE + 1, NOW + 2 * LEASE))).as("still within the new lease")
        .contains("");
  }

  @Test
  void unlockReleasesItsOwnLock() {
    await(store.lock(el, "a", NOW, NOW + LEASE));

    await(store.unlock(el, "a"));

    assertThat(redis().exists(lock)).isZero();
    assertThat(await(store.lease(el))).isEmpty();
  }

  @Test
  void beginRecordsARunningJobKeptForItsTime() {
    await(store.lock(el, "a", NOW, NOW + LEASE));

    assertThat(await(store.begin(el, "a", NOW, KEEP))).isTrue();

    assertThat(redis().hgetall(RedisKeys.importJob(el, "a"))).isEqualTo(Map.of("s", "running",
        "sa", Long.toString(NOW), "lr", "0", "im", "0", "cr", "0", "rj", "0", "un", "0"));
    assertThat(redis().pttl(RedisKeys.importJob(el, "a"))).isBetween(KEEP - 60_000, KEEP);
    assertThat(redis().hget(lock, "j")).isEqualTo("1");
    assertThat(await(store.find(el, "a"))).contains(new ImportJob("a", el, ImportJob.Status.RUNNING, Counts.NONE,
        Instant.ofEpochMilli(NOW), null, null, null));
    assertThat(await(store.find(el, "b"))).isEmpty();
  }

  @Test
  void progressWritesTheCountsAndAppendsTheLinesWhileTheJobRuns() {
    await(store.lock(el, "a", NOW, NOW + LEASE));
    await(store.begin(el, "a", NOW, KEEP));

    await(store.progress(el, "a", new Counts(501, 500, 400, 0, 3), "2,v1,created,\r\n", KEEP));
    await(store.progress(el, "a", new Counts(2_501, 500, 400, 2_000, 3), "", KEEP));
    await(store.progress(el, "a", new Counts(3_001, 1_000, 900, 2_000, 3), "3,v2,updated,\r\n", KEEP));

    assertThat(await(store.find(el, "a")).orElseThrow().counts()).isEqualTo(new Counts(3_001, 1_000, 900, 2_000, 3));
    assertThat(await(store.lineReport(el, "a", 0, 10))).containsExactly("2,v1,created,\r\n", "3,v2,updated,\r\n");
    assertThat(await(store.lineReport(el, "a", 1, 10))).containsExactly("3,v2,updated,\r\n");
    assertThat(redis().pttl(RedisKeys.importLines(el, "a"))).isBetween(KEEP - 60_000, KEEP);
  }

  @Test
  void finishRecordsTheEndAndReleasesTheJobsLockAtOnceAndTwiceTheSame() {
    await(store.lock(el, "a", NOW, NOW + LEASE));
    await(store.begin(el, "a", NOW, KEEP));
    await(store.progress(el, "a", new Counts(10, 9, 9, 0, 0), "2,v1,created,\r\n", KEEP));
    JsonObject report = new JsonObject().put("imported", 9);
    ImportJob done = new ImportJob("a", el, ImportJob.Status.DONE, new Counts(12, 11, 10, 1, 0),
        Instant.ofEpochMilli(NOW), Instant.ofEpochMilli(NOW + 5_000), report, null);

    await(store.finish(done, KEEP));
    await(store.finish(done, KEEP));

    assertThat(await(store.find(el, "a"))).contains(done);
    assertThat(redis().exists(lock)).isZero();
    // a late progress changes nothing
    await(store.progress(el, "a", new Counts(99, 99, 99, 0, 0), "3,v2,created,\r\n", KEEP));
    assertThat(await(store.find(el, "a"))).contains(done);
    assertThat(await(store.lineReport(el, "a", 0, 10))).containsExactly("2,v1,created,\r\n");
  }

  @Test
  void aFailedJobKeepsItsErrorAndLeavesAnotherImportsLock() {
    await(store.lock(el, "a", NOW, NOW + LEASE));
    await(store.begin(el, "a", NOW, KEEP));
    await(store.lock(el, "b", NOW + LEASE, NOW + 2 * LEASE)); // a's lease ran out: b took over
    JsonObject error = new JsonObject().put("type", "/problems/validation-failed").put("title", "t")
        .put("detail", "line 3 is longer than 8192 bytes");
    ImportJob failed = new ImportJob("a", el, ImportJob.Status.FAILED, Counts.NONE, Instant.ofEpochMilli(NOW),
        Instant.ofEpochMilli(NOW + LEASE), null, error);

    await(store.finish(failed, KEEP));

    assertThat(await(store.find(el, "a"))).contains(failed);
    assertThat(redis().hget(lock, "t")).isEqualTo("b");
    assertThat(await(store.lineReport(el, "a", 0, 10))).isEqualTo(List.of());
    assertThat(await(store.lease(el)).map(Lease::token)).isEqualTo(Optional.of("b"));
  }
}
