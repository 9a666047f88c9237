package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Talks to the test Redis: {@code REDIS_URL}, else a local one. */
class TestRedisTest {
  @Test
  void readUntilReadsOnceThenOncePerChangeOfTheWatchedKeys() throws Exception {
    String key = "tk:{" + UUID.randomUUID() + "}:status";
    TestRedis.sync().hset(key, "st", "queued");
    AtomicInteger reads = new AtomicInteger();
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try {
      String status = TestRedis.readUntil(TestRedis.literal(key), () -> {
        if (reads.incrementAndGet() == 1) { // subscribed by now: the changes come after
          later.schedule(() -> TestRedis.sync().hset(key, "st", "sending"), 100, TimeUnit.MILLISECONDS);
          later.schedule(() -> TestRedis.sync().hset(key, "st", "sent"), 200, TimeUnit.MILLISECONDS);
        }
        return TestRedis.sync().hget(key, "st");
      }, "sent"::equals, Duration.ofSeconds(10), "the status sent");
      assertThat(status).isEqualTo("sent");
      // the first read, then at most one per change (two changes close together may be seen by one read)
      assertThat(reads.get()).isBetween(2, 3);
    } finally {
      later.shutdownNow();
    }
  }

  @Test
  void readUntilFailsAfterItsBoundShowingTheLastRead() {
    String key = "tk:{" + UUID.randomUUID() + "}:never";
    assertThatThrownBy(() -> TestRedis.readUntil(TestRedis.literal(key), () -> "queued", "sent"::equals,
        Duration.ofMillis(200), "the status sent"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("the status sent: not reached within 200 ms and 0 changes")
        .hasMessageEndingWith("last read: queued");
  }

  @Test
  void keyEventsNameTheKeyAndTheCommand() {
    String key = "tk:{" + UUID.randomUUID() + "}:x";
    try (KeyEvents events = TestRedis.keyEvents(TestRedis.literal(key))) {
      TestRedis.sync().set(key, "1");
      TestRedis.sync().del(key);
      assertThat(events.log().await(e -> e.event().equals("del"), Duration.ofSeconds(10), "the del"))
          .isEqualTo(new KeyEvents.Event(key, "del"));
      assertThat(events.log().all()).extracting(KeyEvents.Event::event).containsExactly("set", "del");
    }
  }

  @Test
  void literalEscapesGlobCharacters() {
    assertThat(TestRedis.literal("a*b?c[d]e\\f")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f");
  }

  @Test
  void clientsListsNamedConnections() {
    String name = "testkit-" + UUID.randomUUID().toString().substring(0, 8);
    try (var c = TestRedis.connect(TestRedis.url())) {
      c.sync().clientSetname(name);
      assertThat(TestRedis.clients("testkit-")).containsKey(name);
      assertThat(TestRedis.clients(name).get(name)).containsEntry("name", name).containsKey("id");
    }
  }

  @Test
  void aLocalRedisCanBeStoppedOnPurpose() {
    LocalRedis own = LocalRedis.start();
    try (var c = TestRedis.connect(own.url())) {
      assertThat(c.sync().ping()).isEqualTo("PONG");
      assertThat(c.sync().configGet("hash-max-ziplist-value"))
          .containsEntry("hash-max-ziplist-value", Integer.toString(LocalRedis.HASH_MAX_ZIPLIST_VALUE));
    } finally {
      own.close();
    }
    assertThatThrownBy(() -> TestRedis.connect(own.url())).isInstanceOf(RuntimeException.class);
  }
}
