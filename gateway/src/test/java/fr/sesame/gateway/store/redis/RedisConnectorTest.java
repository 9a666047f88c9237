package fr.sesame.gateway.store.redis;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.RedisURI;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each event loop has its own Redis connection, whose socket that loop serves: a command sent from the loop
 * is written and answered there, without waking another thread (docs/benchmarks.md: the gateway's CPU per
 * journey fell by a tenth to a fifth, and the p99 at 1,500 journeys/s from 46 to 11-15 ms). Other threads
 * share one.
 */
class RedisConnectorTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(3));
  private final String role = "test-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  /** What a command sent from {@code loop} answered: the connection's name, and whether it came back there. */
  private record Answer(String connection, boolean sameThread) {}

  private static Answer askFrom(EventLoop loop, RedisConnector redis) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    loop.execute(() -> {
      Thread sender = Thread.currentThread();
      redis.access().commands().clientGetname().whenComplete((name, err) -> {
        if (err != null) {
          answer.completeExceptionally(err);
        } else {
          answer.complete(new Answer(name, Thread.currentThread() == sender));
        }
      });
    });
    return await(answer, Duration.ofSeconds(5));
  }

  private List<String> connectionsInRedis() {
    return List.copyOf(TestRedis.clients("sesame-" + role).keySet());
  }

  @Test
  void eachEventLoopSendsAndReadsItsCommandsOnItsOwnConnectionOtherThreadsShareOne() throws Exception {
    List<EventLoop> loops = RedisConnector.loopsOf(vertx);
    assertThat(loops).as("Vert.x and Lettuce on the same transport").hasSize(3);
    try (RedisConnector redis = RedisConnector.connect(new RedisConfig(TestRedis.url(), false, Duration.ofSeconds(2)),
        role, loops)) {
      assertThat(connectionsInRedis()).containsExactly("sesame-" + role, "sesame-" + role + "-loop0",
          "sesame-" + role + "-loop1", "sesame-" + role + "-loop2");
      long before = redis.commandsSent();
      for (int i = 0; i < loops.size(); i++) {
        assertThat(askFrom(loops.get(i), redis)).isEqualTo(new Answer("sesame-" + role + "-loop" + i, true));
      }
      // a thread that is no event loop (start-up, a worker) uses the shared connection, on Lettuce's thread
      String fromMain = await(redis.access().commands().clientGetname(), Duration.ofSeconds(5));
      assertThat(fromMain).isEqualTo("sesame-" + role);
      assertThat(redis.commandsSent() - before).as("counted over every connection").isEqualTo(4);
    }
    assertThat(connectionsInRedis()).as("all closed").isEmpty();
  }

  @Test
  void withoutLoopsEveryThreadSharesOneConnection() throws Exception {
    try (RedisConnector redis = RedisConnector.connect(new RedisConfig(TestRedis.url(), false, Duration.ofSeconds(2)),
        role, List.of())) {
      assertThat(connectionsInRedis()).containsExactly("sesame-" + role);
      // (its answer is read on Lettuce's thread; a quick one may be seen from the loop, so no check of that)
      assertThat(askFrom(RedisConnector.loopsOf(vertx).get(0), redis).connection()).isEqualTo("sesame-" + role);
    }
  }

  @Test
  void namingAConnectionKeepsTheUrlsSentinelsPasswordAndDatabaseAndAnyNameItGives() {
    RedisURI sentinel = RedisConnector.named("redis-sentinel://:secret@s1:26379,s2:26380/3#votes", "sesame-x");
    assertThat(sentinel.getClientName()).isEqualTo("sesame-x");
    assertThat(sentinel.getSentinelMasterId()).isEqualTo("votes");
    assertThat(sentinel.getSentinels()).extracting(RedisURI::getHost, RedisURI::getPort)
        .containsExactly(tuple("s1", 26379), tuple("s2", 26380));
    assertThat(sentinel.getDatabase()).isEqualTo(3);
    assertThat(sentinel.getCredentialsProvider().resolveCredentials().block().getPassword()).isEqualTo("secret".toCharArray());
    assertThat(RedisConnector.named("redis://h:6379?clientName=ops-chosen", "sesame-x").getClientName())
        .isEqualTo("ops-chosen");
  }
}
