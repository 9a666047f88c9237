package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.AttemptListener;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The outbox's two lanes run apart: the bulk lane's work cannot hold a login code. Here every bulk email's send
 * holds its thread for a second (as a provider's blocking SDK call would: the worst a bulk send can do to the
 * event loop it runs on); a login code posted meanwhile still reaches the provider at once, since the interactive
 * dispatcher reads, sends and records on an event loop and a Redis connection of its own. With one dispatcher for
 * both lanes (before 2026-11-30) the code waited for the loop: seconds.
 */
class OutboxLanesTest {
  private static final long HOLD_MS = 1_000;

  @Test
  void aLoginCodeIsSentWhileTheBulkLanesEventLoopIsHeld() throws Exception {
    CountDownLatch bulkStarted = new CountDownLatch(1);
    AtomicReference<String> bulkThread = new AtomicReference<>();
    AtomicReference<String> codeThread = new AtomicReference<>();
    DevOutbox real = new DevOutbox(java.time.Clock.systemUTC(), 1_000);
    Notifier holding = new Notifier() {
      @Override
      public Future<Receipt> send(Message message, AttemptListener attempts, Set<String> exclude) {
        if (message.kind() == ChannelKind.EMAIL) {
          bulkThread.set(Thread.currentThread().getName());
          bulkStarted.countDown();
          try {
            Thread.sleep(HOLD_MS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        } else {
          codeThread.set(Thread.currentThread().getName());
        }
        return real.send(message, attempts, exclude);
      }

      @Override
      public java.util.List<String> chain(ChannelKind kind) {
        return real.chain(kind);
      }
    };
    try (TestGateway gw = new TestGateway(1, OutboxConfig.DEFAULTS, (vertx, registry) -> holding)) {
      for (int i = 0; i < 3; i++) { // three seconds of a held bulk loop, one email after the other
        Http.Res accepted = gw.http.post("/v1/notifications", PLATFORM, new JsonObject().put("channel", "email")
            .put("to", "voter" + i + "@campaign.test").put("template", "access-codes")
            .put("idempotencyKey", UUID.randomUUID().toString()).put("data", new JsonObject()
                .put("electionName", "CA 2026").put("identifier", "v" + i).put("url", "https://vote.example")));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
      }
      assertThat(bulkStarted.await(10, TimeUnit.SECONDS)).as("a bulk send began").isTrue();

      String to = TestGateway.randomPhone();
      long posted = System.nanoTime();
      Http.Res code = gw.http.post("/v1/notifications", PLATFORM, new JsonObject().put("channel", "sms").put("to", to)
          .put("template", "login-code").put("idempotencyKey", UUID.randomUUID().toString()).put("data",
              new JsonObject().put("code", "135790").put("codeSpoken", "1, 3, 5, 7, 9, 0").put("minutes", 5)));
      assertThat(code.status()).as(code.body()).isEqualTo(202);
      gw.awaitNotification(code.json().getString("id"), "sent");
      Duration took = Duration.ofNanos(System.nanoTime() - posted);

      assertThat(real.list(to)).hasSize(1);
      assertThat(codeThread.get()).as("login codes are sent from another event loop than bulk messages")
          .isNotEqualTo(bulkThread.get());
      // the bulk loop is held for 3 s from about when the code is posted: a code that waited for it would take
      // at least the rest of the first second
      assertThat(took).as("the login code's send, while the bulk lane's loop is held")
          .isLessThan(Duration.ofMillis(HOLD_MS / 2));
    }
  }

  /**
   * The bulk lane yields to login codes piling up: while {@code BULK_YIELDS_AT} (32) codes or more are being sent (here
   * the SMS provider holds them, as a cold or slow one does), no campaign email starts, so the codes get the cores;
   * once they are sent, the emails go. Without the yield the emails go at once.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "idle poll {0} ms")
  @org.junit.jupiter.params.provider.ValueSource(longs = {20, 3_600_000})
  void campaignEmailsWaitWhileLoginCodesPileUp(long idlePollMs) throws Exception {
    // with an hour's idle poll, only the yield's own recheck brings the bulk dispatcher back: no login code wakes
    // it, and it has no send of its own in flight (the dispatch benchmark's campaign stopped for good without it)
    OutboxConfig config = new OutboxConfig(256, 0.25, java.time.Duration.ofMillis(idlePollMs),
        OutboxConfig.DEFAULTS.recoverAfter(), OutboxConfig.DEFAULTS.recoverEvery(),
        OutboxConfig.DEFAULTS.contentRetention(), OutboxConfig.DEFAULTS.recordRetention(),
        OutboxConfig.DEFAULTS.purgeEvery());
    java.util.List<io.vertx.core.Promise<Void>> heldCodes = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch allHeld = new CountDownLatch(40);
    java.util.concurrent.atomic.AtomicInteger emailsStarted = new java.util.concurrent.atomic.AtomicInteger();
    DevOutbox real = new DevOutbox(java.time.Clock.systemUTC(), 1_000);
    Notifier holding = new Notifier() {
      @Override
      public Future<Receipt> send(Message message, AttemptListener attempts, Set<String> exclude) {
        if (message.kind() == ChannelKind.EMAIL) {
          emailsStarted.incrementAndGet();
          return real.send(message, attempts, exclude);
        }
        io.vertx.core.Promise<Void> release = io.vertx.core.Promise.promise();
        heldCodes.add(release);
        allHeld.countDown();
        return release.future().compose(v -> real.send(message, attempts, exclude));
      }

      @Override
      public java.util.List<String> chain(ChannelKind kind) {
        return real.chain(kind);
      }
    };
    try (TestGateway gw = new TestGateway(1, config, (vertx, registry) -> holding)) {
      java.util.List<String> codes = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        Http.Res code = gw.http.post("/v1/notifications", PLATFORM, new JsonObject().put("channel", "sms")
            .put("to", TestGateway.randomPhone()).put("template", "login-code")
            .put("idempotencyKey", UUID.randomUUID().toString()).put("data", new JsonObject().put("code", "135790")
                .put("codeSpoken", "1, 3, 5, 7, 9, 0").put("minutes", 5)));
        assertThat(code.status()).as(code.body()).isEqualTo(202);
        codes.add(code.json().getString("id"));
      }
      assertThat(allHeld.await(10, TimeUnit.SECONDS)).as("40 codes reached the provider").isTrue();
      assertThat(heldCodes).as("the codes being sent, held by the provider").hasSize(40);

      java.util.List<String> emails = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Http.Res accepted = gw.http.post("/v1/notifications", PLATFORM, new JsonObject().put("channel", "email")
            .put("to", "voter" + i + "@campaign.test").put("template", "access-codes")
            .put("idempotencyKey", UUID.randomUUID().toString()).put("data", new JsonObject()
                .put("electionName", "CA 2026").put("identifier", "v" + i).put("url", "https://vote.example")));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        emails.add(accepted.json().getString("id"));
      }
      // a window for what must not happen: the bulk dispatcher polls every 20 ms and is woken by each accept
      Thread.sleep(500);
      assertThat(emailsStarted.get()).as("campaign emails started while 40 login codes are being sent").isZero();

      heldCodes.forEach(p -> gw.gateway.vertx().runOnContext(v -> p.tryComplete()));
      for (String id : codes) {
        gw.awaitNotification(id, "sent");
      }
      for (String id : emails) {
        gw.awaitNotification(id, "sent");
      }
      assertThat(emailsStarted.get()).isEqualTo(5);
    }
  }
}
