package fr.sesame.gateway.audit;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.store.redis.RedisAuditStore;
import fr.sesame.gateway.store.redis.RedisConnector;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A trail that several threads share (the notification service's, used by every HTTP event loop) keeps
 * intact chains: each thread writes its own chain, in the order of its own connection.
 */
class SharedAuditTrailTest {
  @Test
  void eventsRecordedFromSeveralEventLoopsAtOnceAllLandInIntactChains() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(4));
    List<EventLoop> loops = RedisConnector.loopsOf(vertx);
    try (RedisConnector redis = RedisConnector.connect(new RedisConfig(TestRedis.url(), false, Duration.ofSeconds(5)),
        "audit-test", loops)) {
      RedisAuditStore store = new RedisAuditStore(redis.access());
      ChainedAuditTrail shared = new ChainedAuditTrail(store);
      String election = TestGateway.newElectionId();
      int perLoop = 300;
      List<CompletableFuture<Void>> all = new ArrayList<>();
      List<EventExecutor> threads = new ArrayList<>();
      ((VertxInternal) vertx).nettyEventLoopGroup().forEach(threads::add); // each records at once
      for (EventExecutor loop : threads) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        all.add(done);
        Runnable burst = () -> {
          List<Future<Void>> written = new ArrayList<>();
          for (int i = 0; i < perLoop; i++) {
            written.add(shared.record(election, List.of(AuditEvent.of(Instant.now(), "test.event", "test", "127.0.0.1",
                "ok", "n", i))));
          }
          Future.all(written).onComplete(r -> {
            if (r.succeeded()) {
              done.complete(null);
            } else {
              done.completeExceptionally(r.cause());
            }
          });
        };
        loop.execute(burst);
      }
      await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
      AuditVerifier.Verdict verdict = await(new AuditVerifier(store).verify(election));
      assertThat(verdict.brokenAt()).isNull();
      assertThat(verdict.valid()).isTrue();
      assertThat(verdict.events()).isEqualTo((long) perLoop * threads.size());
    } finally {
      await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  /**
   * Group commit: what one event loop records for one election in one turn goes to Redis in one append (under load,
   * the requests answered by one read of the loop's connection), and every caller's events are in the chain.
   * Without it, 200 records are 200 appends.
   */
  @Test
  void theRecordsOfOneLoopTurnShareOneAppend() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(2));
    List<EventLoop> loops = RedisConnector.loopsOf(vertx);
    try (RedisConnector redis = RedisConnector.connect(new RedisConfig(TestRedis.url(), false, Duration.ofSeconds(5)),
        "audit-group-test", loops)) {
      RedisAuditStore store = new RedisAuditStore(redis.access());
      ChainedAuditTrail trail = new ChainedAuditTrail(store);
      String election = TestGateway.newElectionId();
      io.vertx.core.Context context = vertx.getOrCreateContext();
      // a first record loads the script: not counted
      CompletableFuture<Void> warm = new CompletableFuture<>();
      context.runOnContext(v -> trail.record(election, List.of(AuditEvent.of(Instant.now(), "test.event", "test",
          "127.0.0.1", "ok"))).onComplete(r -> warm.complete(null)));
      await(warm);
      long before = redis.commandsSent();
      int records = 200;
      CompletableFuture<Integer> turn = new CompletableFuture<>();
      context.runOnContext(v -> {
        List<Future<Void>> written = new ArrayList<>();
        for (int i = 0; i < records; i++) {
          written.add(trail.record(election, List.of(AuditEvent.of(Instant.now(), "test.event", "test", "127.0.0.1",
              "ok", "n", i), AuditEvent.of(Instant.now(), "test.second", "test", "127.0.0.1", "ok"))));
        }
        Future.all(written).onComplete(r -> {
          if (r.succeeded()) {
            turn.complete(written.size());
          } else {
            turn.completeExceptionally(r.cause());
          }
        });
      });
      assertThat(await(turn)).isEqualTo(records);
      assertThat(redis.commandsSent() - before).as("Redis commands for %d records made in one loop turn", records)
          .isEqualTo(1);
      AuditVerifier.Verdict verdict = await(new AuditVerifier(store).verify(election));
      assertThat(verdict.brokenAt()).isNull();
      assertThat(verdict.valid()).isTrue();
      assertThat(verdict.events()).isEqualTo(1 + 2L * records);
    } finally {
      await(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
