package fr.sesame.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.gateway.support.Http;
import fr.sesame.gateway.support.TestRedis;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Taking a message records the provider it goes to first, before any call, so that a dispatcher that dies
 * mid-send never has it sent there twice. No gateway runs here: no dispatcher takes the message meanwhile.
 */
class OutboxBeginTest {
  static RedisClient client;
  static RedisOutboxStore store;

  @BeforeAll
  static void start() {
    client = RedisClient.create(TestRedis.url());
    store = new RedisOutboxStore(new RedisAccess(client.connect().async()));
  }

  @AfterAll
  static void stop() {
    client.shutdown();
  }

  @Test
  void takingAMessageRecordsItsFirstProviderUnlessExcludedSoACrashExcludesIt() {
    String id = UUID.randomUUID().toString();
    Http.await(store.accept(new OutboxStore.NewNotification(id, 1_000, "sms", "login-code", "fr",
        OutboxStore.Lane.HI, "to", "data", UUID.randomUUID().toString(), 60_000, "", 60_000, "", null)));
    // its stream entry (its content is not really encrypted) is for no dispatcher of a later test
    TestRedis.sync().xrange("gw:{nt}:s:hi", Range.create("-", "+")).stream()
        .filter(m -> id.equals(m.getBody().get("id")))
        .forEach(m -> TestRedis.sync().xdel("gw:{nt}:s:hi", m.getId()));
    var work = Http.await(store.begin(id, 2_000, "email=smtp,sms=ovh,voice=aws-voice")).orElseThrow();
    assertThat(work.premarked()).isEqualTo("ovh");
    assertThat(TestRedis.sync().hget("gw:{nt}:n:" + id, "inf")).as("recorded before any call").isEqualTo("ovh");

    // the dispatcher died: taken again, that provider is excluded, and the next one is recorded instead
    var again = Http.await(store.begin(id, 3_000, "sms=ovh")).orElseThrow();
    assertThat(again.excluded()).containsExactly("ovh");
    assertThat(again.premarked()).isEmpty();
    assertThat(TestRedis.sync().hget("gw:{nt}:n:" + id, "inf")).isNull();
    assertThat(Http.await(store.begin(id, 4_000, "sms=mailjet-sms")).orElseThrow().premarked())
        .isEqualTo("mailjet-sms");
  }
}
