package fr.sesame.loadtests.bench;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.Gateway;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.ChainedAuditTrail;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.config.OtpConfig;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.config.SessionConfig;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.dev.EmbeddedRedis;
import fr.sesame.gateway.evidence.IntegrityAlerts.Finding;
import fr.sesame.gateway.evidence.IntegrityChecker;
import fr.sesame.gateway.evidence.IntegrityReport;
import fr.sesame.gateway.store.redis.RedisAuditStore;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.loadtests.env.Voters;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The integrity check's cost (issue 16, point 3) with a large roll: imports {@code sesame.voters} voters (1,000,000)
 * into a gateway started in this JVM, seals the election, then runs the period's check
 * ({@link IntegrityChecker#check(String)}) for two whole rotations of the roll's buckets: quiet (no new audit event),
 * then busy ({@code sesame.events} new audit events before each period, a sixth of them émargements with their
 * records, as an election's peak appends). For each period it measures the JVM's CPU time (the harness waits while
 * the gateway works: the process's CPU is the check's) and Redis's time (the delta of {@code INFO commandstats}'
 * usec totals); then the same for one full check (the start and end checks' cost). Fails loudly when a figure has no
 * sample, or a check finds a problem on the untouched election.
 *
 * <p>Run: {@code mvn -o -B -q -pl loadtests -am install -DskipTests}, then
 * {@code java -Xmx2g -cp "$(cat cp.txt):loadtests/target/classes" fr.sesame.loadtests.bench.IntegrityCheckCost}
 * (cp.txt from {@code mvn -o -q -pl loadtests dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
public final class IntegrityCheckCost {
  static final byte[] HASH_KEY = "bench-hash-key-bench-hash-key-32".getBytes();
  static final byte[] DATA_KEY = "bench-data-key-bench-data-key-32".getBytes();
  static final String ADMIN = "bench-admin-key";

  private IntegrityCheckCost() {}

  public static void main(String[] args) throws Exception {
    long voters = Long.getLong("sesame.voters", 1_000_000);
    int events = Integer.getInteger("sesame.events", 60_000);
    int rotation = 64 / IntegrityChecker.BUCKETS_PER_RUN;
    String redisUrl = System.getenv("REDIS_URL");
    EmbeddedRedis embedded = null;
    if (redisUrl == null) {
      embedded = EmbeddedRedis.start();
      redisUrl = embedded.url();
    }
    GatewayConfig config = new GatewayConfig(new HttpConfig(0, "127.0.0.1", 65536, 4L << 30, "none", 2),
        new RedisConfig(redisUrl, false, Duration.ofSeconds(30)), HASH_KEY, DATA_KEY,
        ConfigLoader.parseApiKeys("admin:" + ADMIN, new KeyedHasher(HASH_KEY)),
        LockoutConfig.DEFAULTS, OtpConfig.DEFAULTS, SessionConfig.DEFAULTS, false, ChannelsConfig.NONE,
        OutboxConfig.DEFAULTS);
    Gateway gateway = Gateway.start(config, Clock.systemUTC(), (v, r) -> new DevOutbox(Clock.systemUTC(), 1000),
        null);
    RedisClient client = RedisClient.create(redisUrl);
    StatefulRedisConnection<String, String> conn = client.connect();
    try {
      String base = "http://127.0.0.1:" + gateway.port();
      HttpClient http = HttpClient.newHttpClient();
      String el = "bench-" + Long.toString(System.nanoTime(), 36);
      Instant now = Instant.now();
      JsonObject body = new JsonObject().put("name", "Integrity bench")
          .put("opensAt", OffsetDateTime.ofInstant(now.minus(Duration.ofHours(1)), ZoneOffset.UTC).toString())
          .put("closesAt", OffsetDateTime.ofInstant(now.plus(Duration.ofDays(1)), ZoneOffset.UTC).toString())
          .put("colleges", new JsonArray().add(new JsonObject().put("id", "etudiants").put("secretKind", "SISCOL")
              .put("otpChannels", new JsonArray().add("sms").add("email"))));
      send(http, HttpRequest.newBuilder(URI.create(base + "/v1/admin/elections/" + el)).header("Authorization",
          "Bearer " + ADMIN).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(body.encode())), 201);
      long t0 = System.nanoTime();
      PipedInputStream in = new PipedInputStream(1 << 20);
      PipedOutputStream out = new PipedOutputStream(in);
      Thread writer = new Thread(() -> {
        try (out) {
          Voters.write(voters, out);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.start();
      send(http, HttpRequest.newBuilder(URI.create(base + "/v1/admin/elections/" + el + "/voters"))
          .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "text/csv").timeout(Duration.ofMinutes(30))
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> (InputStream) in)), 200);
      System.out.printf("imported %,d voters in %.1f s%n", voters, (System.nanoTime() - t0) / 1e9);

      fr.sesame.gateway.domain.Election election = fr.sesame.gateway.domain.Election.fromJson(new JsonObject(
          send(http, HttpRequest.newBuilder(URI.create(base + "/v1/admin/elections/" + el)).header("Authorization",
              "Bearer " + ADMIN).GET(), 200)));
      // through the service, as the automatic sealing at the opening does: the API's answer limit (60 s) is shorter
      Cost seal = measure(conn, () -> await(onLoop(gateway, () -> gateway.seals().seal(election,
          new fr.sesame.gateway.domain.ClientInfo("", "system:opening")))));
      System.out.println("seal (whole roll, for reference): " + seal);

      IntegrityChecker checker = gateway.integrity();
      List<Cost> quiet = new ArrayList<>();
      List<Cost> busy = new ArrayList<>();
      for (int i = 0; i < rotation + 1; i++) { // the first period also reads the trail from its start: not counted
        Cost c = measure(conn, () -> clean(await(onLoop(gateway, () -> checker.check(el)))));
        if (i > 0) {
          quiet.add(c);
        }
        System.out.println("quiet period " + i + ": " + c);
      }
      ChainedAuditTrail trail = new ChainedAuditTrail(new RedisAuditStore(new RedisAccess(conn.async())));
      long serial = 0;
      for (int i = 0; i < rotation; i++) {
        serial = traffic(trail, conn, el, events, serial);
        Cost c = measure(conn, () -> clean(await(onLoop(gateway, () -> checker.check(el)))));
        busy.add(c);
        System.out.println("busy period " + i + " (" + events + " new events): " + c);
      }
      Cost full = measure(conn, () -> {
        IntegrityReport r = await(onLoop(gateway, () -> checker.full(election, "on-demand", "bench")));
        if (!r.valid()) {
          throw new IllegalStateException("the full check found problems: " + r.problems().encode());
        }
      });
      System.out.println("full check (start/end): " + full);
      if (quiet.isEmpty() || busy.isEmpty()) {
        throw new IllegalStateException("no sample");
      }
      System.out.println();
      System.out.printf("voters %,d; rotation %d periods (%d buckets of 64 a period); busy = %,d new audit events "
          + "a period%n", voters, rotation, IntegrityChecker.BUCKETS_PER_RUN, events);
      report("quiet period", quiet);
      report("busy period", busy);
      System.out.println("full check: " + full);
    } finally {
      conn.close();
      client.shutdown();
      gateway.close();
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static void clean(List<Finding> found) {
    if (!found.isEmpty()) {
      throw new IllegalStateException("the check found problems on an untouched election: " + found);
    }
  }

  /** Appends {@code n} audit events (a sixth émargements, with their records) as a minute of peak would. */
  private static long traffic(ChainedAuditTrail trail, StatefulRedisConnection<String, String> conn, String el,
                              int n, long serial) {
    String[] types = {"login.secret", "otp.sent", "login.code", "session.start", "session.end"};
    Instant at = Instant.now();
    int written = 0;
    while (written < n) {
      List<AuditEvent> batch = new ArrayList<>();
      Map<String, String> records = new HashMap<>();
      for (int i = 0; i < 600 && written < n; i++, written++) {
        long s = serial++;
        String voter = "bench" + Long.toString(s, 36) + "x".repeat(10);
        if (s % 6 == 5) {
          String session = "s" + s;
          records.put(voter, new JsonObject().put("t", at.toEpochMilli()).put("ip", "10.0.0.1").put("sid", session)
              .put("c", "etudiants").encode());
          batch.add(AuditEvent.of(at, "emargement", "key:platform/bench", "10.0.0.1", "recorded", "voter", voter,
              "session", session));
        } else {
          batch.add(AuditEvent.of(at, types[(int) (s % 5)], "voter:" + voter, "10.0.0.1", "success"));
        }
      }
      if (!records.isEmpty()) {
        conn.sync().hset(RedisKeys.emargements(el), records); // the record first, as emarge.lua then the audit
      }
      await(trail.record(el, batch));
    }
    return serial;
  }

  /** What one measured step cost. */
  record Cost(double cpuSeconds, double redisSeconds, double wallSeconds) {
    @Override
    public String toString() {
      return String.format("CPU %.3f s (%.1f %% of a core over a minute), Redis %.3f s, wall %.2f s", cpuSeconds,
          cpuSeconds / 60 * 100, redisSeconds, wallSeconds);
    }
  }

  private static Cost measure(StatefulRedisConnection<String, String> conn, Runnable step) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long redis0 = redisUsec(conn);
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    step.run();
    long wall = System.nanoTime() - wall0;
    long cpu = os.getProcessCpuTime() - cpu0;
    long redis = redisUsec(conn) - redis0;
    if (cpu <= 0) {
      throw new IllegalStateException("no CPU time measured: the JVM does not report its process CPU time");
    }
    return new Cost(cpu / 1e9, redis / 1e6, wall / 1e9);
  }

  /** The sum of every command's usec in INFO commandstats. */
  static long redisUsec(StatefulRedisConnection<String, String> conn) {
    long total = 0;
    boolean any = false;
    for (String line : conn.sync().info("commandstats").split("\r?\n")) {
      int at = line.indexOf("usec=");
      if (line.startsWith("cmdstat_") && at > 0) {
        int end = line.indexOf(',', at);
        total += Long.parseLong(line.substring(at + 5, end < 0 ? line.length() : end));
        any = true;
      }
    }
    if (!any) {
      throw new IllegalStateException("INFO commandstats has no usec figure");
    }
    return total;
  }

  private static void report(String what, List<Cost> costs) {
    double[] cpu = costs.stream().mapToDouble(Cost::cpuSeconds).sorted().toArray();
    double[] redis = costs.stream().mapToDouble(Cost::redisSeconds).sorted().toArray();
    double[] wall = costs.stream().mapToDouble(Cost::wallSeconds).sorted().toArray();
    System.out.printf("%s (%d samples): CPU s median %.3f max %.3f (max %.1f %% of a core a minute); Redis s median "
            + "%.3f max %.3f; wall s median %.2f max %.2f%n", what, cpu.length, cpu[cpu.length / 2],
        cpu[cpu.length - 1], cpu[cpu.length - 1] / 60 * 100, redis[redis.length / 2], redis[redis.length - 1],
        wall[wall.length / 2], wall[wall.length - 1]);
  }

  private static String send(HttpClient http, HttpRequest.Builder req, int expected) {
    try {
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new IllegalStateException(req.build().uri() + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code work} on one of the gateway's event loops, as its timers do. */
  private static <T> Future<T> onLoop(Gateway gateway, java.util.function.Supplier<Future<T>> work) {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    gateway.vertx().getOrCreateContext().runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
