package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.LocalRedis;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A credential campaign whose gateway stops half-way is resumed by another gateway from its cursor once its lease
 * has run out, and every voter gets the access information exactly once. The first gateway's provider never
 * answers, so its campaign stops, ahead of the outbox, part-way through a 3,000-voter roll (deterministically);
 * it is then stopped with messages still in flight, which the second gateway's outbox takes over.
 */
class CampaignTakeoverTest {
  private static final int VOTERS = 3_000;

  /** A provider that takes messages and never answers. */
  private static final class BlackHole implements Notifier {
    @Override
    public io.vertx.core.Future<Receipt> send(fr.sesame.channels.Message message,
                                              fr.sesame.channels.AttemptListener attempts, java.util.Set<String> exclude) {
      return Promise.<Receipt>promise().future();
    }

    @Override
    public List<String> chain(ChannelKind channel) {
      return List.of(DevOutbox.PROVIDER);
    }
  }

  private static String roll() {
    StringBuilder csv = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < VOTERS; i++) {
      csv.append("v").append(i).append(",etudiants,Nom,Prénom,2001-01-01,v").append(i)
          .append("@univ-test.fr,,").append(String.format("2023%04d", i)).append('\n');
    }
    return csv.toString();
  }

  private static JsonObject campaign(TestGateway gw, String el, String id) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/campaigns/" + id, TestGateway.ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aCampaignWhoseGatewayStoppedIsResumedElsewhereFromItsCursorAndNobodyGetsTwo() throws Exception {
    try (LocalRedis redis = LocalRedis.start()) {
      // the second gateway starts only once the first has stopped: running beside it, its outbox would send the
      // first one's messages (one Redis, one outbox), and the campaign would never be held back
      TestGateway first = new TestGateway(2, OutboxConfig.DEFAULTS, (vertx, registry) -> new BlackHole(),
          redis.url());
      String el;
      String id;
      long walkedBefore;
      try {
        el = TestGateway.newElectionId();
        assertThat(first.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
                first.clock.instant().minus(Duration.ofDays(1)), first.clock.instant().plus(Duration.ofDays(10)))
            .put("platformUrl", "https://vote.univ-test.fr")).status()).isEqualTo(201);
        Http.Res imported = first.importRoll(el, roll());
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        Http.Res started = first.http.post("/v1/admin/elections/" + el + "/campaigns", TestGateway.ADMIN,
            new JsonObject().put("channel", "email"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        id = started.json().getString("campaignId");
        // it goes on until it is 2,000 messages ahead of an outbox that sends nothing, then waits
        JsonObject c = campaign(first, el, id);
        for (int i = 0; i < 200 && c.getLong("queued") < 2_000; i++) {
          Thread.sleep(50);
          c = campaign(first, el, id);
        }
        Thread.sleep(300);
        c = campaign(first, el, id);
        assertThat(c.getLong("queued")).as(c.encode()).isBetween(2_000L, (long) VOTERS - 1);
        walkedBefore = c.getLong("walked");
        assertThat(c.getString("status")).isEqualTo("running");
      } finally {
        first.close(); // its runner stops; its lease is left to run out
      }
      try (TestGateway second = new TestGateway(2, OutboxConfig.DEFAULTS, null, redis.url())) {
        resumedElsewhere(second, el, id, walkedBefore);
      }
    }
  }

  private static void resumedElsewhere(TestGateway second, String el, String id, long walkedBefore) throws Exception {
    assertThat(second.http.post("/v1/admin/elections/" + el + "/campaigns", TestGateway.ADMIN,
        new JsonObject().put("channel", "sms")).status()).as("still one at a time").isEqualTo(409);
    assertThat(second.gateway.campaigns().resumeStalled().toCompletionStage().toCompletableFuture().get())
        .as("within the stopped runner's lease").isZero();
    second.clock.advance(Duration.ofSeconds(61));
    assertThat(campaign(second, el, id).getBoolean("stalled")).isTrue();
    assertThat(second.gateway.campaigns().resumeStalled().toCompletionStage().toCompletableFuture().get())
        .isEqualTo(1);

    JsonObject done = campaign(second, el, id);
    for (int i = 0; i < 1_200 && !("done".equals(done.getString("status")) && done.getLong("waiting") == 0
        && done.getLong("sent") == VOTERS); i++) {
      Thread.sleep(50);
      done = campaign(second, el, id);
    }
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("done");
    assertThat(done.getLong("walked")).isEqualTo(VOTERS).isGreaterThan(walkedBefore);
    assertThat(done.getLong("queued")).as("each voter counted once: resumed from its cursor").isEqualTo(VOTERS);
    assertThat(done.getLong("sent")).isEqualTo(VOTERS);
    for (int i = 0; i < VOTERS; i++) {
      assertThat(second.outbox.list("v" + i + "@univ-test.fr")).as("v" + i).hasSize(1);
    }
  }
}
