package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.Message;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.EventLog;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.RedisTopology;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The failover drill of issue 12, as a test: a primary, two replicas and three Sentinels (real redis-server
 * processes), a gateway on Sentinel with {@code redis.minReplicas} 1. Writes are acknowledged; then the
 * replicas' link stops for 1.5 s ({@code CLIENT PAUSE} on each replica: the replication stream waits), during
 * which writes answer 503 {@code write-unconfirmed}; then more acknowledged writes, and the primary is killed
 * (SIGKILL). After Sentinel's failover: no acknowledged émargement, lockout, unlock or session is missing on
 * the new primary, and no voter who voted can vote a second time. Without WAIT (minReplicas 0) the writes of
 * the last milliseconds before a crash are acknowledged and may be lost; the pause makes that window
 * deterministic here: with minReplicas 0 the paused writes would answer 201/401 and vanish with the primary.
 */
class FailoverDrillTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  private final DevOutbox dev = new DevOutbox(Clock.systemUTC(), 10_000);
  private final EventLog<Message> sent = new EventLog<>();
  private TestGateway gw;

  @Test
  void acknowledgedWritesSurviveAFailoverAndNoVoterVotesTwice() {
    long start = System.nanoTime();
    try (RedisTopology t = RedisTopology.start(2, 3, Duration.ofMillis(1000))) {
      System.out.printf("failover drill: topology up in %d ms%n", (System.nanoTime() - start) / 1_000_000);
      gw = new TestGateway(2, OutboxConfig.DEFAULTS, (vertx, registry) -> (message, attempts, exclude) ->
          dev.send(message, attempts, exclude).onSuccess(r -> sent.add(message)),
          new RedisConfig(t.sentinelUrl(), false, Duration.ofSeconds(5), 1, Duration.ofMillis(500)));
      try {
        drill(t);
      } finally {
        gw.close();
      }
    }
  }

  private void drill(RedisTopology t) {
    String el = gw.openElection();
    StringBuilder roll = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < 20; i++) {
      roll.append("d").append(i).append(",etudiants,Nom,Prenom,2000-01-01,d").append(i)
          .append("@drill.test,,S").append(1000 + i).append('\n');
    }
    assertThat(gw.importRoll(el, roll.toString()).json().getLong("imported")).isEqualTo(20);

    Map<String, Instant> votes = new LinkedHashMap<>(); // acknowledged (201) émargements
    Map<String, String> sessions = new LinkedHashMap<>(); // acknowledged (200) sessions
    List<String> locked = new ArrayList<>(); // acknowledged lockouts (423 on the 5th failure)
    List<String> unlocked = new ArrayList<>(); // acknowledged unlocks

    // healthy: every write confirmed by the replicas
    for (int i = 0; i < 6; i++) {
      sessions.put("d" + i, login(el, i));
      votes.put("d" + i, vote(el, sessions.get("d" + i)));
    }
    lock(el, "d8", locked);
    lock(el, "d9", locked);
    Http.Res unlock = gw.http.post("/v1/support/elections/" + el + "/voters/d9/unlock", TestGateway.SUPPORT,
        new JsonObject().put("reason", "drill"));
    assertThat(unlock.status()).as(unlock.body()).isEqualTo(200);
    locked.remove("d9");
    unlocked.add("d9");
    sessions.put("d11", login(el, 11));

    // the replicas' link stops for 1.5 s: writes are applied by the primary but not confirmed
    for (RedisTopology.Node replica : t.servers().subList(1, 3)) {
      RedisTopology.cli(replica.port(), "CLIENT", "PAUSE", "1500", "ALL");
    }
    List<Http.Res> paused = gw.http.parallel(List.of(
        gw.http.async(HttpMethod.POST, "/v1/elections/" + el + "/login", null, "application/json",
            Buffer.buffer(new JsonObject().put("identifier", "d10").put("secret", "WRONG0").put("channel", "email")
                .encode())),
        gw.http.async(HttpMethod.POST, "/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
            "application/json", Buffer.buffer(new JsonObject().put("sessionToken", sessions.get("d11")).encode()))));
    for (Http.Res r : paused) {
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.problemType()).isEqualTo("/problems/write-unconfirmed");
      assertThat(r.headers().get("Retry-After")).isEqualTo("1");
    }
    try (StatefulRedisConnection<String, String> primary = TestRedis.connect(t.initialPrimary().url())) {
      primary.sync().set("drill:link", "back");
      assertThat(primary.sync().waitForReplication(2, 10_000)).as("the replicas' link back").isEqualTo(2);
    }

    // healthy again, right up to the crash
    for (int i = 12; i < 15; i++) {
      sessions.put("d" + i, login(el, i));
      votes.put("d" + i, vote(el, sessions.get("d" + i)));
    }
    lock(el, "d15", locked);

    CompletableFuture<Void> back = gw.gateway.everyRedisConnectionBack();
    CompletableFuture<Integer> switched = t.nextSwitch();
    long killedAt = System.nanoTime();
    t.killPrimary();
    int newPrimary = Await.await(switched, Duration.ofSeconds(20));
    long switchedAt = System.nanoTime();
    Await.await(back, Duration.ofSeconds(20));
    System.out.printf("failover drill: +switch-master %d ms after the kill, the gateway's connections back %d ms "
        + "after it%n", (switchedAt - killedAt) / 1_000_000, (System.nanoTime() - switchedAt) / 1_000_000);

    try (StatefulRedisConnection<String, String> c = TestRedis.connect("redis://127.0.0.1:" + newPrimary)) {
      RedisCommands<String, String> redis = c.sync();
      redis.set("drill:replica", "attached");
      assertThat(redis.waitForReplication(1, 15_000)).as("the other replica follows the new primary").isEqualTo(1);
      List<String> lost = new ArrayList<>();
      votes.forEach((id, at) -> {
        String rec = redis.hget(RedisKeys.emargements(el), TestGateway.pseudonym(el, id));
        if (rec == null || new JsonObject(rec).getLong("t") != at.toEpochMilli()) {
          lost.add("émargement of " + id);
        }
      });
      for (String id : locked) {
        if (!redis.hexists(RedisKeys.voter(TestGateway.pseudonym(el, id)), "la")) {
          lost.add("lockout of " + id);
        }
      }
      for (String id : unlocked) {
        String voter = RedisKeys.voter(TestGateway.pseudonym(el, id));
        if (redis.hexists(voter, "la") || !"0".equals(redis.hget(voter, "f"))) {
          lost.add("unlock of " + id);
        }
      }
      sessions.forEach((id, token) -> {
        if (!Boolean.TRUE.equals(call(() -> gw.http.post("/v1/introspect", TestGateway.PLATFORM,
            new JsonObject().put("token", token))).json().getBoolean("active"))) {
          lost.add("session of " + id);
        }
      });
      assertThat(lost).as("acknowledged writes missing on the new primary").isEmpty();
    }

    List<String> votedTwice = new ArrayList<>();
    for (String id : votes.keySet()) {
      String other = login(el, Integer.parseInt(id.substring(1)));
      Http.Res again = call(() -> gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new JsonObject().put("sessionToken", other)));
      if (again.status() != 409) {
        votedTwice.add(id + ": " + again.status());
      }
    }
    assertThat(votedTwice).as("voters who could vote a second time").isEmpty();
    Http.Res retried = call(() -> gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
        new JsonObject().put("sessionToken", sessions.get("d11"))));
    assertThat(retried.status()).as("the unconfirmed émargement, retried: " + retried.body()).isEqualTo(201);
  }

  /** Logs voter {@code d<i>} in with every factor; @return the session token (acknowledged). */
  private String login(String el, int i) {
    int from = sent.size();
    Http.Res r = call(() -> gw.login(el, "d" + i, "S" + (1000 + i), "email"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Message m = sent.awaitFrom(from, msg -> msg.to().equals("d" + i + "@drill.test"), Duration.ofSeconds(15),
        "the code for d" + i);
    Matcher code = CODE.matcher(m.text().replace(", ", ""));
    assertThat(code.find()).isTrue();
    Http.Res v = call(() -> gw.verify(el, r.json().getString("challengeId"), code.group(1)));
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    return v.json().getString("sessionToken");
  }

  /**
   * Sends; after a 503 dependency-unavailable (a connection of the gateway not yet back from the failover),
   * sends again once one has come back, and after a 503 write-unconfirmed (a replica not caught up yet) once its
   * Retry-After has passed, as a client honouring Retry-After would.
   */
  private Http.Res call(java.util.function.Supplier<Http.Res> request) {
    for (int attempt = 0; ; attempt++) {
      CompletableFuture<Void> reconnected = gw.gateway.nextApiRedisReconnections(1);
      Http.Res r = request.get();
      if (r.status() == 503 && "/problems/write-unconfirmed".equals(r.problemType()) && attempt < 20) {
        // the new primary's replica not caught up yet (its resync after the switch): nothing was acknowledged,
        // the client retries after Retry-After, as the answer asks
        sleepSeconds(Long.parseLong(r.headers().get("Retry-After")));
        continue;
      }
      if (r.status() != 503 || !"/problems/dependency-unavailable".equals(r.problemType()) || attempt == 20) {
        return r;
      }
      Await.await(reconnected, Duration.ofSeconds(10));
    }
  }

  private static void sleepSeconds(long seconds) {
    try {
      Thread.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private Instant vote(String el, String token) {
    Http.Res r = gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
        new JsonObject().put("sessionToken", token));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return Instant.parse(r.json().getString("votedAt"));
  }

  private void lock(String el, String id, List<String> locked) {
    for (int n = 1; n <= 5; n++) {
      Http.Res r = gw.login(el, id, "WRONG0", "email");
      assertThat(r.status()).as(r.body()).isEqualTo(n < 5 ? 401 : 423);
    }
    locked.add(id);
  }
}
