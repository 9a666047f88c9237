package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.NOW;
import static fr.sesame.gateway.store.redis.ScriptFixtures.at;
import static fr.sesame.gateway.store.redis.ScriptFixtures.burst;
import static fr.sesame.gateway.store.redis.ScriptFixtures.dequeue;
import static fr.sesame.gateway.store.redis.ScriptFixtures.entry;
import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.limitStates;
import static fr.sesame.gateway.store.redis.ScriptFixtures.queued;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.domain.Accepted;
import fr.sesame.gateway.domain.PaidSendPlan;
import fr.sesame.gateway.domain.PaidSendPlan.Breaker;
import fr.sesame.gateway.store.OutboxStore.Lane;
import fr.sesame.gateway.store.OutboxStore.NewNotification;
import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/outbox/accept.lua} through {@link RedisOutboxStore#accept}, on the tests' Redis: each
 * {@link AcceptReply} (ACCEPTED, DUPLICATE, SOURCE_GONE, BREAKER_OPEN, OVER_CAP) and what it wrote: all of the
 * notification on ACCEPTED, none of it otherwise. The stream entries a test queues are removed after it.
 */
class AcceptScriptTest {
  private static final long IDEMPOTENCY_TTL_MS = 86_400_000;
  private static final long PURGE_AT = NOW + 48 * 3_600_000L;
  private static final long COOLDOWN_MS = 2 * 3_600_000L;

  private final RedisOutboxStore store = new RedisOutboxStore(ScriptFixtures.access());
  private final List<String> ids = new ArrayList<>();
  private final Breaker block = new Breaker("sms", "prefix", fresh("+3361"));
  private final Breaker country = new Breaker("sms", "country", fresh("FR"));

  @AfterEach
  void dequeueTheirEntries() {
    dequeue(ids);
  }

  private String newId() {
    String id = fresh("nt");
    ids.add(id);
    return id;
  }

  private NewNotification email(String id, String idempotency, String dataFrom) {
    return new NewNotification(id, NOW, "email", "login-code", "fr", Lane.HI, "to-enc-" + id,
        dataFrom.isEmpty() ? "data-enc-" + id : "", idempotency, IDEMPOTENCY_TTL_MS, "el-1", PURGE_AT, dataFrom,
        null);
  }

  /** An SMS under caps: per number (to), its day, and its block's and country's, each of {@code burst}. */
  private NewNotification sms(String id, String number, long nowMs, long numberBurst, long blockBurst,
                              long countryBurst, String dataFrom) {
    StepLimits limits = new StepLimits("nt", List.of(
        entry(burst("t-number", numberBurst), "sms:" + number, Charge.ALWAYS),
        entry(burst("t-number-day", 10), "sms:" + number, Charge.ALWAYS),
        entry(burst("t-prefix", blockBurst), "sms:" + block.subject(), Charge.ALWAYS),
        entry(burst("t-country", countryBurst), "sms:" + country.subject(), Charge.ALWAYS)), at(nowMs));
    return new NewNotification(id, nowMs, "sms", "login-code", "fr", Lane.HI, "to-enc-" + id,
        dataFrom.isEmpty() ? "data-enc-" + id : "", fresh("ik"), IDEMPOTENCY_TTL_MS, "", PURGE_AT, dataFrom,
        new PaidSendPlan(limits, List.of(block, country), COOLDOWN_MS));
  }

  private static String idempotencyKey(String hash) {
    return "gw:{nt}:i:" + hash;
  }

  /** Nothing of the notification is in Redis: no record, content, idempotency key, index or queue entry. */
  private static void assertNothingWritten(NewNotification n) {
    assertThat(redis().exists(RedisOutboxStore.record(n.id()), RedisOutboxStore.content(n.id()),
        idempotencyKey(n.idempotencyHash()))).as("record, content, idempotency key").isZero();
    assertThat(redis().zscore("gw:{nt}:idx:c", n.id())).isNull();
    assertThat(redis().zscore("gw:{nt}:idx:m", n.id())).isNull();
    assertThat(queued("gw:{nt}:s:hi", List.of(n.id()))).isEmpty();
  }

  private static long breakerUntil(Breaker b) {
    String until = redis().get(RedisOutboxStore.breaker(b));
    return until == null ? 0 : Long.parseLong(until);
  }

  @Test
  void acceptsStoringTheRecordAndContentQueuingAndIndexingItAndRemembersTheKey() {
    String id = newId();
    String ik = fresh("ik");

    assertThat(await(store.accept(email(id, ik, "")))).isEqualTo(new Accepted(id, true, false));

    assertThat(redis().hgetall(RedisOutboxStore.record(id))).isEqualTo(Map.ofEntries(Map.entry("st", "queued"),
        Map.entry("ch", "email"), Map.entry("tpl", "login-code"), Map.entry("lang", "fr"), Map.entry("p", "HI"),
        Map.entry("c", Long.toString(NOW)), Map.entry("u", Long.toString(NOW)), Map.entry("ik", idempotencyKey(ik)),
        Map.entry("el", "el-1"), Map.entry("ds", "")));
    assertThat(redis().hgetall(RedisOutboxStore.content(id))).isEqualTo(Map.of("to", "to-enc-" + id,
        "d", "data-enc-" + id));
    assertThat(redis().get(idempotencyKey(ik))).isEqualTo(id);
    assertThat(redis().pttl(idempotencyKey(ik))).isBetween(1L, IDEMPOTENCY_TTL_MS);
    assertThat(queued("gw:{nt}:s:hi", List.of(id))).hasSize(1);
    assertThat(redis().zscore("gw:{nt}:idx:c", id)).isEqualTo((double) PURGE_AT);
    assertThat(redis().zscore("gw:{nt}:idx:m", id)).isEqualTo((double) NOW);
  }

  /** Issue 16: an email's attachments (encrypted by the service) are kept with its content, and purged with it. */
  @Test
  void anEmailsAttachmentsAreKeptWithItsContentAndNoneIsWrittenWithoutThem() {
    String id = newId();
    NewNotification n = email(id, fresh("ik"), "");
    NewNotification withFile = new NewNotification(n.id(), n.nowMs(), n.channel(), n.template(), n.lang(), n.lane(),
        n.toEnc(), n.dataEnc(), n.idempotencyHash(), n.idempotencyTtlMs(), n.electionId(), n.contentPurgeAtMs(),
        n.dataFrom(), null, "", "files-enc-" + id);
    assertThat(await(store.accept(withFile))).isEqualTo(new Accepted(id, true, false));
    assertThat(redis().hgetall(RedisOutboxStore.content(id))).isEqualTo(Map.of("to", "to-enc-" + id,
        "d", "data-enc-" + id, "f", "files-enc-" + id));

    String plain = newId();
    await(store.accept(email(plain, fresh("ik"), "")));
    assertThat(redis().hexists(RedisOutboxStore.content(plain), "f")).as("no attachment, no field").isFalse();
  }

  @Test
  void aResentCodeReusesItsSourcesDataStillEncryptedAndSaysWhoseBindingItCarries() {
    String source = newId();
    await(store.accept(email(source, fresh("ik"), "")));
    String id = newId();

    assertThat(await(store.accept(email(id, fresh("ik"), source)))).isEqualTo(new Accepted(id, true, false));
    assertThat(redis().hgetall(RedisOutboxStore.content(id))).isEqualTo(Map.of("to", "to-enc-" + id,
        "d", "data-enc-" + source));
    assertThat(redis().hget(RedisOutboxStore.record(id), "ds")).isEqualTo(source);
  }

  @Test
  void aRepeatedIdempotencyKeyGivesTheFirstIdAndWritesNothing() {
    String first = newId();
    String ik = fresh("ik");
    await(store.accept(email(first, ik, "")));
    NewNotification again = email(newId(), ik, "");

    assertThat(await(store.accept(again))).isEqualTo(new Accepted(first, false, false));
    assertThat(redis().exists(RedisOutboxStore.record(again.id()), RedisOutboxStore.content(again.id()))).isZero();
    assertThat(redis().zscore("gw:{nt}:idx:m", again.id())).isNull();
    assertThat(queued("gw:{nt}:s:hi", List.of(again.id()))).isEmpty();
    assertThat(redis().get(idempotencyKey(ik))).isEqualTo(first);
  }

  @Test
  void aSourceWhoseContentIsGoneWritesNothing() {
    NewNotification n = email(newId(), fresh("ik"), fresh("purged"));

    assertThat(await(store.accept(n))).isEqualTo(new Accepted("", false, true));
    assertNothingWritten(n);
  }

  @Test
  void aSourceWhoseContentIsGoneChargesNoCapForASendThatWillNotHappen() {
    NewNotification n = sms(newId(), fresh("n"), NOW, 10, 10, 10, fresh("purged"));

    assertThat(await(store.accept(n))).isEqualTo(new Accepted("", false, true));
    assertNothingWritten(n);
    assertThat(limitStates(n.caps().limits())).allSatisfy((k, v) -> assertThat(v).as(k).isNull());
  }

  @Test
  void aNumberOverItsCapIsRefusedAndNeitherWritesNorChargesNorTripsAnything() {
    String number = fresh("n");
    NewNotification first = sms(newId(), number, NOW, 1, 10, 10, "");
    assertThat(await(store.accept(first)).created()).isTrue();
    NewNotification n = sms(newId(), number, NOW + 1_000, 1, 10, 10, "");
    Map<String, String> before = limitStates(n.caps().limits());

    Accepted a = await(store.accept(n));

    assertThat(a.id()).isEmpty();
    assertThat(a.created()).isFalse();
    assertThat(a.refused().suspended()).isFalse();
    assertThat(a.refused().trippedNow()).isEmpty();
    Decision d = a.refused().decision();
    assertThat(d.reason()).isEqualTo(Decision.Reason.LIMITED);
    assertThat(d.retryAfter()).isEqualTo(Duration.ofHours(1).minusSeconds(1));
    assertThat(d.states()).extracting(s -> s.remaining()).containsExactly(0L, 9L, 9L, 9L);
    assertNothingWritten(n);
    assertThat(limitStates(n.caps().limits())).isEqualTo(before);
    assertThat(redis().exists(RedisOutboxStore.breaker(block), RedisOutboxStore.breaker(country))).isZero();
  }

  @Test
  void aBlockOverItsCapTripsItsBreakerWhichStopsSendsThereUntilTheCooldownEnds() {
    assertThat(await(store.accept(sms(newId(), fresh("n"), NOW, 10, 1, 10, ""))).created()).isTrue();
    NewNotification n = sms(newId(), fresh("n"), NOW + 1_000, 10, 1, 10, "");

    Accepted a = await(store.accept(n));

    assertThat(a.refused().breaker()).isEqualTo(block);
    assertThat(a.refused().trippedNow()).containsExactly(block);
    assertThat(a.refused().decision().retryAfter()).as("the cooldown, longer than the cap's wait")
        .isEqualTo(Duration.ofMillis(COOLDOWN_MS));
    assertNothingWritten(n);
    assertThat(breakerUntil(block)).isEqualTo(NOW + 1_000 + COOLDOWN_MS);
    assertThat(redis().pttl(RedisOutboxStore.breaker(block))).isBetween(1L, COOLDOWN_MS);
    assertThat(redis().exists(RedisOutboxStore.breaker(country))).isZero();

    // a later send to another number of the block: BREAKER_OPEN, before any cap is even looked at
    NewNotification later = sms(newId(), fresh("n"), NOW + 2_000, 10, 10, 10, "");
    Accepted open = await(store.accept(later));
    assertThat(open.refused().breaker()).isEqualTo(block);
    assertThat(open.refused().trippedNow()).isEmpty();
    assertThat(open.refused().decision().retryAfter()).isEqualTo(Duration.ofMillis(COOLDOWN_MS - 1_000));
    assertThat(open.refused().decision().states()).isEmpty();
    assertNothingWritten(later);
    assertThat(limitStates(later.caps().limits()).get(ScriptFixtures.limitKey(later.caps().limits(), 0)))
        .as("the number's cap not charged").isNull();

    // the caller's clock says the cooldown is over (the key's expiry only cleans up): sends go again
    assertThat(await(store.accept(sms(newId(), fresh("n"), NOW + 1_000 + COOLDOWN_MS, 10, 10, 10, ""))).created())
        .isTrue();
  }

  @Test
  void aBlockAndItsCountryOverTheirCapsAtOnceTripBothBreakers() {
    assertThat(await(store.accept(sms(newId(), fresh("n"), NOW, 10, 1, 1, ""))).created()).isTrue();

    Accepted a = await(store.accept(sms(newId(), fresh("n"), NOW, 10, 1, 1, "")));

    assertThat(a.refused().trippedNow()).containsExactly(block, country);
    assertThat(a.refused().breaker()).isEqualTo(block);
    assertThat(breakerUntil(block)).isEqualTo(NOW + COOLDOWN_MS);
    assertThat(breakerUntil(country)).isEqualTo(NOW + COOLDOWN_MS);
  }

  @Test
  void anOpenCountryBreakerRefusesAndNamesTheCountryChargingNoCap() {
    redis().set(RedisOutboxStore.breaker(country), Long.toString(NOW + 5_000));
    NewNotification n = sms(newId(), fresh("n"), NOW, 10, 10, 10, "");

    Accepted a = await(store.accept(n));

    assertThat(a.refused().breaker()).isEqualTo(country);
    assertThat(a.refused().decision().allowed()).isFalse();
    assertThat(a.refused().decision().retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertNothingWritten(n);
    assertThat(limitStates(n.caps().limits())).allSatisfy((k, v) -> assertThat(v).as(k).isNull());
  }
}
