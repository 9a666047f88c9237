package fr.sesame.gateway.http;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.EventLog;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.RedisTopology;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, point 5: after Sentinel promotes a replica, logins succeed again within 2 s of its announcement
 * ({@code +switch-master}) and within 5 s of the primary's death ({@code down-after-milliseconds} 2000). Real
 * {@code redis-server} processes: a primary, one replica, three Sentinels; the gateway on {@code redis-sentinel://}.
 */
class SentinelFailoverTest {
  private static final int VOTERS = 400;

  /** A login's answer: when it came (nanoTime), and its status. */
  private record Answer(long at, int status, String problem) {}

  @Test
  void loginsSucceedAgainWithin2sOfSentinelsAnnouncementAnd5sOfTheKill() throws Exception {
    try (RedisTopology redis = RedisTopology.start(1, 3, Duration.ofSeconds(2));
         TestGateway gw = new TestGateway(2, OutboxConfig.DEFAULTS, null, redis.sentinelUrl())) {
      String el = gw.openElection();
      Http.Res imported = gw.importRoll(el, roll());
      assertThat(imported.status()).as(imported.body()).isEqualTo(200);

      // steady logins, 25 a second (under the per-IP limit), each by the next voter of the roll
      EventLog<Answer> answers = new EventLog<>();
      AtomicLong next = new AtomicLong();
      ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
      try {
        load.scheduleAtFixedRate(() -> {
          long i = next.getAndIncrement() % VOTERS;
          JsonObject body = new JsonObject().put("identifier", "v" + i).put("secret", secret(i)).put("channel", "email");
          gw.http.async(HttpMethod.POST, "/v1/elections/" + el + "/login", null, "application/json", body.toBuffer())
              .onComplete(r -> answers.add(new Answer(System.nanoTime(), r.succeeded() ? r.result().status() : -1,
                  r.succeeded() && r.result().status() != 200 ? r.result().body() : r.succeeded() ? "" : r.cause().toString())));
        }, 0, 40, TimeUnit.MILLISECONDS);
        answers.await(a -> a.status() == 200, Duration.ofSeconds(10), "a first login before the kill");

        // the election and its roll on the replica before the kill: this test is about reconnection, and a busy
        // machine can leave asynchronous replication behind (what a lagging replica loses is issue 12, point 1).
        // WAIT counts the replicas that acknowledged the asking connection's own last write: awaitReplicated
        // writes, then waits; a WAIT on a connection that never wrote answers at once and proves nothing.
        assertThat(redis.awaitReplicated(Duration.ofSeconds(10)))
            .as(() -> "replicas that applied every write so far:\n" + redis.describe()).isEqualTo(1);
        assertThat(RedisTopology.cli(redis.servers().get(1).port(), "EXISTS", "gw:{el:" + el + "}").strip())
            .as("the election on the replica before the kill").isEqualTo("1");
        var switched = redis.nextSwitch();
        int killedIndex = answers.size();
        long killedAt = System.nanoTime();
        redis.killPrimary();
        int newPrimary = await(switched, Duration.ofSeconds(30));
        long switchedAt = System.nanoTime();
        assertThat(newPrimary).isNotEqualTo(redis.initialPrimary().port());

        Answer back;
        try {
          back = answers.awaitFrom(killedIndex, a -> a.status() == 200 && a.at() > switchedAt,
              Duration.ofSeconds(10), "a login answered 200 after Sentinel's announcement");
        } catch (AssertionError e) {
          StringBuilder where = new StringBuilder("new primary " + newPrimary + "; ");
          for (RedisTopology.Node n : redis.servers()) {
            where.append(n.port()).append(n.alive() ? " alive" : " dead").append(" election=")
                .append(RedisTopology.cli(n.port(), "EXISTS", "gw:{el:" + el + "}").strip()).append(" role=")
                .append(RedisTopology.cli(n.port(), "ROLE").lines().findFirst().orElse("")).append(" clients=")
                .append(RedisTopology.cli(n.port(), "CLIENT", "LIST").lines().filter(l -> l.contains("sesame-"))
                    .count()).append("; ");
          }
          where.append("\n").append(redis.describe()).append("logs kept in ").append(redis.keepFiles()).append('\n');
          throw new AssertionError(where + " " + e.getMessage().substring(0, Math.min(300, e.getMessage().length())), e);
        }
        Duration fromSwitch = Duration.ofNanos(back.at() - switchedAt);
        Duration fromKill = Duration.ofNanos(back.at() - killedAt);
        System.out.printf("failover: Sentinel announced after %d ms; logins back %d ms after the announcement, "
            + "%d ms after the kill%n", (switchedAt - killedAt) / 1_000_000, fromSwitch.toMillis(), fromKill.toMillis());
        assertThat(fromSwitch).as("from Sentinel's +switch-master to the first successful login")
            .isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(fromKill).as("from the kill to the first successful login").isLessThanOrEqualTo(Duration.ofSeconds(5));
      } finally {
        load.shutdownNow();
        load.awaitTermination(10, TimeUnit.SECONDS);
      }
      // every login sent has its answer before the client closes (a late answer would land on a closed client)
      assertThat(answers.awaitMoreThan((int) next.get() - 1, Duration.ofSeconds(20))).as("every login answered").isTrue();
      // every answer during the outage was a success or a problem: 503, never a hang (-1) or a 500
      assertThat(answers.all()).extracting(Answer::status).allMatch(s -> s == 200 || s == 503,
          "200 or 503 problem+json");
    }
  }

  private static String secret(long i) {
    return String.format("S%07d", i);
  }

  private static String roll() {
    StringBuilder csv = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < VOTERS; i++) {
      csv.append("v").append(i).append(",etudiants,Nom,Prenom,2001-01-01,v").append(i)
          .append("@univ-test.fr,,").append(secret(i)).append('\n');
    }
    return csv.toString();
  }
}
