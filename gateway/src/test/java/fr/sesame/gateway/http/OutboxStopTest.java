package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.support.LogEvents;
import fr.sesame.gateway.support.RedisProcess;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Closing a gateway mid-drain stops its outbox cleanly: once bulk sends are held (the close's first step) the
 * dispatcher takes no new one, the sends in flight record their outcomes before Redis closes, no line at WARN or above
 * comes from the gateway's code during or after the close, and a second stop is harmless.
 */
class OutboxStopTest {
  static final java.util.concurrent.atomic.AtomicInteger sends = new java.util.concurrent.atomic.AtomicInteger();
  static final java.util.concurrent.atomic.AtomicInteger startedWhileClosing = new java.util.concurrent.atomic.AtomicInteger();
  static volatile boolean closing;

  static fr.sesame.channels.Notifier slow(io.vertx.core.Vertx vertx) {
    var inner = new fr.sesame.channels.dev.DevOutbox(java.time.Clock.systemUTC(), 1000);
    return (message, attempts, exclude) -> {
      io.vertx.core.Promise<fr.sesame.channels.Receipt> p = io.vertx.core.Promise.promise();
      if (closing) {
        startedWhileClosing.incrementAndGet();
      }
      vertx.setTimer(1_000, t -> {
        sends.incrementAndGet();
        inner.send(message, attempts, exclude).onComplete(p);
      });
      return p.future();
    };
  }

  @Test
  void closingMidDrainLogsNothingAndStopIsIdempotent() throws InterruptedException {
    try (RedisProcess redis = RedisProcess.start(); LogEvents logs = new LogEvents()) {
      // every send takes 1 s: sends are in flight when the gateway closes, and the drain lasts about 8 s
      TestGateway gw = new TestGateway(1, OutboxConfig.DEFAULTS, (vertx, registry) -> slow(vertx), redis.url());
      List<Future<Http.Res>> calls = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        JsonObject body = new JsonObject().put("channel", "email").put("to", "stop" + i + "@close.test")
            .put("template", "access-codes").put("idempotencyKey", UUID.randomUUID().toString())
            .put("data", new JsonObject().put("electionName", "CA 2026").put("identifier", "v" + i)
                .put("url", "https://vote.example"));
        calls.add(gw.http.async(HttpMethod.POST, "/v1/notifications", PLATFORM, "application/json",
            Buffer.buffer(body.encode())));
      }
      gw.http.parallel(calls);
      int from = logs.events.size();
      assertThat(sends.get()).as("closing mid-drain").isLessThan(500);

      // what a close does first: bulk sends held. The entries the dispatcher had already taken reach the provider a
      // round trip later and end within 1 s; after that no bulk send starts (without the hold one starts as each
      // ends: 64 in flight, 1 s each)
      gw.gateway.outbox().holdBulk();
      closing = true;
      Thread.sleep(1_500);
      int settled = startedWhileClosing.get();
      Thread.sleep(1_500);
      assertThat(startedWhileClosing.get()).as("no send taken once bulk sends are held").isEqualTo(settled);
      gw.close();
      try (var c = fr.sesame.testkit.TestRedis.connect(redis.url())) {
        assertThat(c.sync().keys("gw:{nt}:n:*")).as("every send in flight at the close recorded its outcome")
            .allSatisfy(k -> assertThat(c.sync().hget(k, "st")).as(k).isNotEqualTo("sending"));
      }
      // the outbox was stopped by the close; stopping again answers at once (its context is gone)
      assertThat(gw.gateway.outbox().stop().isComplete()).isTrue();
      assertThat(logs.events.all().subList(from, logs.events.size()))
          .as("no warning or error from the gateway while and after closing")
          .noneMatch(e -> e.getLoggerName().startsWith("fr.sesame") && e.getLevel().isGreaterOrEqual(Level.WARN));
    }
  }
}
