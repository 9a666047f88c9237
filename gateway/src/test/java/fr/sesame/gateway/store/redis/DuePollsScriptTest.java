package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.OutboxStore.Poll;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/outbox/due_polls.lua} through {@link RedisOutboxStore#duePolls}, on the tests' Redis. It has no
 * reply code: it returns the due members, leased. The times here are tiny (ms since the epoch), before any
 * poll another test leaves, and each test removes its own members after it.
 */
class DuePollsScriptTest {
  private static final String POLLS = "gw:{nt}:poll";

  private final RedisOutboxStore store = new RedisOutboxStore(ScriptFixtures.access());
  private final String provider = fresh("prov");
  private final Poll early = new Poll(provider, "m-1", 10);
  private final Poll middle = new Poll(provider, "m-2", 10);
  private final Poll late = new Poll(provider, "m-3", 10);

  @AfterEach
  void removeThem() {
    redis().zrem(POLLS, early.member(), middle.member(), late.member());
  }

  private void due(Poll p, long atMs) {
    redis().zadd(POLLS, (double) atMs, p.member());
  }

  private List<Poll> ours(List<Poll> polls) {
    return polls.stream().filter(p -> p.provider().equals(provider)).toList();
  }

  @Test
  void theDueOnesAreLeasedSoNoOtherDispatcherAsksMeanwhileAndAreDueAgainWhenTheLeaseEnds() {
    due(early, 100);
    due(middle, 200);
    due(late, 900);

    assertThat(ours(await(store.duePolls(500, 1_000, 10)))).containsExactly(early, middle);
    assertThat(redis().zscore(POLLS, early.member())).isEqualTo(1_500.0);
    assertThat(redis().zscore(POLLS, middle.member())).isEqualTo(1_500.0);
    assertThat(redis().zscore(POLLS, late.member())).as("not due: untouched").isEqualTo(900.0);

    assertThat(ours(await(store.duePolls(600, 1_000, 10)))).as("leased").isEmpty();
    assertThat(ours(await(store.duePolls(1_000, 1_000, 10)))).containsExactly(late);
    assertThat(ours(await(store.duePolls(1_500, 1_000, 10)))).as("the lease is over")
        .containsExactly(early, middle);
  }

  @Test
  void atMostCountAreTakenTheEarliestFirst() {
    due(early, 30);
    due(middle, 20);
    due(late, 40);

    assertThat(ours(await(store.duePolls(50, 1_000, 2)))).containsExactly(middle, early);
    assertThat(redis().zscore(POLLS, late.member())).isEqualTo(40.0);
  }

  @Test
  void nothingDueIsAnEmptyListAndChangesNothing() {
    due(early, 5_000);

    assertThat(ours(await(store.duePolls(4_999, 1_000, 10)))).isEmpty();
    assertThat(redis().zscore(POLLS, early.member())).isEqualTo(5_000.0);
  }
}
