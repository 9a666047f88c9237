package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.AttemptListener;
import fr.sesame.channels.Message;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.EventLog;
import fr.sesame.testkit.Http;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Leases: a live dispatcher renews the entries it is sending, so a send longer than the lease (5 s, recovery
 * every second) is neither taken over by another instance nor by its own recovery: sent once. Two gateways
 * share the Redis; their provider takes 7 s for the one recipient of the test and records every send.
 */
class OutboxLeaseTest {
  static final OutboxConfig LEASE_5S = new OutboxConfig(256, 0.25, Duration.ofMillis(20), Duration.ofSeconds(5),
      Duration.ofSeconds(1), Duration.ofHours(48), Duration.ofDays(90), Duration.ofHours(1));
  static final String SLOW = "+33699" + (100_000 + (int) (Math.random() * 800_000));
  static final EventLog<String> sends = new EventLog<>();
  static TestGateway a;
  static TestGateway b;

  /** The dev outbox, but {@link #SLOW} takes 7 s; every send is recorded in {@link #sends} (both gateways). */
  static Notifier slowFor(Vertx vertx) {
    DevOutbox inner = new DevOutbox(Clock.systemUTC(), 1000);
    return new Notifier() {
      @Override
      public Future<Receipt> send(Message message, AttemptListener attempts, Set<String> exclude) {
        return attempts.starting(DevOutbox.PROVIDER).compose(v -> {
          sends.add(message.to());
          if (!message.to().equals(SLOW)) {
            return inner.send(message, attempts, exclude);
          }
          Promise<Receipt> p = Promise.promise();
          vertx.setTimer(7_000, t -> inner.send(message, attempts, exclude).onComplete(p));
          return p.future();
        });
      }

      @Override
      public List<String> chain(fr.sesame.channels.ChannelKind channel) {
        return List.of(DevOutbox.PROVIDER);
      }
    };
  }

  @BeforeAll
  static void start() {
    a = new TestGateway(1, LEASE_5S, (vertx, registry) -> slowFor(vertx));
    b = new TestGateway(1, LEASE_5S, (vertx, registry) -> slowFor(vertx));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
  }

  @Test
  void aSendLongerThanTheLeaseIsNotTakenOverWhileItsDispatcherLives() {
    JsonObject body = new JsonObject().put("channel", "sms").put("to", SLOW).put("template", "login-code")
        .put("data", new JsonObject().put("code", "482913").put("codeSpoken", "4, 8, 2, 9, 1, 3").put("minutes", 5))
        .put("idempotencyKey", UUID.randomUUID().toString());
    Http.Res accepted = a.http.post("/v1/notifications", PLATFORM, body);
    assertThat(accepted.status()).isEqualTo(202);

    JsonObject status = a.awaitNotification(accepted.json().getString("id"), "sent", "failed");
    assertThat(status.getString("status")).isEqualTo("sent");
    assertThat(status.getJsonArray("attempts")).as("one attempt, not interrupted").hasSize(1);
    assertThat(status.containsKey("possibleDuplicate")).isFalse();
    assertThat(sends.all()).as("sent once, though it took longer than the lease").containsOnlyOnce(SLOW);
  }
}
