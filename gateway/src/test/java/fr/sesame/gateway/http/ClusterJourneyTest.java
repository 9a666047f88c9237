package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeHttpServer.Reply;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.RedisCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The voter journeys on a real Redis Cluster (issue 17, point 4): 3 primaries and 3 replicas (test-kit
 * {@link RedisCluster}), a gateway of two event loops on it with {@code redis.minReplicas} 1 (each confirmed write's
 * WAIT on the primary that took it), SMS codes through the real OVH adapter to a fake OVH API. A roll import, logins
 * by secret and SMS code, introspection, one émargement per voter, a phone given at login claimed for one voter
 * only (its claim in another slot than the voter's), an exact lockout under concurrent wrong secrets, an exact
 * failure limit under concurrent wrong identifiers (the limits in the election's limit slot, reserved then
 * settled), the outbox's delivery and the audit trail's verification.
 */
class ClusterJourneyTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  static RedisCluster cluster;
  static Vertx vertx;
  static FakeHttpServer fakeOvh;
  static TestGateway gw;
  static RedisClusterClient client;
  static StatefulRedisClusterConnection<String, String> redis;

  @BeforeAll
  static void start() {
    cluster = RedisCluster.start();
    vertx = Vertx.vertx();
    fakeOvh = new FakeHttpServer(vertx)
        .route(r -> r.path().endsWith("/auth/time"), r -> Reply.of(200, Long.toString(Instant.now().getEpochSecond())))
        .route(r -> true, r -> Reply.of(200, "{\"ids\":[1],\"validReceivers\":[],\"invalidReceivers\":[]}"));
    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of(
        "sms", Map.of("chain", List.of("ovh"), "providers", Map.of("ovh", Map.of("type", "ovh-sms",
            "endpoint", fakeOvh.url() + "/1.0", "serviceName", "sms-test-1", "sender", "SESAME", "attempts", 1)))),
        Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "ak", "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "as",
            "SESAME_PROVIDER_OVH_CONSUMER_KEY", "ck"));
    gw = TestGateway.onRedisWithProviders(2,
        new RedisConfig(cluster.url(), true, Duration.ofSeconds(5), 1, Duration.ofMillis(1000)), channels);
    client = RedisClusterClient.create(cluster.url());
    redis = client.connect();
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
      client.shutdown();
    }
    if (gw != null) {
      gw.close();
    }
    if (fakeOvh != null) {
      fakeOvh.close();
      vertx.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A roll of {@code n} students with phones ({@code v0..}) and two without ({@code p1}, {@code p2}). */
  static String roll(int n) {
    StringBuilder roll = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < n; i++) {
      roll.append("v").append(i).append(",etudiants,Nom,Prenom,2000-01-01,v").append(i).append("@cluster.test,")
          .append(phone(i)).append(',').append(secret(i)).append('\n');
    }
    roll.append("p1,etudiants,Nom,Prenom,2000-01-01,p1@cluster.test,,20239001\n");
    roll.append("p2,etudiants,Nom,Prenom,2000-01-01,p2@cluster.test,,20239002\n");
    return roll.toString();
  }

  static String phone(int i) {
    return String.format("+336120%05d", i);
  }

  static String secret(int i) {
    return String.format("2023%04d", i);
  }

  static String election(TestGateway gw, int voters) {
    String el = TestGateway.newElectionId();
    Http.Res put = gw.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10))));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    Http.Res imp = gw.importRoll(el, roll(voters));
    assertThat(imp.status()).as(imp.body()).isEqualTo(200);
    assertThat(imp.json().getLong("imported")).isEqualTo(voters + 2L);
    return el;
  }

  /** The code of the newest SMS job the fake OVH received for {@code number}. */
  static String smsCode(FakeHttpServer ovh, String number) {
    List<JsonObject> jobs = ovh.requests().stream().filter(r -> r.path().endsWith("/jobs"))
        .map(r -> new JsonObject(r.body()))
        .filter(j -> j.getJsonArray("receivers").getList().contains(number)).toList();
    assertThat(jobs).as("an SMS to " + number).isNotEmpty();
    Matcher m = CODE.matcher(jobs.get(jobs.size() - 1).getString("message"));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static Http.Res login(TestGateway gw, String el, String id, String secret, String phone) {
    JsonObject body = new JsonObject().put("identifier", id).put("secret", secret).put("channel", "sms");
    if (phone != null) {
      body.put("phone", phone);
    }
    return gw.http.post("/v1/elections/" + el + "/login", body);
  }

  /** Logs voter {@code i} in by secret and SMS code. @return the session token */
  static String fullLogin(TestGateway gw, FakeHttpServer ovh, String el, int i) {
    Http.Res r = login(gw, el, "v" + i, secret(i), null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Http.Res v = gw.verify(el, r.json().getString("challengeId"), smsCode(ovh, phone(i)));
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    return v.json().getString("sessionToken");
  }

  @Test
  void votersLogInByCodeVoteOnceAndTheTrailVerifies() {
    String el = election(gw, 8);
    Set<String> primaries = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      primaries.add(cluster.primaryFor(RedisKeys.voter(TestGateway.pseudonym(el, "v" + i))).address());
    }
    assertThat(primaries).as("the voters' slots spread over several primaries").hasSizeGreaterThan(1);

    for (int i = 0; i < 3; i++) {
      String token = fullLogin(gw, fakeOvh, el, i);
      String p = TestGateway.pseudonym(el, "v" + i);
      assertThat(redis.sync().exists("rl:{v:" + p + "}:login-voter:" + p))
          .as("the code sent charged login-voter in the voter's slot").isEqualTo(1);
      Http.Res active = gw.http.post("/v1/introspect", TestGateway.PLATFORM, new JsonObject().put("token", token));
      assertThat(active.json().getBoolean("active")).as(active.body()).isTrue();
      Http.Res vote = gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new JsonObject().put("sessionToken", token));
      assertThat(vote.status()).as(vote.body()).isEqualTo(201);
      Http.Res same = gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new JsonObject().put("sessionToken", token));
      assertThat(same.status()).as("the same session's retry gets its record").isEqualTo(201);
      assertThat(same.json().getString("votedAt")).isEqualTo(vote.json().getString("votedAt"));
      String other = fullLogin(gw, fakeOvh, el, i);
      Http.Res twice = gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new JsonObject().put("sessionToken", other));
      assertThat(twice.status()).as("a second émargement: " + twice.body()).isEqualTo(409);
    }
    assertThat(redis.sync().hlen(RedisKeys.emargements(el))).isEqualTo(3);

    Http.Res verdict = gw.http.get("/v1/admin/elections/" + el + "/audit/verify", TestGateway.ADMIN);
    assertThat(verdict.status()).as(verdict.body()).isEqualTo(200);
    assertThat(verdict.json().getBoolean("valid")).as(verdict.body()).isTrue();
    assertThat(verdict.json().getLong("events")).isGreaterThan(10);
  }

  @Test
  void aPhoneGivenAtLoginIsClaimedForOneVoterOnly() {
    String el = election(gw, 1);
    String number = "+33612999001";
    String p1 = RedisKeys.voter(TestGateway.pseudonym(el, "p1"));
    Http.Res first = login(gw, el, "p1", "20239001", number);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(smsCode(fakeOvh, number)).isNotEmpty();
    Http.Res taken = login(gw, el, "p2", "20239002", number);
    assertThat(taken.status()).as(taken.body()).isEqualTo(409);
    assertThat(taken.problemType()).isEqualTo("/problems/phone-in-use");
    assertThat(redis.sync().hexists(RedisKeys.voter(TestGateway.pseudonym(el, "p2")), "lp"))
        .as("nothing written for the refused voter").isFalse();
    Http.Res again = login(gw, el, "p1", "20239001", number);
    assertThat(again.status()).as("the claim's owner again: " + again.body()).isEqualTo(200);
    assertThat(redis.sync().hexists(p1, "lp")).isTrue();
  }

  @Test
  void concurrentWrongSecretsLockAfterExactlyFiveFailures() {
    String el = election(gw, 1);
    List<Future<Http.Res>> calls = new ArrayList<>();
    for (int n = 0; n < 12; n++) {
      calls.add(gw.http.async(HttpMethod.POST, "/v1/elections/" + el + "/login", null, "application/json",
          Buffer.buffer(new JsonObject().put("identifier", "v0").put("secret", "20230999").put("channel", "sms")
              .encode())));
    }
    List<Http.Res> answers = gw.http.parallel(calls);
    assertThat(answers.stream().filter(r -> r.status() == 401).count()).as("failures answered 401").isEqualTo(4);
    assertThat(answers.stream().filter(r -> r.status() == 423).count()).as("the lock and after").isEqualTo(8);
    String voter = RedisKeys.voter(TestGateway.pseudonym(el, "v0"));
    assertThat(redis.sync().hget(voter, "f")).as("failures counted").isEqualTo("5");
    assertThat(redis.sync().hexists(voter, "la")).isTrue();
    assertThat(redis.sync().exists("rl:{v:" + TestGateway.pseudonym(el, "v0") + "}:login-voter:"
        + TestGateway.pseudonym(el, "v0"))).as("login-voter, charged on success only: never charged").isZero();
  }

  @Test
  void concurrentWrongIdentifiersGetExactlyTheFailureLimit() {
    String el = election(gw, 1);
    List<Future<Http.Res>> calls = new ArrayList<>();
    for (int n = 0; n < 130; n++) {
      calls.add(gw.http.async(HttpMethod.POST, "/v1/elections/" + el + "/login", null, "application/json",
          Buffer.buffer(new JsonObject().put("identifier", "nobody" + n).put("secret", "20230000")
              .put("channel", "sms").encode())));
    }
    List<Http.Res> answers = gw.http.parallel(calls);
    assertThat(answers.stream().filter(r -> r.status() == 401).count())
        .as("wrong identifiers decided: login-ip-failures' burst").isEqualTo(120);
    List<Http.Res> limited = answers.stream().filter(r -> r.status() == 429).toList();
    assertThat(limited).hasSize(10);
    limited.forEach(r -> assertThat(r.headers().get("Retry-After")).isNotNull());
    // as on one Redis, every limit of a step must admit one more for the step to run: a right secret from the
    // same address is refused too, and nothing is decided
    Http.Res right = login(gw, el, "v0", secret(0), null);
    assertThat(right.status()).as(right.body()).isEqualTo(429);
  }
}
