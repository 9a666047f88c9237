package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.Message;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.EventLog;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.RedisCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A Redis Cluster primary killed mid-run (issue 17, point 4, with the failover issue's guarantees): 3 primaries
 * and 3 replicas, a gateway with {@code redis.minReplicas} 1. Journeys (login with an Idempotency-Key, code,
 * émargement) run one after another while the primary holding the election's slot (its émargements and audit
 * trail) is killed with SIGKILL; a voter whose own slot is on that primary is locked by five wrong secrets, each
 * with its own Idempotency-Key, during the switch. Each request is sent again after a 503, after its Retry-After,
 * as a client would. The killed node is started again once its replica has taken over: with one replica per
 * primary, the new primary has no replica until then, so its writes cannot be confirmed and answer 503 (minReplicas
 * 1 fails closed). Then: no answer was a 500, every 503 had a Retry-After; the gateway followed the new topology
 * (every journey completed); every acknowledged émargement is on the new primary, and no voter can vote twice;
 * the lock counted exactly five failures (no request's effect applied twice) and survived.
 */
class ClusterFailoverTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  private final DevOutbox dev = new DevOutbox(Clock.systemUTC(), 10_000);
  private final EventLog<Message> sent = new EventLog<>();
  private final List<String> badAnswers = new ArrayList<>();
  private int unavailable;
  private TestGateway gw;

  @Test
  void aKilledPrimaryLosesNoAcknowledgedWriteAndAppliesNothingTwice() throws Exception {
    try (RedisCluster cluster = RedisCluster.start()) {
      gw = new TestGateway(2, OutboxConfig.DEFAULTS, (vertx, registry) -> (message, attempts, exclude) ->
          dev.send(message, attempts, exclude).onSuccess(r -> sent.add(message)),
          new RedisConfig(cluster.url(), true, Duration.ofSeconds(5), 1, Duration.ofMillis(1000)));
      RedisClusterClient client = RedisClusterClient.create(cluster.url());
      try {
        drill(cluster, client);
      } finally {
        gw.close();
        client.shutdown();
      }
    }
  }

  private void drill(RedisCluster cluster, RedisClusterClient client) throws Exception {
    String el = gw.openElection();
    int voters = 24;
    StringBuilder roll = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < voters; i++) {
      roll.append("d").append(i).append(",etudiants,Nom,Prenom,2000-01-01,d").append(i)
          .append("@failover.test,,2023").append(1000 + i).append('\n');
    }
    assertThat(gw.importRoll(el, roll.toString()).json().getLong("imported")).isEqualTo(voters);

    RedisCluster.Node victim = cluster.primaryFor(RedisKeys.emargements(el));
    RedisCluster.Node heir = cluster.replicasOf(victim).get(0);
    String onVictim = null;
    for (int i = voters - 1; i >= 0 && onVictim == null; i--) {
      if (cluster.primaryFor(RedisKeys.voter(TestGateway.pseudonym(el, "d" + i))).equals(victim)) {
        onVictim = "d" + i;
      }
    }
    assertThat(onVictim).as("a voter whose slot is on the killed primary").isNotNull();
    String lockedId = onVictim;

    Map<String, String> votes = new LinkedHashMap<>(); // acknowledged émargements: voter -> votedAt
    CompletableFuture<Void> killed = null;
    int failures = 0;
    for (int i = 0; i < voters; i++) {
      String id = "d" + i;
      if (id.equals(lockedId)) {
        continue;
      }
      if (i == 4) {
        // mid-run: the kill and the failover happen while the next requests are sent
        // the killed node is started again once its replica has taken over (as systemd would): with one replica
        // per primary, the new primary has none until then, and minReplicas 1 refuses its writes (503)
        killed = CompletableFuture.runAsync(() -> {
          cluster.kill(victim);
          cluster.awaitOk(Duration.ofSeconds(30));
          cluster.restart(victim);
        });
        for (; failures < 5; failures++) {
          Map<String, String> key = Map.of("Idempotency-Key", "\"" + UUID.randomUUID() + "\"");
          Http.Res r = call(() -> gw.http.post("/v1/elections/" + el + "/login", key,
              new JsonObject().put("identifier", lockedId).put("secret", "20230000").put("channel", "email")));
          assertThat(r.status()).as(r.body()).isEqualTo(failures < 4 ? 401 : 423);
        }
      }
      String token = login(el, i);
      Http.Res vote = call(() -> gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new JsonObject().put("sessionToken", token)));
      assertThat(vote.status()).as(vote.body()).isEqualTo(201);
      votes.put(id, vote.json().getString("votedAt"));
    }
    killed.get();
    assertThat(cluster.primaryFor(RedisKeys.emargements(el))).as("the replica took over").isEqualTo(heir);
    System.out.printf("cluster failover: %d answers were 503 (each retried after its Retry-After)%n", unavailable);

    assertThat(badAnswers).as("answers other than a success, an expected refusal or a 503 with Retry-After")
        .isEmpty();
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      RedisAdvancedClusterCommands<String, String> redis = c.sync();
      List<String> lost = new ArrayList<>();
      votes.forEach((id, at) -> {
        String rec = redis.hget(RedisKeys.emargements(el), TestGateway.pseudonym(el, id));
        if (rec == null) {
          lost.add("émargement of " + id);
        }
      });
      assertThat(lost).as("acknowledged émargements missing after the failover").isEmpty();
      assertThat(redis.hlen(RedisKeys.emargements(el))).isEqualTo(votes.size());
      String locked = RedisKeys.voter(TestGateway.pseudonym(el, lockedId));
      assertThat(redis.hget(locked, "f")).as("five failures, each counted once").isEqualTo("5");
      assertThat(redis.hexists(locked, "la")).isTrue();
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
    Http.Res verdict = call(() -> gw.http.get("/v1/admin/elections/" + el + "/audit/verify", TestGateway.ADMIN));
    assertThat(verdict.json().getBoolean("valid")).as(verdict.body()).isTrue();
  }

  /** Logs voter {@code d<i>} in by secret and email code, each step with its Idempotency-Key. @return the token */
  private String login(String el, int i) {
    for (int attempt = 0; attempt < 3; attempt++) {
      int from = sent.size();
      Map<String, String> key = Map.of("Idempotency-Key", "\"" + UUID.randomUUID() + "\"");
      Http.Res r = call(() -> gw.http.post("/v1/elections/" + el + "/login", key,
          new JsonObject().put("identifier", "d" + i).put("secret", "2023" + (1000 + i)).put("channel", "email")));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      Message m = sent.awaitFrom(from, msg -> msg.to().equals("d" + i + "@failover.test"), Duration.ofSeconds(20),
          "the code for d" + i);
      Matcher code = CODE.matcher(m.text().replace(", ", ""));
      assertThat(code.find()).isTrue();
      Map<String, String> verifyKey = Map.of("Idempotency-Key", "\"" + UUID.randomUUID() + "\"");
      Http.Res v = call(() -> gw.http.post("/v1/elections/" + el + "/login/" + r.json().getString("challengeId")
          + "/verify", verifyKey, new JsonObject().put("code", code.group(1))));
      if (v.status() == 200) {
        return v.json().getString("sessionToken");
      }
      badAnswers.add("verify of d" + i + ": " + v.status() + " " + v.body());
    }
    throw new AssertionError("d" + i + " could not log in");
  }

  /**
   * Sends; after a 503 (a connection not back yet, a replica not caught up, a slot without its primary yet) sends
   * again after its Retry-After, as a client honouring it would. A 500, or a 503 without Retry-After, is recorded.
   */
  private Http.Res call(Supplier<Http.Res> request) {
    for (int attempt = 0; ; attempt++) {
      Http.Res r = request.get();
      if (r.status() >= 500 && r.status() != 503) {
        badAnswers.add(r.status() + " " + r.body());
        return r;
      }
      if (r.status() != 503) {
        return r;
      }
      unavailable++;
      String retryAfter = r.headers().get("Retry-After");
      if (retryAfter == null) {
        badAnswers.add("503 without Retry-After: " + r.body());
        retryAfter = "1";
      }
      if (attempt == 30) {
        badAnswers.add("still 503 after 30 tries: " + r.body());
        return r;
      }
      try {
        Thread.sleep(Math.max(200, Long.parseLong(retryAfter) * 1000)); // the client's pause, as Retry-After asks
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
