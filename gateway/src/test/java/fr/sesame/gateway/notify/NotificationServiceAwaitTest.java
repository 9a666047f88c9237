package fr.sesame.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link NotificationService#acceptAndAwait} and the signals, on real Redis, without a dispatcher: the test
 * plays the dispatcher through the same signals (it finishes what a wake announced). Whatever the accept
 * does, no wait is left behind.
 */
@ExtendWith(VertxExtension.class)
class NotificationServiceAwaitTest {
  static RedisClient client;
  static StatefulRedisConnection<String, String> connection;

  @BeforeAll
  static void connect() {
    client = RedisClient.create(TestRedis.url());
    connection = client.connect();
  }

  @AfterAll
  static void disconnect() {
    client.shutdown();
  }

  static NotificationService service(RedisAccess redis, OutboxSignals signals) {
    return new NotificationService(new RedisOutboxStore(redis), new TemplateCatalog(),
        new FieldCipher(TestGateway.DATA_KEY), new KeyedHasher(TestGateway.HASH_KEY), new RandomTokens(),
        Clock.systemUTC(), signals, OutboxConfig.DEFAULTS, null, null, null);
  }

  static NotificationService.Request code(String template) {
    // a number of its own: no dispatcher sends these here, the next test gateway to start will
    return new NotificationService.Request(ChannelKind.SMS, TestGateway.randomPhone(), template, "fr",
        Map.of("code", "246810", "codeSpoken", "2, 4, 6, 8, 1, 0", "minutes", "5"), UUID.randomUUID().toString());
  }

  static final ClientInfo CLIENT = new ClientInfo("", "key:platform/test");

  @Test
  void theOutcomeTheDispatcherSignalsIsTheAnswerOnTheCallersContext(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    NotificationService notifications = service(new RedisAccess(connection.async()), signals);
    String id = notifications.newId();
    Context dispatcher = vertx.getOrCreateContext();
    io.vertx.core.Promise<Void> subscribed = io.vertx.core.Promise.promise();
    dispatcher.runOnContext(v -> {
      signals.onWake(() -> signals.finished(id, SendOutcome.failed("rejected: no")));
      subscribed.complete();
    });
    Context api = vertx.getOrCreateContext();
    subscribed.future().onSuccess(s -> api.runOnContext(v -> notifications.acceptAndAwait(id, code("login-code"), CLIENT,
            Duration.ofSeconds(5))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(outcome).isEqualTo(new NotificationService.Outcome(id, "failed", "rejected: no"));
          assertThat(Vertx.currentContext()).isSameAs(api);
          assertThat(signals.waiting()).isZero();
          test.completeNow();
        })))));
  }

  @Test
  void noAnswerWithinTheWaitIsPendingAndLeavesNoWait(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx); // no dispatcher listens
    NotificationService notifications = service(new RedisAccess(connection.async()), signals);
    Context api = vertx.getOrCreateContext();
    String id = notifications.newId();
    api.runOnContext(v -> notifications.acceptAndAwait(id, code("login-code"), CLIENT, Duration.ofMillis(50))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(outcome).isEqualTo(new NotificationService.Outcome(id, "pending", ""));
          assertThat(Vertx.currentContext()).isSameAs(api);
          assertThat(signals.waiting()).isZero();
          test.completeNow();
        }))));
  }

  @Test
  void anAcceptThatFailsLeavesNoWait(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    StatefulRedisConnection<String, String> closed = client.connect();
    closed.close(); // Redis unreachable for this service
    NotificationService notifications = service(new RedisAccess(closed.async()), signals);
    vertx.getOrCreateContext().runOnContext(v -> Future.<NotificationService.Outcome>future(p -> notifications
            .acceptAndAwait(notifications.newId(), code("login-code"), CLIENT, Duration.ofSeconds(5)).onComplete(p))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertThat(signals.waiting()).isZero();
          test.completeNow();
        }))));
  }

  @Test
  void aTemplateTheCatalogueDoesNotKnowLeavesNoWait(Vertx vertx, VertxTestContext test) {
    var signals = new InProcessOutboxSignals(vertx);
    NotificationService notifications = service(new RedisAccess(connection.async()), signals);
    vertx.getOrCreateContext().runOnContext(v -> Future.<NotificationService.Outcome>future(p -> notifications
            .acceptAndAwait(notifications.newId(), code("no-such-template"), CLIENT, Duration.ofSeconds(5))
            .onComplete(p))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertThat(signals.waiting()).isZero();
          test.completeNow();
        }))));
  }
}
