package fr.sesame.loadtests.drill;

import fr.sesame.loadtests.env.LoadEnvironment;
import fr.sesame.loadtests.env.ProviderSink;
import fr.sesame.loadtests.env.Voters;
import fr.sesame.testkit.Ports;
import fr.sesame.testkit.RedisTopology;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The failover drill (issue 12): on this machine's loopback, a Redis primary, one replica and 3 Sentinels
 * ({@code down-after-milliseconds} 2000), two gateways ({@code serve}, {@code REDIS_URL=redis-sentinel://...}, codes
 * by SMS to a {@link ProviderSink}); steady journeys (login, code, verify, introspection, émargement) plus wrong
 * secrets that lock accounts; the primary killed with SIGKILL mid-run. It prints how long until logins succeed
 * again (from the kill and from Sentinel's {@code +switch-master}), the failed requests by route, status and
 * problem type, and what was lost: acknowledged émargements, failures and locks, and sessions, each checked
 * after the run through the gateways (now on the new primary) and the émargements also on the new primary itself;
 * and voters with two émargements. Exits 1 when anything acknowledged was lost or a voter has two émargements.
 *
 * <p>Settings (system properties): {@code sesame.gatewayJar} (default {@code gateway/target/sesame-gateway.jar}),
 * {@code sesame.drill.rate} journeys/s (20), {@code sesame.drill.before} and {@code sesame.drill.after} seconds of
 * load before and after the kill (10, 20), {@code sesame.drill.minReplicas} passed to the gateways as
 * {@code SESAME_REDIS_MIN_REPLICAS} (unset by default). README, "Operations".
 */
public final class FailoverDrill {
  private static final Duration DOWN_AFTER = Duration.ofSeconds(2);
  private static final int IPS = 2_000;
  private static final String WRONG = "WRONG0000";

  /** One answered (or failed) request. */
  private record Call(String route, int gateway, long start, long end, int status, String problem) {}

  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> bases;
  private final ProviderSink sink;
  private final String election;
  private final String platformKey;
  private final String supportKey;
  private final long first;
  // what the gateways acknowledged
  private final Map<Long, String> sessions = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> emargements = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Set<Long> locks = ConcurrentHashMap.newKeySet();
  private final AtomicInteger codesMissing = new AtomicInteger();
  private final AtomicInteger falseAlreadyVoted = new AtomicInteger();
  private final AtomicInteger journeysDone = new AtomicInteger();

  private FailoverDrill(List<String> bases, ProviderSink sink, String election, String platformKey, String supportKey,
                        long first) {
    this.bases = bases;
    this.sink = sink;
    this.election = election;
    this.platformKey = platformKey;
    this.supportKey = supportKey;
    this.first = first;
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(System.getProperty("sesame.gatewayJar", "gateway/target/sesame-gateway.jar"));
    int rate = Integer.getInteger("sesame.drill.rate", 20);
    int before = Integer.getInteger("sesame.drill.before", 10);
    int after = Integer.getInteger("sesame.drill.after", 20);
    String minReplicas = System.getProperty("sesame.drill.minReplicas", "");
    int replicas = Integer.getInteger("sesame.drill.replicas", 1);
    if (!Files.exists(jar)) {
      throw new IllegalStateException("no gateway at " + jar.toAbsolutePath() + ": build it first");
    }
    System.exit(run(jar, rate, before, after, minReplicas, replicas));
  }

  private static int run(Path jar, int rate, int before, int after, String minReplicas, int replicas)
      throws Exception {
    System.out.printf("Failover drill: primary + " + replicas + " replica(s) + 3 Sentinels (down-after %d ms), 2 gateways, %d journeys/s"
        + " and %d wrong secrets/s, primary killed after %d s, %d s more%n", DOWN_AFTER.toMillis(), rate,
        Math.max(1, rate / 10), before, after);
    List<Process> gateways = new ArrayList<>();
    try (RedisTopology redis = RedisTopology.start(replicas, 3, DOWN_AFTER); ProviderSink sink = ProviderSink.start()) {
      System.out.println("Redis " + RedisTopology.cli(redis.initialPrimary().port(), "INFO", "server").lines()
          .filter(l -> l.startsWith("redis_version")).findFirst().orElse("?").strip() + ", " + redis.sentinelUrl());
      String admin = "drill-admin-" + LoadEnvironment.randomHex();
      String platform = "drill-platform-" + LoadEnvironment.randomHex();
      String support = "drill-support-" + LoadEnvironment.randomHex();
      String hashKey = LoadEnvironment.randomKey();
      String dataKey = LoadEnvironment.randomKey();
      Map<String, String> env = minReplicas.isBlank() ? Map.of() : Map.of("SESAME_REDIS_MIN_REPLICAS", minReplicas);
      List<String> bases = new ArrayList<>();
      for (int g = 1; g <= 2; g++) {
        int port = Ports.unused();
        Process p = LoadEnvironment.startGateway(jar, "256m", port, redis.sentinelUrl(), sink, admin, platform, support,
            hashKey, dataKey, "drill-gateway-" + g, env);
        gateways.add(p);
        String base = "http://127.0.0.1:" + port;
        LoadEnvironment.awaitReady(base, p, LoadEnvironment.relayLog(p, logOf(jar, g)));
        bases.add(base);
      }
      String election = "drill-" + Instant.now().getEpochSecond();
      LoadEnvironment.createElection(bases.get(0), admin, election);
      long voters = (long) rate * (before + after) + 1_000;
      long first = ThreadLocalRandom.current().nextLong(Voters.capacity() / 2);
      LoadEnvironment.importRoll(bases.get(0), admin, election, first, voters);
      FailoverDrill drill = new FailoverDrill(bases, sink, election, platform, support, first);
      int code = drill.drive(redis, rate, before, after);
      code |= stop(gateways, jar);
      return code;
    } finally {
      gateways.forEach(Process::destroyForcibly);
    }
  }

  private static Path logOf(Path jar, int gateway) {
    return jar.toAbsolutePath().getParent().resolve("drill-gateway-" + gateway + ".log");
  }

  private int drive(RedisTopology redis, int rate, int before, int after) throws Exception {
    ExecutorService journeys = Executors.newFixedThreadPool(64);
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    AtomicLong nextVoter = new AtomicLong(first);
    long lockVoters = first + (long) rate * (before + after) + 500; // voters that only get wrong secrets
    AtomicLong wrongSent = new AtomicLong();
    clock.scheduleAtFixedRate(() -> journeys.submit(() -> journey(nextVoter.getAndIncrement())),
        0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
    clock.scheduleAtFixedRate(() -> journeys.submit(() -> wrongSecret(lockVoters + wrongSent.getAndIncrement() / 5)),
        0, 1_000_000 / Math.max(1, rate / 10), TimeUnit.MICROSECONDS);
    AtomicLong switchedAt = new AtomicLong();
    var switched = redis.nextSwitch();
    switched.thenRun(() -> switchedAt.set(System.nanoTime()));
    Thread.sleep(before * 1_000L); // the drill's schedule, not a wait for an event
    long killedAt = System.nanoTime();
    redis.killPrimary();
    System.out.println("Killed the primary (SIGKILL) on port " + redis.initialPrimary().port());
    Thread.sleep(after * 1_000L);
    clock.shutdownNow();
    journeys.shutdown();
    if (!journeys.awaitTermination(60, TimeUnit.SECONDS)) {
      System.out.println("journeys still running after 60 s");
    }
    int newPrimary = switched.isDone() ? switched.get() : -1;
    try {
      return report(redis, killedAt, switchedAt.get(), newPrimary);
    } catch (IllegalStateException e) { // the service is still down: what was acknowledged cannot be checked
      System.out.println("LOST: unknown, the checks after the run failed: " + e.getMessage());
      return 1;
    }
  }

  private void journey(long i) {
    int g = (int) (i % 2);
    String ip = Voters.ip(i, IPS);
    JsonObject start = call("login", g, "/v1/elections/" + election + "/login", null, ip,
        "{\"identifier\":\"" + Voters.identifier(i) + "\",\"secret\":\"" + Voters.secret(i) + "\",\"channel\":\"sms\"}",
        200);
    if (start == null) {
      return;
    }
    String code;
    try {
      code = sink.takeCode(Voters.phone(i), Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (code == null) {
      codesMissing.incrementAndGet();
      return;
    }
    JsonObject verified = call("verify", g, "/v1/elections/" + election + "/login/" + start.getString("challengeId")
        + "/verify", null, ip, "{\"code\":\"" + code + "\"}", 200);
    if (verified == null) {
      return;
    }
    String token = verified.getString("sessionToken");
    sessions.put(i, token);
    if (call("introspect", g, "/v1/introspect", platformKey, null, "{\"token\":\"" + token + "\"}", 200) == null) {
      return;
    }
    // the platform retries an émargement that failed (503, no answer), at most 5 times, a second apart
    for (int attempt = 0; attempt < 5; attempt++) {
      Call c = exchange("emargement", attempt == 0 ? g : 1 - g, "/v1/elections/" + election + "/emargements",
          platformKey, null, "{\"sessionToken\":\"" + token + "\",\"voterIp\":\"" + ip + "\"}");
      if (c.status() == 201) {
        emargements.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
        break;
      }
      if (c.status() == 409) {
        if (attempt > 0 && !emargements.containsKey(i)) {
          falseAlreadyVoted.incrementAndGet(); // the first attempt was applied but not acknowledged
        }
        break;
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    journeysDone.incrementAndGet();
  }

  private void wrongSecret(long i) {
    Call c = exchange("wrong secret", (int) (i % 2), "/v1/elections/" + election + "/login", null, Voters.ip(i, IPS),
        "{\"identifier\":\"" + Voters.identifier(i) + "\",\"secret\":\"" + WRONG + "\",\"channel\":\"sms\"}");
    if (c.status() == 401 || c.status() == 423 && c.problem().endsWith("account-locked") && !locks.contains(i)) {
      failures.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
    }
    if (c.status() == 423) {
      locks.add(i);
    }
  }

  /** @return the JSON answer when the status is {@code expected}, else null (the call is recorded either way) */
  private JsonObject call(String route, int g, String path, String key, String ip, String body, int expected) {
    Call c = exchange(route, g, path, key, ip, body);
    return c.status() == expected ? lastBody.get() : null;
  }

  private final ThreadLocal<JsonObject> lastBody = new ThreadLocal<>();

  private Call exchange(String route, int g, String path, String key, String ip, String body) {
    long start = System.nanoTime();
    int status;
    String problem = "";
    try {
      HttpResponse<String> r = LoadEnvironment.exchange(http, bases.get(g) + path, "POST", key, ip, "application/json",
          HttpRequest.BodyPublishers.ofString(body), Duration.ofSeconds(10));
      status = r.statusCode();
      JsonObject json = r.body().startsWith("{") ? new JsonObject(r.body()) : new JsonObject();
      lastBody.set(json);
      if (status >= 400) {
        problem = json.getString("type", r.headers().firstValue("content-type").orElse("?"));
      }
    } catch (Exception e) {
      status = -1;
      problem = e.getClass().getSimpleName();
    }
    Call c = new Call(route, g, start, System.nanoTime(), status, problem);
    calls.add(c);
    return c;
  }

  private JsonObject get(int g, String path, String key) throws Exception {
    HttpResponse<String> r = LoadEnvironment.exchange(http, bases.get(g) + path, "GET", key, null, null, null,
        Duration.ofSeconds(10));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  private int report(RedisTopology redis, long killedAt, long switchedAt, int newPrimary) throws Exception {
    System.out.println();
    System.out.println("=== Failover drill results ===");
    System.out.printf("Sentinel's +switch-master: %s after the kill; new primary on port %d (Sentinels now name %d)%n",
        switchedAt == 0 ? "never" : ms(switchedAt - killedAt), newPrimary, redis.currentPrimaryPort());
    for (int g = -1; g < 2; g++) {
      int gw = g;
      long back = calls.stream().filter(c -> c.route().equals("login") && c.status() == 200 && c.start() > killedAt
          && (gw < 0 || c.gateway() == gw)).mapToLong(Call::end).min().orElse(0);
      long lastFailure = calls.stream().filter(c -> c.status() >= 500 || c.status() < 0)
          .filter(c -> gw < 0 || c.gateway() == gw).mapToLong(Call::end).max().orElse(0);
      System.out.printf("%s: first login 200 (sent after the kill) %s after the kill, %s after +switch-master;"
              + " last failed request answered %s after the kill%n", gw < 0 ? "Service" : "  gateway " + (gw + 1),
          back == 0 ? "never" : ms(back - killedAt), back == 0 || switchedAt == 0 ? "-" : ms(back - switchedAt),
          lastFailure == 0 ? "-" : ms(lastFailure - killedAt));
    }
    Map<String, Integer> byRoute = new TreeMap<>();
    Map<String, Integer> failed = new TreeMap<>();
    for (Call c : calls) {
      byRoute.merge(c.route(), 1, Integer::sum);
      boolean expected = c.status() >= 200 && c.status() < 300
          || c.route().equals("wrong secret") && (c.status() == 401 || c.status() == 423);
      if (!expected) {
        failed.merge(c.route() + " " + c.status() + " " + c.problem(), 1, Integer::sum);
      }
    }
    System.out.println("Requests: " + byRoute + "; journeys completed: " + journeysDone.get());
    System.out.println("Failed requests (route status problem): " + (failed.isEmpty() ? "none" : ""));
    failed.forEach((k, v) -> System.out.printf("  %5d  %s%n", v, k));
    System.out.println("Logins answered 200 whose code never reached the SMS sink within 10 s: " + codesMissing.get());
    System.out.println("Émargements answered 409 already-voted on a retry, the first attempt unacknowledged: "
        + falseAlreadyVoted.get());

    // what was acknowledged, checked after the run
    int lostEmargements = 0;
    int doubles = 0;
    for (var e : emargements.entrySet()) {
      if (e.getValue().get() > 1) {
        doubles++;
      }
      if (!status(e.getKey()).getBoolean("hasVoted", false)) {
        lostEmargements++;
      }
    }
    int lostLocks = 0;
    int lostFailures = 0;
    for (var e : failures.entrySet()) {
      JsonObject s = status(e.getKey());
      if (locks.contains(e.getKey()) && !"locked".equals(s.getString("status"))) {
        lostLocks++;
      }
      lostFailures += Math.max(0, e.getValue().get() - s.getInteger("failedAttempts", 0));
    }
    int lostSessions = 0;
    for (var e : sessions.entrySet()) {
      HttpResponse<String> r = LoadEnvironment.exchange(http, bases.get(0) + "/v1/introspect", "POST", platformKey, null,
          "application/json", HttpRequest.BodyPublishers.ofString("{\"token\":\"" + e.getValue() + "\"}"),
          Duration.ofSeconds(10));
      if (r.statusCode() != 200 || !new JsonObject(r.body()).getBoolean("active", false)) {
        lostSessions++;
      }
    }
    String stored = newPrimary > 0 ? RedisTopology.cli(newPrimary, "HLEN", "gw:{el:" + election + "}:em").strip() : "?";
    System.out.printf("Acknowledged: %d émargements (on the new primary: %s), %d failures on %d voters, %d locks,"
        + " %d sessions%n", emargements.size(), stored, failures.values().stream().mapToInt(AtomicInteger::get).sum(),
        failures.size(), locks.size(), sessions.size());
    System.out.printf("LOST: %d émargements, %d failures, %d locks, %d sessions; voters with two émargements 201: %d%n",
        lostEmargements, lostFailures, lostLocks, lostSessions, doubles);
    boolean storedShort = !stored.equals("?") && Long.parseLong(stored) < emargements.size();
    if (storedShort) {
      System.out.println("LOST: the new primary holds fewer émargements than were acknowledged");
    }
    return lostEmargements + lostFailures + lostLocks + lostSessions + doubles > 0 || storedShort ? 1 : 0;
  }

  private JsonObject status(long i) throws Exception {
    return get(0, "/v1/support/elections/" + election + "/voters/" + Voters.identifier(i), supportKey);
  }

  /** SIGTERMs both gateways; @return 0 when both exit 0 within 15 s */
  private static int stop(List<Process> gateways, Path jar) throws Exception {
    int code = 0;
    for (Process p : gateways) {
      p.toHandle().destroy(); // SIGTERM (Process.destroy() would close the relay's end of its output)
    }
    for (int g = 0; g < gateways.size(); g++) {
      Process p = gateways.get(g);
      boolean exited = p.waitFor(15, TimeUnit.SECONDS);
      long errors = Files.lines(logOf(jar, g + 1)).filter(l -> l.contains(" ERROR ")).count();
      System.out.printf("Gateway %d stopped on SIGTERM: %s; ERROR lines in its log: %d (%s)%n", g + 1,
          exited ? "exit " + p.exitValue() : "still running after 15 s", errors, logOf(jar, g + 1));
      if (!exited || p.exitValue() != 0) {
        code = 1;
      }
    }
    return code;
  }

  private static String ms(long nanos) {
    return String.format("%.2f s", nanos / 1e9);
  }
}
