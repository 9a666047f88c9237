package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.dequeue;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.OutboxStore.Work;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/outbox/begin.lua} through {@link RedisOutboxStore#begin}, on the tests' Redis: each
 * {@link BeginReply} (WORK, NOTHING_TO_SEND). Taking a message records the provider it goes to first, before
 * any call, so that a dispatcher that dies mid-send never has it sent there twice. No gateway runs here: no
 * dispatcher takes the messages meanwhile.
 */
class BeginScriptTest {
  private final RedisOutboxStore store = new RedisOutboxStore(ScriptFixtures.access());
  private final String id = fresh("nt");
  private final String record = RedisOutboxStore.record(id);

  private void stored(String status, String... fields) {
    redis().hset(record, Map.of("st", status, "ch", "sms", "tpl", "login-code", "lang", "fr", "p", "HI",
        "c", "1000", "u", "1000", "el", "el-1", "ds", "nt-source"));
    for (int i = 0; i < fields.length; i += 2) {
      redis().hset(record, fields[i], fields[i + 1]);
    }
    redis().hset(RedisOutboxStore.content(id), Map.of("to", "to-enc", "d", "data-enc"));
  }

  private Optional<Work> begin(long nowMs, String firstProviders) {
    return await(store.begin(id, nowMs, firstProviders, "t-" + nowMs));
  }

  @Test
  void takingAQueuedMessageGivesWhatTheSendNeedsAndMarksItSending() {
    stored("queued", "x", "mailjet-sms");

    assertThat(begin(NOW, "email=smtp,sms=ovh")).contains(new Work("sms", "login-code", "fr", "to-enc", "data-enc",
        List.of("mailjet-sms"), "el-1", "nt-source", "ovh", "", "", ""));
    assertThat(redis().hmget(record, "st", "u", "inf", "x")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("sending", Long.toString(NOW), "ovh", "mailjet-sms");
  }

  /** Issue 16: an email's attachments, kept with its content, come with what the send needs. */
  @Test
  void takingAnEmailWithAttachmentsGivesThemToTheSend() {
    stored("queued");
    redis().hset(record, "ch", "email");
    redis().hset(RedisOutboxStore.content(id), "f", "files-enc");

    Work work = begin(NOW, "email=smtp|ses,sms=ovh").orElseThrow();
    assertThat(work.attachmentsEnc()).isEqualTo("files-enc");
    assertThat(work.premarked()).isEqualTo("smtp");
    // a replay of that begin (its answer lost) answers the same, attachments included
    assertThat(await(store.begin(id, NOW, "email=smtp|ses,sms=ovh", "t-" + NOW))).contains(work);
  }

  @Test
  void takingAMessageRecordsItsFirstProviderUnlessExcludedSoACrashExcludesIt() {
    String id = UUID.randomUUID().toString();
    await(store.accept(new OutboxStore.NewNotification(id, 1_000, "sms", "login-code", "fr",
        OutboxStore.Lane.HI, "to", "data", UUID.randomUUID().toString(), 60_000, "", 60_000, "", null)));
    // its stream entry (its content is not really encrypted) is for no dispatcher of a later test
    dequeue(List.of(id));
    var work = await(store.begin(id, 2_000, "email=smtp,sms=ovh,voice=aws-voice", "t-" + 2_000)).orElseThrow();
    assertThat(work.premarked()).isEqualTo("ovh");
    assertThat(redis().hget("gw:{nt}:n:" + id, "inf")).as("recorded before any call").isEqualTo("ovh");

    // the dispatcher died: taken again, that provider is excluded, since the chain has another, which is
    // recorded instead; the history shows the interrupted attempt
    var again = await(store.begin(id, 3_000, "sms=ovh|mailjet-sms", "t-" + 3_000)).orElseThrow();
    assertThat(again.excluded()).containsExactly("ovh");
    assertThat(again.premarked()).isEqualTo("mailjet-sms");
    assertThat(again.sentAgainTo()).isEmpty();
    assertThat(redis().hget("gw:{nt}:n:" + id, "inf")).isEqualTo("mailjet-sms");
    assertThat(redis().hget("gw:{nt}:n:" + id, "dup")).isNull();
    assertThat(redis().lrange("gw:{nt}:a:" + id, 0, -1)).singleElement().satisfies(a -> assertThat(
        new io.vertx.core.json.JsonObject(a).getMap()).containsEntry("provider", "ovh")
        .containsEntry("outcome", "interrupted").containsEntry("at", "1970-01-01T00:00:03Z"));
    // a configuration without any other provider of the channel: nothing premarked, the dispatcher records it
    var third = await(store.begin(id, 4_000, "email=smtp", "t-" + 4_000)).orElseThrow();
    assertThat(third.premarked()).isEmpty();
    assertThat(third.sentAgainTo()).as("interrupted at the last one left: sent there again").isEqualTo("mailjet-sms");
    assertThat(redis().hget("gw:{nt}:n:" + id, "inf")).isNull();
  }

  @Test
  void aSendInterruptedAtTheOnlyProviderLeftGoesThereAgainAsAPossibleDuplicate() {
    String id = UUID.randomUUID().toString();
    await(store.accept(new OutboxStore.NewNotification(id, 1_000, "voice", "login-code", "fr",
        OutboxStore.Lane.HI, "to", "data", UUID.randomUUID().toString(), 60_000, "", 60_000, "", null)));
    dequeue(List.of(id));
    assertThat(await(store.begin(id, 2_000, "voice=aws-voice", "t-" + 2_000)).orElseThrow().premarked()).isEqualTo("aws-voice");

    // its dispatcher died mid-send: not failed, not excluded, but sent there again, flagged
    var again = await(store.begin(id, 3_000, "voice=aws-voice", "t-" + 3_000)).orElseThrow();
    assertThat(again.excluded()).isEmpty();
    assertThat(again.sentAgainTo()).isEqualTo("aws-voice");
    assertThat(again.premarked()).isEqualTo("aws-voice");
    assertThat(redis().hmget("gw:{nt}:n:" + id, "st", "inf", "dup", "x")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("sending", "aws-voice", "aws-voice", null);
    assertThat(redis().lrange("gw:{nt}:a:" + id, 0, -1)).singleElement().satisfies(a -> assertThat(
        new io.vertx.core.json.JsonObject(a).getMap()).containsEntry("provider", "aws-voice")
        .containsEntry("outcome", "interrupted, sent again"));

    // the other provider of a two-provider chain already failed to deliver it: the same holds
    redis().hset("gw:{nt}:n:" + id, "x", "ovh-voice");
    var fourth = await(store.begin(id, 4_000, "voice=ovh-voice|aws-voice", "t-" + 4_000)).orElseThrow();
    assertThat(fourth.sentAgainTo()).isEqualTo("aws-voice");
    assertThat(fourth.excluded()).containsExactly("ovh-voice");
    assertThat(redis().llen("gw:{nt}:a:" + id)).isEqualTo(2);
  }

  /** A post message taken by a dispatcher whose provider then built its send and reported it (Maileva's sending). */
  private String builtThenInterrupted(String chains, String reference) {
    String id = UUID.randomUUID().toString();
    await(store.accept(new OutboxStore.NewNotification(id, 1_000, "post", "access-letter", "fr",
        OutboxStore.Lane.LO, "to", "data", UUID.randomUUID().toString(), 60_000, "", 60_000, "", null)));
    dequeue(List.of(id));
    assertThat(await(store.begin(id, 2_000, chains, "t-" + 2_000)).orElseThrow().premarked()).isEqualTo("maileva");
    await(store.built(id, "maileva", reference));
    assertThat(redis().hget("gw:{nt}:n:" + id, "rf")).as("recorded before the irreversible step")
        .isEqualTo("maileva:" + reference);
    return id;
  }

  /**
   * Issue 12, point 4: a letter costs money. A send interrupted after its provider reported what it built is not
   * excluded, flagged or premarked: that provider is asked first ({@link Work#reference()}). The interrupted
   * attempt is listed once per thing built, however many times the ask itself is interrupted.
   */
  @Test
  void aSendInterruptedAfterItsProviderReportedWhatItBuiltGoesToThatProviderToBeAskedFirst() {
    String id = builtThenInterrupted("post=maileva", "s-1");

    Work again = await(store.begin(id, 3_000, "post=maileva", "t-" + 3_000)).orElseThrow();
    assertThat(again).extracting(Work::builtBy, Work::reference, Work::premarked, Work::sentAgainTo, Work::excluded)
        .containsExactly("maileva", "s-1", "", "", List.of());
    assertThat(redis().hmget("gw:{nt}:n:" + id, "st", "inf", "dup", "x", "rf", "rs"))
        .extracting(kv -> kv.getValueOrElse(null))
        .as("still with maileva, so a crash during the ask comes back here")
        .containsExactly("sending", "maileva", null, null, "maileva:s-1", "s-1");
    assertThat(redis().lrange("gw:{nt}:a:" + id, 0, -1)).singleElement().satisfies(a -> assertThat(
        new io.vertx.core.json.JsonObject(a).getMap()).containsEntry("provider", "maileva")
        .containsEntry("outcome", "interrupted").containsEntry("at", "1970-01-01T00:00:03Z"));

    // the ask was interrupted too (or Maileva could not tell): asked again, no second interrupted attempt
    assertThat(await(store.begin(id, 4_000, "post=maileva", "t-" + 4_000)).orElseThrow().reference()).isEqualTo("s-1");
    assertThat(redis().llen("gw:{nt}:a:" + id)).isEqualTo(1);

    // it was not sent; sent again, Maileva built another sending, then that send was interrupted too
    await(store.built(id, "maileva", "s-2"));
    assertThat(await(store.begin(id, 5_000, "post=maileva", "t-" + 5_000)).orElseThrow().reference()).isEqualTo("s-2");
    assertThat(redis().llen("gw:{nt}:a:" + id)).isEqualTo(2);
  }

  @Test
  void withAnotherProviderLeftTheOneThatReportedWhatItBuiltIsAskedRatherThanExcluded() {
    String id = builtThenInterrupted("post=maileva|other-post", "s-1");

    Work again = await(store.begin(id, 3_000, "post=maileva|other-post", "t-" + 3_000)).orElseThrow();
    assertThat(again.reference()).isEqualTo("s-1");
    assertThat(again.excluded()).as("if it went out there, a letter through another would be a second").isEmpty();
  }

  @Test
  void aReferenceOfAnotherProviderThanTheInterruptedOneIsNotAskedAbout() {
    String id = builtThenInterrupted("post=maileva|other-post", "s-1");
    // maileva gave up (its sending deleted); the send moved on to the next provider, then its dispatcher died
    await(store.sendingTo(id, "other-post"));

    Work again = await(store.begin(id, 3_000, "post=maileva|other-post", "t-" + 3_000)).orElseThrow();
    assertThat(again.reference()).isEmpty();
    assertThat(again.builtBy()).isEmpty();
    assertThat(again.excluded()).containsExactly("other-post");
    assertThat(again.premarked()).isEqualTo("maileva");
  }

  @Test
  void aBeginThatHandedOutAReferenceRunTwiceWithItsTokenAnswersTheSame() {
    String id = builtThenInterrupted("post=maileva", "s-1");
    Work first = await(store.begin(id, 3_000, "post=maileva", "t-b")).orElseThrow();
    Map<String, String> after = redis().hgetall("gw:{nt}:n:" + id);

    assertThat(await(store.begin(id, 3_005, "post=maileva", "t-b"))).contains(first);
    assertThat(redis().hgetall("gw:{nt}:n:" + id)).isEqualTo(after);
    assertThat(redis().llen("gw:{nt}:a:" + id)).isEqualTo(1);
  }

  /**
   * Issue 12, point 2: the outbox's connections let the client send a command again after a reconnect when
   * its answer was lost. A begin that reaches Redis twice with its attempt token is one attempt: the same work,
   * no interrupted attempt in the history, no provider excluded (read as a crash, it would go to the next
   * provider: a duplicate). Another token is another attempt: then it was interrupted.
   */
  @Test
  void aBeginRunTwiceWithItsAttemptTokenAnswersTheSameAndIsOneAttempt() {
    stored("queued");
    Work first = await(store.begin(id, NOW, "sms=ovh|mailjet-sms", "t-a")).orElseThrow();
    Map<String, String> after = redis().hgetall(record);

    assertThat(await(store.begin(id, NOW + 5, "sms=ovh|mailjet-sms", "t-a"))).contains(first);
    assertThat(redis().hgetall(record)).isEqualTo(after);
    assertThat(redis().exists(RedisOutboxStore.attempts(id))).as("no interrupted attempt").isZero();

    assertThat(await(store.begin(id, NOW + 10, "sms=ovh|mailjet-sms", "t-b")).orElseThrow().excluded())
        .as("another attempt found it mid-send: interrupted").containsExactly("ovh");
    assertThat(redis().llen(RedisOutboxStore.attempts(id))).isEqualTo(1);
  }

  @Test
  void aFinalMessageIsNothingToSendAndIsLeftAsItIs() {
    for (String status : List.of("sent", "delivered", "failed")) {
      stored(status);
      Map<String, String> before = redis().hgetall(record);

      assertThat(begin(NOW, "sms=ovh")).as(status).isEmpty();
      assertThat(redis().hgetall(record)).as(status).isEqualTo(before);
    }
  }

  @Test
  void anUnknownMessageIsNothingToSendAndNothingIsCreated() {
    assertThat(begin(NOW, "sms=ovh")).isEmpty();
    assertThat(redis().exists(record)).isZero();
  }

  @Test
  void aMessageWhoseContentWasPurgedBeforeItsSendIsNothingToSendAndEndsFailedVisibly() {
    stored("queued");
    redis().del(RedisOutboxStore.content(id));

    assertThat(begin(NOW, "sms=ovh")).isEmpty();
    assertThat(redis().hmget(record, "st", "u", "err", "inf")).extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("failed", Long.toString(NOW), "content expired before it could be sent", null);
  }
}
