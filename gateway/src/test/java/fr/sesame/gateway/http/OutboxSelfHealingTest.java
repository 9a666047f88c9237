package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.notify.OutboxDispatcher;
import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.gateway.support.LogEvents;
import fr.sesame.gateway.support.RedisProcess;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The outbox heals by itself: after Redis restarted empty (no persistence), or when the consumer group is gone
 * (a failover to a node without it), login codes are sent again within 5 s with nobody's help. Meanwhile
 * readiness is DOWN, and the dispatcher says so once (one WARN per change of state and a metric), not once a
 * poll. Each test has a Redis process of its own, killed with SIGKILL.
 */
class OutboxSelfHealingTest {
  private static final String DISPATCHER = OutboxDispatcher.class.getName();

  static JsonObject loginCode(String to) {
    return new JsonObject().put("channel", "sms").put("to", to).put("template", "login-code")
        .put("data", new JsonObject().put("code", "482913").put("codeSpoken", "4, 8, 2, 9, 1, 3").put("minutes", 5))
        .put("idempotencyKey", UUID.randomUUID().toString());
  }

  private static String sendCode(TestGateway gw) {
    Http.Res accepted = gw.http.post("/v1/notifications", PLATFORM, loginCode(TestGateway.randomPhone()));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    return accepted.json().getString("id");
  }

  private static long lines(LogEvents logs, int from, String lane, java.util.function.Predicate<ILoggingEvent> kind) {
    return logs.events.all().subList(from, logs.events.size()).stream()
        .filter(e -> kind.test(e) && e.getFormattedMessage().contains(lane)).count();
  }

  private static boolean isDown(ILoggingEvent e) {
    return e.getLoggerName().equals(DISPATCHER) && e.getFormattedMessage().contains("cannot read the outbox");
  }

  private static boolean isUp(ILoggingEvent e) {
    return e.getLoggerName().equals(DISPATCHER) && e.getFormattedMessage().contains("reads the outbox again");
  }

  @Test
  void dispatchResumesByItselfWithin5sAfterRedisRestartsEmpty() throws InterruptedException {
    try (RedisProcess redis = RedisProcess.start(); LogEvents logs = new LogEvents();
         TestGateway gw = new TestGateway(1, OutboxConfig.DEFAULTS, null, redis.url())) {
      gw.awaitNotification(sendCode(gw), "sent");
      int from = logs.events.size();
      var back = gw.gateway.everyRedisConnectionBack();

      redis.kill();
      logs.events.awaitFrom(from, OutboxSelfHealingTest::isDown, Duration.ofSeconds(5), "the dispatcher's DOWN line");
      assertThat(gw.http.get("/health/ready", null).status()).as("not ready while the dispatcher cannot read")
          .isEqualTo(503);

      redis.restartEmpty();
      long restarted = System.nanoTime();
      await(back, Duration.ofSeconds(5));
      String id = sendCode(gw);
      assertThat(gw.awaitNotification(id, "sent", "failed").getString("status")).isEqualTo("sent");
      logs.events.awaitFrom(from, OutboxSelfHealingTest::isUp, Duration.ofSeconds(5), "the dispatcher's UP line");
      assertThat(Duration.ofNanos(System.nanoTime() - restarted)).as("a code sent again after the restart")
          .isLessThan(Duration.ofSeconds(5));
      // ready once both dispatchers read again: the bulk one, which no login code wakes, at its next try (a read
      // sent while Redis was away first waits for its 1 s limit)
      long readyBy = restarted + Duration.ofSeconds(5).toNanos();
      while (gw.http.get("/health/ready", null).status() != 200 && System.nanoTime() < readyBy) {
        Thread.sleep(20);
      }
      assertThat(gw.http.get("/health/ready", null).status()).isEqualTo(200);

      // each dispatcher (login codes, bulk) logs one line per change of state, not one per poll: DOWN then UP. One
      // whose held read was answered after the restart within its 1 s limit never went down, and logs nothing
      String metrics = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      for (String lane : new String[] {"(hi)", "(lo)"}) {
        while (lines(logs, from, lane, OutboxSelfHealingTest::isUp) < lines(logs, from, lane, OutboxSelfHealingTest::isDown)
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      metrics = gw.http.get("/metrics", null).body();
      long downs = 0;
      for (String lane : new String[] {"hi", "lo"}) {
        long down = lines(logs, from, "(" + lane + ")", OutboxSelfHealingTest::isDown);
        long up = lines(logs, from, "(" + lane + ")", OutboxSelfHealingTest::isUp);
        assertThat(down).as(lane + ": DOWN lines").isLessThanOrEqualTo(1);
        assertThat(up).as(lane + ": UP lines").isEqualTo(down);
        downs += down;
        if (down > 0) {
          assertThat(metrics)
              .contains("sesame_outbox_dispatcher_changes_total{lane=\"" + lane + "\",state=\"down\"} 1.0")
              .contains("sesame_outbox_dispatcher_changes_total{lane=\"" + lane + "\",state=\"up\"} 2.0");
        }
      }
      assertThat(downs).as("the dispatcher's DOWN line was seen").isGreaterThanOrEqualTo(1);
      assertThat(logs.count(from, DISPATCHER, Level.WARN)).as("no other WARN line of the dispatchers")
          .isEqualTo(2 * downs);
      assertThat(logs.events.all().subList(from, logs.events.size())).as("no ERROR line")
          .noneMatch(e -> e.getLevel() == Level.ERROR);
      assertThat(metrics).contains("sesame_outbox_dispatcher_up 1.0");
    }
  }

  @Test
  void dispatchGoesOnWhenTheConsumerGroupIsGone() {
    try (RedisProcess redis = RedisProcess.start(); LogEvents logs = new LogEvents();
         TestGateway gw = new TestGateway(1, OutboxConfig.DEFAULTS, null, redis.url())) {
      gw.awaitNotification(sendCode(gw), "sent");
      int from = logs.events.size();
      try (var c = TestRedis.connect(redis.url())) {
        // as on a node that never had them (a failover to a replica restarted empty)
        c.sync().xgroupDestroy("gw:{nt}:s:hi", RedisOutboxStore.GROUP);
        c.sync().xgroupDestroy("gw:{nt}:s:lo", RedisOutboxStore.GROUP);
      }
      long gone = System.nanoTime();
      assertThat(gw.awaitNotification(sendCode(gw), "sent", "failed").getString("status")).isEqualTo("sent");
      assertThat(Duration.ofNanos(System.nanoTime() - gone)).isLessThan(Duration.ofSeconds(5));
      assertThat(gw.http.get("/health/ready", null).status()).isEqualTo(200);
      assertThat(logs.events.all().subList(from, logs.events.size())).as("healed without an error line")
          .noneMatch(e -> e.getLevel() == Level.ERROR);
    }
  }
}
