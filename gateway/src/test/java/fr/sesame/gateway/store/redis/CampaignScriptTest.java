package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.CampaignStore;
import fr.sesame.gateway.store.CampaignStore.Claim;
import fr.sesame.gateway.store.CampaignStore.NewCampaign;
import fr.sesame.gateway.store.CampaignStore.Page;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/campaign/*.lua} (start, claim, progress, finish) through {@link RedisCampaignStore}, on the tests'
 * Redis: each {@link CampaignReply}, what each script writes, and that a refusal writes nothing.
 */
class CampaignScriptTest {
  private static final long LEASE = 60_000;
  private static final long KEEP = 90L * 24 * 3_600_000;
  private final RedisCampaignStore store = new RedisCampaignStore(ScriptFixtures.access());
  private final String el = fresh("el");
  private final String lock = RedisKeys.campaignLock(el);

  private CampaignStore.Start start(String id, String token, long now) {
    return await(store.start(new NewCampaign(el, id, token, now, now + LEASE, "email", "", "staff:1", "10.0.0.1",
        KEEP)));
  }

  @Test
  void startRecordsARunningCampaignWithTheRollsSizeAndTakesTheLock() {
    redis().zadd(RedisKeys.rollIndex(el), 0.0, "p1", 0.0, "p2", 0.0, "p3");

    CampaignStore.Start s = start("c1", "t1", NOW);

    assertThat(s.started()).isTrue();
    assertThat(s.rollSize()).isEqualTo(3);
    assertThat(redis().hgetall(lock)).isEqualTo(Map.of("c", "c1", "t", "t1", "u", Long.toString(NOW + LEASE)));
    assertThat(redis().hgetall(RedisKeys.campaign(el, "c1"))).containsEntry("s", "running").containsEntry("ch", "email")
        .containsEntry("co", "").containsEntry("ac", "staff:1").containsEntry("sa", Long.toString(NOW))
        .containsEntry("cur", "").containsEntry("rs", "3").containsEntry("q", "0");
    assertThat(redis().pttl(RedisKeys.campaign(el, "c1"))).isBetween(KEEP - 60_000, KEEP);
    assertThat(await(store.list(el, 10))).containsExactly("c1");
  }

  @Test
  void aSecondStartIsBusyNamingTheRunningCampaignEvenOnceItsLeaseRanOutAndWritesNothing() {
    start("c1", "t1", NOW);

    CampaignStore.Start busy = start("c2", "t2", NOW + 2 * LEASE);

    assertThat(busy.started()).isFalse();
    assertThat(busy.runningId()).isEqualTo("c1");
    assertThat(busy.runningUntilMs()).isEqualTo(NOW + LEASE);
    assertThat(redis().exists(RedisKeys.campaign(el, "c2"))).isZero();
    assertThat(redis().hget(lock, "t")).isEqualTo("t1");
    assertThat(await(store.list(el, 10))).containsExactly("c1");
  }

  @Test
  void progressAddsThePagesCountsMovesTheCursorAndExtendsTheLease() {
    start("c1", "t1", NOW);

    assertThat(await(store.progress(el, "c1", "t1", NOW + 5_000 + LEASE, new Page("p2", 2, 2, 1, 1, 0, 0))))
        .isTrue();
    assertThat(await(store.progress(el, "c1", "t1", NOW + 9_000 + LEASE, new Page("p4", 2, 1, 0, 0, 1, 1))))
        .isTrue();
    assertThat(await(store.progress(el, "c1", "t1", NOW + 10_000 + LEASE, Page.RENEWAL))).isTrue();

    assertThat(redis().hgetall(RedisKeys.campaign(el, "c1"))).containsEntry("cur", "p4").containsEntry("wk", "4")
        .containsEntry("to", "3").containsEntry("q", "1").containsEntry("nc", "1").containsEntry("rf", "1")
        .containsEntry("nr", "1");
    assertThat(redis().hget(lock, "u")).isEqualTo(Long.toString(NOW + 10_000 + LEASE));
  }

