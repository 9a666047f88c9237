package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.Message;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.ResetProxy;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.EventLog;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconnect drill of issue 12, as a test: the API's Redis connections are reset at least 20 times in a few
 * seconds, each time after Redis ran a command and before its answer arrived, under steady journeys (two wrong
 * secrets, the right secret, the right code, the émargement; the client retries a 503 after the connection is
 * back, with the same Idempotency-Key for login steps). Then: no failure counted twice, no right code answered
 * 404 (a challenge consumed by a replay), no first émargement answered 409, and every answer a success, the
 * expected 401, or a 503 problem+json.
 */
class ReconnectDrillTest {
  static final int VOTERS = 600;
  static final int RESETS = 20;
  static final ResetProxy proxy = new ResetProxy(TestRedis.url());
  static final DevOutbox dev = new DevOutbox(Clock.systemUTC(), 100_000);
  static final EventLog<Message> sent = new EventLog<>();
  @RegisterExtension
  static final TestGateway gw = new TestGateway(2, OutboxConfig.DEFAULTS, (vertx, registry) -> notifier(),
      proxy.url(), widerElectionWindow());

  /**
   * The test limits, but login-election's window (10,000 at 5,000/s: 2 s) widened to 20 s. Six workers move the
   * one test clock a second each per journey, so two requests in flight read clocks seconds apart, which real
   * clocks never do; a request whose clock is over a window behind the last admission reads that state as a
   * debt (a 429: gcra.lua, rl_tat), as it should for clocks that far apart.
   */
  private static fr.sesame.gateway.config.LimitsConfig widerElectionWindow() {
    var t = TestGateway.TEST_LIMITS;
    return new fr.sesame.gateway.config.LimitsConfig(t.loginIp(), t.loginIpFailures(), t.loginVoter(),
        fr.sesame.gateway.config.LimitsConfig.open("login-election", 5_000, Duration.ofSeconds(1), 100_000),
        t.phoneNumber(), t.phoneNumberDay(), t.phonePrefix(), t.phoneCountry(), t.phoneCountries(), t.prefixDigits(),
        t.breakerCooldown());
  }
  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  static Notifier notifier() {
    return (message, attempts, exclude) -> dev.send(message, attempts, exclude).onSuccess(r -> sent.add(message));
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  /** What went wrong, one line each: the test's failure lists them. */
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private final AtomicInteger answers503 = new AtomicInteger();
  private final AtomicInteger journeys = new AtomicInteger();

  @Test
  void resetsUnderSteadyLoginsCountNothingTwiceAndLoseNothing() throws Exception {
    String el = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(1)))).status())
        .isEqualTo(201);
    StringBuilder roll = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < VOTERS; i++) {
      roll.append("v").append(i).append(",etudiants,Nom,Prenom,2000-01-01,v").append(i)
          .append("@drill.test,,S").append(1000 + i).append('\n');
    }
    assertThat(gw.importRoll(el, roll.toString()).json().getLong("imported")).isEqualTo(VOTERS);
    journey(el, VOTERS - 1); // every script known to Redis before the first reset

    AtomicInteger next = new AtomicInteger();
    proxy.resetEvery(Duration.ofMillis(120));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      workers.add(pool.submit(() -> {
        int v;
        while (proxy.resets() < RESETS && (v = next.getAndIncrement()) < VOTERS - 1) {
          journey(el, v);
        }
      }));
    }
    for (Future<?> f : workers) {
      f.get(60, TimeUnit.SECONDS);
    }
    proxy.calm();
    pool.shutdown();

    System.out.printf("reconnect drill: %d journeys, %d resets, %d answers 503, %d problems%n", journeys.get(),
        proxy.resets(), answers503.get(), problems.size());
    assertThat(proxy.resets()).as("connection resets").isGreaterThanOrEqualTo(RESETS);
    assertThat(problems).as("after %d journeys, %d resets, %d answers 503", journeys.get(), proxy.resets(),
        answers503.get()).isEmpty();
  }

  private void journey(String el, int i) {
    String id = "v" + i;
    String email = "v" + i + "@drill.test";
    // all journeys come from one address: a second of the gateway's clock frees the 2 wrong secrets it allows
    // per second (login-ip-failures), so the drill measures resets, not the fraud guard
    gw.clock.advance(Duration.ofSeconds(1));
    int got401 = 0;
    for (int w = 0; w < 2; w++) {
      Http.Res r = gw.login(el, id, "WRONG0", "email");
      if (r.status() == 401) {
        got401++;
      } else {
        expect503(r, id + " wrong secret");
      }
    }
    String f = TestRedis.sync().hget(RedisKeys.voter(TestGateway.pseudonym(el, id)), "f");
    long failures = f == null ? 0 : Long.parseLong(f);
    if (failures > 2 || failures < got401) {
      problems.add(id + ": " + failures + " failures counted for 2 wrong secrets (" + got401 + " answered 401)");
    }

    int from = sent.size();
    Map<String, String> k1 = key();
    Http.Res login = retried(() -> gw.http.post("/v1/elections/" + el + "/login", k1,
        new JsonObject().put("identifier", id).put("secret", "S" + (1000 + i)).put("channel", "email")), id + " login");
    if (login.status() != 200) {
      problems.add(id + ": login answered " + login.status() + " " + login.body());
      return;
    }
    java.time.Instant loggedInAt = gw.clock.instant();
    Message m = sent.awaitFrom(from, msg -> msg.to().equals(email), Duration.ofSeconds(15), "the code for " + id);
    Matcher code = CODE.matcher(m.text().replace(", ", ""));
    assertThat(code.find()).isTrue();
    String challenge = login.json().getString("challengeId");
    Map<String, String> k2 = key();
    Http.Res verify = retried(() -> gw.http.post("/v1/elections/" + el + "/login/" + challenge + "/verify", k2,
        new JsonObject().put("code", code.group(1))), id + " verify");
    if (verify.status() == 410 && Duration.between(loggedInAt, gw.clock.instant()).compareTo(
        fr.sesame.gateway.config.OtpConfig.DEFAULTS.validity()) >= 0) {
      // the other workers' journeys moved the shared clock past the code's validity while this one waited for
      // its connection: the code did expire, by the test's own clock (not a reset's doing)
      journeys.incrementAndGet();
      return;
    }
    if (verify.status() != 200) {
      problems.add(id + ": the right code answered " + verify.status() + " " + verify.body());
      return;
    }
    String token = verify.json().getString("sessionToken");
    Http.Res vote = retried(() -> gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
        new JsonObject().put("sessionToken", token)), id + " émargement");
    if (vote.status() != 201) {
      problems.add(id + ": the first émargement answered " + vote.status() + " " + vote.body());
    }
    journeys.incrementAndGet();
  }

  private static Map<String, String> key() {
    return Map.of("Idempotency-Key", "\"" + UUID.randomUUID() + "\"");
  }

  /** Sends, and after a 503 sends again once a connection is back (as a client honouring Retry-After would). */
  private Http.Res retried(Supplier<Http.Res> request, String what) {
    for (int attempt = 0; attempt < 50; attempt++) {
      var back = gw.gateway.nextApiRedisReconnections(1);
      Http.Res r = request.get();
      if (r.status() != 503) {
        return r;
      }
      expect503(r, what);
      Await.await(back, Duration.ofSeconds(10));
    }
    problems.add(what + ": still 503 after 50 attempts");
    return new Http.Res(503, null, "");
  }

  private void expect503(Http.Res r, String what) {
    answers503.incrementAndGet();
    if (r.status() != 503 || !"application/problem+json".equals(r.contentType())) {
      // a refusal by a limit names it (RateLimit-Policy) and its state (RateLimit): which limit, how far
      problems.add(what + ": answered " + r.status() + " " + r.body() + (r.status() == 429 ? " policy "
          + r.headers().get("RateLimit-Policy") + " state " + r.headers().get("RateLimit") + " at clock "
          + gw.clock.instant() : ""));
    }
  }
}