  @Test
  void aRunnerWhoseLeaseRanOutIsTakenOverResumesFromTheCursorAndTheFormerOneLosesIt() {
    start("c1", "t1", NOW);
    await(store.progress(el, "c1", "t1", NOW + LEASE, new Page("p2", 2, 2, 2, 0, 0, 0)));

    assertThat(await(store.claim(el, "c1", "t2", NOW + LEASE - 1, NOW + 2 * LEASE, KEEP)).getKey())
        .as("within its lease").isEqualTo(Claim.BUSY);
    Map.Entry<Claim, String> taken = await(store.claim(el, "c1", "t2", NOW + LEASE, NOW + 2 * LEASE, KEEP));

    assertThat(taken).isEqualTo(Map.entry(Claim.TAKEN, "p2"));
    assertThat(redis().hget(lock, "t")).isEqualTo("t2");
    assertThat(await(store.progress(el, "c1", "t1", NOW + 3 * LEASE, new Page("p9", 7, 7, 7, 0, 0, 0))))
        .as("the former runner writes nothing").isFalse();
    assertThat(await(store.finish(el, "c1", "t1", "done", NOW, ""))).isFalse();
    assertThat(redis().hgetall(RedisKeys.campaign(el, "c1"))).containsEntry("cur", "p2").containsEntry("q", "2")
        .containsEntry("s", "running");
  }

  @Test
  void aLockLostInAFailoverIsTakenAgainButOneNowAnothersMarksTheCampaignFailed() {
    start("c1", "t1", NOW);
    redis().del(lock);

    assertThat(await(store.claim(el, "c1", "t2", NOW, NOW + LEASE, KEEP)).getKey()).isEqualTo(Claim.TAKEN);
    redis().hset(lock, Map.of("c", "c9", "t", "t9", "u", Long.toString(NOW + 10 * LEASE)));

    assertThat(await(store.claim(el, "c1", "t3", NOW + 2 * LEASE, NOW + 3 * LEASE, KEEP)).getKey())
        .isEqualTo(Claim.ENDED);
    assertThat(redis().hget(RedisKeys.campaign(el, "c1"), "s")).isEqualTo("failed");
    assertThat(redis().hget(lock, "c")).isEqualTo("c9");
  }

  @Test
  void finishRecordsTheEndReleasesTheLockAndAnEndedCampaignIsNotResumed() {
    start("c1", "t1", NOW);

    assertThat(await(store.finish(el, "c1", "t1", "done", NOW + 1_000, ""))).isTrue();

    assertThat(redis().hgetall(RedisKeys.campaign(el, "c1"))).containsEntry("s", "done")
        .containsEntry("fa", Long.toString(NOW + 1_000)).doesNotContainKey("e");
    assertThat(redis().exists(lock)).isZero();
    assertThat(await(store.claim(el, "c1", "t2", NOW + 2 * LEASE, NOW + 3 * LEASE, KEEP)).getKey())
        .isEqualTo(Claim.ENDED);
    assertThat(redis().exists(lock)).as("nothing taken").isZero();
    assertThat(start("c2", "t2", NOW + 2_000).started()).isTrue();
  }

  @Test
  void theRollIndexIsWalkedInPagesAfterTheCursor() {
    redis().zadd(RedisKeys.rollIndex(el), 0.0, "b", 0.0, "a", 0.0, "d", 0.0, "c");

    assertThat(await(store.rollPage(el, "", 2))).containsExactly("a", "b");
    assertThat(await(store.rollPage(el, "b", 2))).containsExactly("c", "d");
    assertThat(await(store.rollPage(el, "d", 2))).isEmpty();
  }

  @Test
  void activeCampaignsAreListedUntilDeactivated() {
    await(store.activate(el, "c1"));
    assertThat(await(store.active())).contains(Map.entry(el, "c1"));
    await(store.deactivate(el, "c1"));
    assertThat(await(store.active())).doesNotContain(Map.entry(el, "c1"));
  }
}
