package fr.sesame.loadtests.env;

import fr.sesame.testkit.LocalRedis;
import fr.sesame.testkit.RedisCluster;
import fr.sesame.testkit.Ports;
import io.lettuce.core.RedisClient;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a simulation runs against. By default a gateway it starts itself (or several, all on the same Redis and
 * keys), as a separate process (its own
 * JVM and heap, as in production), from {@code gateway/target/sesame-gateway.jar}, on the Redis of
 * {@code REDIS_URL} or one it starts (the test kit's {@link LocalRedis}, the machine's {@code redis-server}
 * first), with its real {@code ovh-sms} adapter pointed at a {@link ProviderSink} in this process. Or, with {@code -Dsesame.url}, a running gateway whose SMS provider
 * is this machine's sink (its endpoint is logged) and whose keys are in {@code SESAME_LOAD_ADMIN_KEY},
 * {@code SESAME_LOAD_PLATFORM_KEY} and {@code SESAME_LOAD_SUPPORT_KEY}. Either way it creates a fresh election and imports its roll.
 */
public final class LoadEnvironment implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoadEnvironment.class);
  private final ProviderSink sink;
  private final LocalRedis redis;
  /** With {@code -Dsesame.cluster=true} and no {@code REDIS_URL}: the Redis Cluster started for the run. */
  private final RedisCluster cluster;
  private final List<Process> gateways;
  private final List<String> baseUrls;
  private final String electionId;
  private final String adminKey;
  private final String platformKey;
  private final String supportKey;
  private final long voters;
  private final long firstVoter;

  private LoadEnvironment(ProviderSink sink, LocalRedis redis, RedisCluster cluster, List<Process> gateways,
                          List<String> baseUrls,
                          String electionId, String adminKey, String platformKey, String supportKey, long voters,
                          long firstVoter) {
    this.firstVoter = firstVoter;
    this.supportKey = supportKey;
    this.sink = sink;
    this.redis = redis;
    this.cluster = cluster;
    this.gateways = List.copyOf(gateways);
    this.baseUrls = List.copyOf(baseUrls);
    this.electionId = electionId;
    this.adminKey = adminKey;
    this.platformKey = platformKey;
    this.voters = voters;
  }

  /**
   * Starts (or reaches) the gateway, creates the election and imports the roll, then, unless
   * {@code warmUp} is zero, warms the gateway up for that long: whole journeys (each with an email) from
   * 8 threads, by voters after the run's own, so that a run measures a compiled gateway, not its first
   * seconds of interpretation and JIT compilation.
   * @param url        a running gateway, or blank to start one
   * @param voters     the run's voters
   * @param gatewayJar the gateway to start
   * @param heap       the started gateway's heap ({@code -Xmx})
   * @param instances  how many gateway processes to start on the same Redis (each with its own port and heap)
   */
  public static LoadEnvironment start(String url, long voters, Path gatewayJar, String heap, Duration warmUp,
                                      int instances) throws Exception {
    return start(url, voters, gatewayJar, heap, warmUp, instances, true);
  }

  /**
   * @param seal whether to seal the election once its roll is in ({@link #sealRoll}); a run that changes the roll
   *             during the vote (an import job) does not, as the seal in force would refuse it (409)
   */
  public static LoadEnvironment start(String url, long voters, Path gatewayJar, String heap, Duration warmUp,
                                      int instances, boolean seal) throws Exception {
    checkOpenFiles("load generator", ProcessHandle.current().pid(), WANTED_OPEN_FILES, false);
    ProviderSink sink = ProviderSink.start();
    LocalRedis redis = null;
    RedisCluster cluster = null;
    // -Dsesame.cluster=true: the gateways on a Redis Cluster (issue 17): one of 3 primaries and 3 replicas started
    // for the run (test-kit RedisCluster), or REDIS_URL's seed nodes
    boolean onCluster = Boolean.getBoolean("sesame.cluster");
    Map<String, String> redisEnv = onCluster ? Map.of("SESAME_REDIS_CLUSTER", "true") : Map.of();
    List<Process> processes = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    List<Starting> starting = new ArrayList<>();
    String adminKey;
    String platformKey;
    String supportKey;
    String base;
    try {
      if (url == null || url.isBlank()) {
        String redisUrl = System.getenv("REDIS_URL");
        if ((redisUrl == null || redisUrl.isBlank()) && onCluster) {
          cluster = RedisCluster.start();
          redisUrl = cluster.url();
        } else if (redisUrl == null || redisUrl.isBlank()) {
          redis = LocalRedis.startInstalledFirst();
          redisUrl = redis.url();
        }
        LOG.info("Redis {} at {}{}", redisVersion(firstNode(redisUrl)), redisUrl,
            (redis != null || cluster != null ? " (started for this run)" : " (REDIS_URL)")
                + (onCluster ? ", a Redis Cluster" : ""));
        adminKey = "load-admin-" + randomHex();
        platformKey = "load-platform-" + randomHex();
        supportKey = "load-support-" + randomHex();
        // the same keys for every instance: any of them must read what another wrote
        String hashKey = randomKey();
        String dataKey = randomKey();
        for (int g = 0; g < instances; g++) {
          int port = Ports.unused();
          String name = g == 0 ? "load-gateway" : "load-gateway-" + (g + 1);
          Process process = startGateway(gatewayJar, heap, port, redisUrl, sink, adminKey, platformKey, supportKey,
              hashKey, dataKey, name, redisEnv);
          processes.add(process);
          bases.add("http://127.0.0.1:" + port);
          CompletableFuture<Void> listening = relayLog(process, gatewayJar.toAbsolutePath().getParent()
              .resolve(name + ".log"));
          if (g == 0) {
            // the first one makes the OIDC signing keys; the others start once they exist (two first starts at
            // once could each make their own), and boot while the election is created and the roll imported
            awaitReady(bases.get(0), process, listening);
          } else {
            starting.add(new Starting(bases.get(g), process, listening));
          }
        }
        base = bases.get(0);
      } else {
        base = url.replaceAll("/+$", "");
        bases.add(base);
        adminKey = System.getenv("SESAME_LOAD_ADMIN_KEY");
        platformKey = System.getenv("SESAME_LOAD_PLATFORM_KEY");
        supportKey = System.getenv("SESAME_LOAD_SUPPORT_KEY");
        LOG.info("Against {}: its sms chain must be an ovh-sms provider with endpoint {}, its email chain an smtp "
            + "provider on {}:{} (STARTTLS disabled)", base, sink.ovhEndpoint(), sink.host(), sink.smtpPort());
      }
      String electionId = "load-" + Instant.now().getEpochSecond();
      createElection(base, adminKey, electionId);
      // on a cluster, memory is spread over the primaries: not summed here (the per-voter figure is one Redis's)
      String memoryUrl = onCluster ? null : redis != null ? redis.url() : System.getenv("REDIS_URL");
      long before = usedMemory(memoryUrl);
      long warmUpVoters = warmUp.toSeconds() * 1_000; // more than 8 threads can log in
      // Each run takes voters (so phone numbers) of its own: the SMS caps per number are global, and a
      // long-lived Redis (REDIS_URL, as in CI) remembers the previous runs' sends.
      long firstVoter = ThreadLocalRandom.current().nextLong(Voters.capacity() / 2);
      long start = System.nanoTime();
      importRoll(base, adminKey, electionId, firstVoter, voters + warmUpVoters);
      long importMs = (System.nanoTime() - start) / 1_000_000;
      for (Starting other : starting) {
        awaitReady(other.base(), other.process(), other.listening());
      }
      long after = usedMemory(memoryUrl);
      LOG.info("Imported {} voters in {} ms; Redis used_memory grew by {} bytes ({} bytes per voter)", voters + warmUpVoters,
          importMs, after - before, before < 0 ? "?" : (after - before) / Math.max(1, voters + warmUpVoters));
      // -Dsesame.seal=false: an A/B against a gateway built before seals existed (it answers the seal with 404)
      if (seal && !"false".equals(System.getProperty("sesame.seal", "").trim())) {
        sealRoll(base, adminKey, electionId);
      }
      LoadEnvironment env = new LoadEnvironment(sink, redis, cluster, processes, bases, electionId, adminKey, platformKey,
          supportKey, voters, firstVoter);
      if (!warmUp.isZero()) {
        env.warmUp(warmUp, firstVoter + voters, warmUpVoters);
      }
      // which process is saturated during the run (issue 17, point 5): the gateways, Redis, this JVM
      Map<String, Long> watched = new java.util.LinkedHashMap<>();
      for (int g = 0; g < processes.size(); g++) {
        watched.put(processes.size() == 1 ? "gateway" : "gateway-" + (g + 1), processes.get(g).pid());
        // once it listens: its JVM has raised its soft limit to the hard one by then
        checkOpenFiles("gateway " + (g + 1), processes.get(g).pid(), WANTED_OPEN_FILES, false);
      }
      String redisPid = info(memoryUrl, "server", "process_id");
      if (redisPid != null && (redis != null || memoryUrl.contains("127.0.0.1") || memoryUrl.contains("localhost"))) {
        watched.put("redis", Long.parseLong(redisPid));
      }
      watched.put("generator", ProcessHandle.current().pid()); // Gatling and the provider sink
      env.cpu = ProcessCpu.start(watched);
      env.pauses = GcPauses.start();
      env.redisUrl = memoryUrl;
      env.countsAtStart = env.journeyCounts();
      env.slowLog = RedisSlowLog.start(memoryUrl); // last: nothing after it can fail and leave Redis's settings changed
      return env;
    } catch (Exception e) {
      processes.forEach(Process::destroy);
      if (redis != null) {
        redis.close();
      }
      if (cluster != null) {
        cluster.close();
      }
      sink.close();
      throw e;
    }
  }

  /**
   * Starts the gateway jar in {@code serve} mode as a process of its own, its SMS and email chains pointed at
   * {@code sink}, its output to be relayed with {@link #relayLog}.
   * @param name    names its configuration file in the jar's directory ({@code NAME.yaml})
   * @param moreEnv more environment (e.g. {@code SESAME_REDIS_MIN_REPLICAS})
   */
  public static Process startGateway(Path jar, String heap, int port, String redisUrl, ProviderSink sink,
                                     String adminKey, String platformKey, String supportKey, String hashKey,
                                     String dataKey, String name, Map<String, String> moreEnv) throws IOException {
    if (!Files.exists(jar)) {
      throw new IllegalStateException("no gateway at " + jar + ": build it first (mvn -B -DskipTests package)");
    }
    Path dir = jar.toAbsolutePath().getParent(); // the gateway's target directory
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, String.join("\n",
        // the HTTP event loops: 2 (the default, one a core) unless -Dsesame.httpInstances says otherwise
        "http: { port: " + port + ", host: 127.0.0.1, forwarded: x-forward, instances: "
            + Integer.getInteger("sesame.httpInstances", 2) + " }",
        // the OpenID Connect provider and its pages (OidcFlowSimulation); http is allowed for a loopback issuer
        "oidc: { issuer: \"http://127.0.0.1:" + port + "\" }",
        "channels:",
        "  sms:",
        "    chain: [ovh]",
        "    providers:",
        "      ovh: { type: ovh-sms, endpoint: \"" + sink.ovhEndpoint() + "\", serviceName: sms-load, sender: SESAME,"
            + " maxConcurrent: 1000" + PROVIDER_TIMEOUT + " }",
        "  email:",
        "    chain: [smtp]",
        "    providers:",
        "      smtp: { type: smtp, host: " + sink.host() + ", port: " + sink.smtpPort() + ", starttls: disabled,"
            + " from: \"no-reply@sesame.test\", maxPoolSize: 64, maxConcurrent: 1000 }",
        admissionYaml(),
        ""));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms" + heap, "-Xmx" + heap));
    String extra = System.getProperty("sesame.gatewayJvmArgs", "").trim(); // e.g. a JFR recording
    if (!extra.matches(".*-XX:\\+Use\\w+GC\\b.*")) {
      cmd.add("-XX:+UseG1GC"); // unless the settings choose another collector
    }
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString()));
    // its output comes through this process (see relayLog), which sees the start-up line as it is written
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("REDIS_URL", redisUrl);
    env.put("SESAME_HASH_KEY", hashKey);
    env.put("SESAME_DATA_KEY", dataKey);
    // a load test's evidence key (Ed25519, PKCS#8): not secret, never a deployment's
    env.put("SESAME_EVIDENCE_KEY", "MC4CAQAwBQYDK2VwBCIEIILpjVZDwD2pZDDBNcglluBkYF8yXwMqCFCoFmtPYW/W");
    env.put("SESAME_API_KEYS", "admin:" + adminKey + ",platform:" + platformKey + ",support:" + supportKey);
    env.put("SESAME_PROVIDER_OVH_APPLICATION_KEY", "load");
    env.put("SESAME_PROVIDER_OVH_APPLICATION_SECRET", "load");
    env.put("SESAME_PROVIDER_OVH_CONSUMER_KEY", "load");
    env.remove("SESAME_HTTP_PORT");
    env.putAll(moreEnv);
    Process process = pb.start();
    // a crashed or interrupted run must not leave a gateway behind
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-load-gateway"));
    LOG.info("Started the gateway (pid {}, heap {}), log in {}", process.pid(), heap, dir.resolve(name + ".log"));
    return process;
  }

  /**
   * The gateway's admission control: its defaults, off with {@code sesame.admission=false}, unless
   * {@code sesame.admissionMaxRate} caps the new logins
   * it lets in per second (a run that shows the door working on a machine that would not saturate at the offered
   * rate, or that would saturate for other reasons).
   */
  static String admissionYaml() {
    if ("false".equals(System.getProperty("sesame.admission", "").trim())) {
      return "admission: { enabled: false }"; // the gateway's capacity without the door (an A/B of the door)
    }
    String max = System.getProperty("sesame.admissionMaxRate", "").trim();
    if (max.isEmpty() || max.startsWith("$")) {
      return "";
    }
    double rate = Double.parseDouble(max);
    return "admission: { maxRate: " + rate + ", minRate: " + Math.min(20, rate) + " }";
  }

  /**
   * {@code sesame.providerTimeout} (an ISO-8601 duration; the provider's default when unset): how long the SMS
   * provider may take before an attempt fails. A busy shared machine can stall the load generator, and so the sink,
   * for seconds; a measurement of cost (scripts/cpu-per-journey.sh) waits for it rather than tripping the breaker.
   */
  private static final String PROVIDER_TIMEOUT = System.getProperty("sesame.providerTimeout", "").isBlank() ? ""
      : ", timeout: " + java.time.Duration.parse(System.getProperty("sesame.providerTimeout").strip());

  /** A gateway process started, not yet known to listen. */
  private record Starting(String base, Process process, CompletableFuture<Void> listening) {}

  /** What the gateway logs once it listens, its start-up done (GatewayMain.serve). */
  static final String LISTENING = "Sesame gateway listening on port";

  /**
   * Copies the gateway's output to {@code log}, line by line, for as long as it runs (a pipe nobody reads
   * would stop the gateway once full).
   * @return completes when the gateway logs {@link #LISTENING}; fails if its output ends first (it stopped)
   */
  public static CompletableFuture<Void> relayLog(Process process, Path log) throws IOException {
    CompletableFuture<Void> listening = new CompletableFuture<>();
    BufferedWriter out = Files.newBufferedWriter(log);
    Thread relay = new Thread(() -> {
      try (out; BufferedReader in = process.inputReader()) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          out.write(line);
          out.newLine();
          out.flush();
          if (!listening.isDone() && line.contains(LISTENING)) {
            listening.complete(null);
          }
        }
      } catch (IOException e) {
        LOG.warn("the gateway's log relay stopped: {}", e.getMessage());
      }
      listening.completeExceptionally(new IllegalStateException("the gateway's output ended before it listened"));
    }, "load-gateway-log");
    relay.setDaemon(true);
    relay.start();
    return listening;
  }

  /**
   * Waits for the gateway's start-up line (no polling: the relay sees it as it is written), at most 60 s, then
   * checks once that it is ready.
   */
  public static void awaitReady(String base, Process process, CompletableFuture<Void> listening) throws Exception {
    try {
      listening.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the gateway did not listen within 60 s: see target/load-gateway.log", e);
    } catch (ExecutionException e) {
      String exit = process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "?";
      throw new IllegalStateException("the gateway stopped at start-up (exit " + exit
          + "): see target/load-gateway.log", e.getCause());
    }
    int ready = exchange(HttpClient.newHttpClient(), base + "/health/ready", "GET", null, null, null, null,
        Duration.ofSeconds(5)).statusCode();
    if (ready != 200) {
      throw new IllegalStateException("the gateway listens but /health/ready answers " + ready);
    }
  }

  public static void createElection(String base, String adminKey, String electionId) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String body = "{\"name\":\"Load test\",\"opensAt\":\"" + now.minus(Duration.ofHours(1)) + "\",\"closesAt\":\""
        + now.plus(Duration.ofDays(1)) + "\",\"colleges\":[{\"id\":\"etudiants\",\"secretKind\":\"SISCOL\","
        + "\"otpChannels\":[\"sms\"]}]}";
    HttpResponse<String> r = exchange(HttpClient.newHttpClient(), base + "/v1/admin/elections/" + electionId, "PUT",
        adminKey, null, "application/json", HttpRequest.BodyPublishers.ofString(body), Duration.ofSeconds(30));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("creating the election answered " + r.statusCode() + ": " + r.body());
    }
  }

  /**
   * Seals the election once its roll is in, as its organisers and the expert do before the vote opens. Otherwise the
   * gateway's automatic seal of an opened election (its first period, a minute after it starts) walks the whole roll,
   * a read and a digest a voter, at whatever point of the run that minute falls: before 2026-11-30 it did, inside the
   * warm-up or the measured part, and its reads were counted in the measured run's commands a journey. The API answers
   * within 60 s: a roll of more than about 1,000,000 voters on this machine would need the seal's own time (the
   * environment then fails to start, and says so).
   */
  static void sealRoll(String base, String adminKey, String electionId) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = exchange(HttpClient.newHttpClient(), base + "/v1/admin/elections/" + electionId + "/seal",
        "POST", adminKey, null, null, HttpRequest.BodyPublishers.noBody(), Duration.ofMinutes(10));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("sealing the election answered " + r.statusCode() + ": " + r.body());
    }
    LOG.info("Sealed the election before the run, as its organisers would, in {} ms",
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Streams the generated roll to the import endpoint. */
  public static void importRoll(String base, String adminKey, String electionId, long first, long voters)
      throws Exception {
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream out = new PipedOutputStream(in);
    Thread writer = new Thread(() -> {
      try (OutputStream o = out) {
        Voters.write(first, voters, o);
      } catch (IOException e) {
        LOG.warn("roll generation stopped: {}", e.getMessage());
      }
    }, "roll-writer");
    writer.start();
    HttpResponse<String> r = exchange(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
        base + "/v1/admin/elections/" + electionId + "/voters", "POST", adminKey, null, "text/csv",
        HttpRequest.BodyPublishers.ofInputStream(() -> (InputStream) in), Duration.ofMinutes(10));
    writer.join();
    if (r.statusCode() != 200 || new JsonObject(r.body()).getLong("imported") != voters) {
      throw new IllegalStateException("the roll import answered " + r.statusCode() + ": "
          + r.body().substring(0, Math.min(2_000, r.body().length())));
    }
  }

  /** Redis's {@code used_memory}, or -1 when it is not known here (a gateway given by URL). */
  private static long usedMemory(String redisUrl) {
    String value = info(redisUrl, "memory", "used_memory");
    return value == null ? -1 : Long.parseLong(value);
  }

  private static String redisVersion(String redisUrl) {
    String version = info(redisUrl, "server", "redis_version");
    return version == null ? "?" : version;
  }

  /** The first node of a cluster's seed list ({@code redis://h1:p1,h2:p2}), or the URL itself. */
  private static String firstNode(String redisUrl) {
    return redisUrl == null ? null : redisUrl.replaceFirst(",.*$", "");
  }

  /** One field of Redis's {@code INFO section}, or null when unknown. */
  private static String info(String redisUrl, String section, String field) {
    for (String line : infoLines(redisUrl, section)) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return null;
  }

  /** The lines of Redis's {@code INFO section}; none without a URL. */
  private static String[] infoLines(String redisUrl, String section) {
    if (redisUrl == null || redisUrl.isBlank()) {
      return new String[0];
    }
    RedisClient client = RedisClient.create(redisUrl);
    try (var c = client.connect()) {
      return c.sync().info(section).split("\r?\n");
    } finally {
      client.shutdown();
    }
  }

  private static final java.util.regex.Pattern TOP_LEVEL =
      java.util.regex.Pattern.compile("^cmdstat_(evalsha|eval|xreadgroup|xautoclaim|xclaim|xpending):calls=(\\d+),");

  /**
   * The calls Redis counted (INFO commandstats) of the script runs and the outbox's stream reads: {@code EVALSHA},
   * {@code EVAL}, {@code XREADGROUP}, {@code XAUTOCLAIM}, {@code XCLAIM}, {@code XPENDING}. Counted by Redis rather than
   * by the gateways; the last two are also called inside the outbox's lease renewal script, rarely. -1 when it cannot
   * be read.
   */
  private static long topLevelCalls(String redisUrl) {
    if (redisUrl == null || redisUrl.isBlank()) {
      return -1;
    }
    try {
      long sum = 0;
      for (String line : infoLines(redisUrl, "commandstats")) {
        java.util.regex.Matcher m = TOP_LEVEL.matcher(line);
        if (m.find()) {
          sum += Long.parseLong(m.group(2));
        }
      }
      return sum;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** The (first) gateway's base URL. */
  public String baseUrl() {
    return baseUrls.get(0);
  }

  /** Every gateway's base URL: one per started instance (or the given URL). */
  public List<String> baseUrls() {
    return baseUrls;
  }

  public String adminKey() {
    return adminKey;
  }

  public String electionId() {
    return electionId;
  }

  public String platformKey() {
    return platformKey;
  }

  public String supportKey() {
    return supportKey;
  }

  public ProviderSink sink() {
    return sink;
  }

  /** How many voters the run has: {@link #firstVoter()} and the following ones. */
  public long voters() {
    return voters;
  }

  /** The number of the run's first voter (see {@link Voters}). */
  public long firstVoter() {
    return firstVoter;
  }

  private void warmUp(Duration length, long firstVoter, long count) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicLong next = new AtomicLong(firstVoter);
    AtomicLong done = new AtomicLong();
    long until = System.nanoTime() + length.toNanos();
    long emailsBefore = sink.emailsReceived();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.submit(() -> {
        while (System.nanoTime() < until) {
          long i = next.getAndIncrement();
          if (i >= firstVoter + count) {
            return null;
          }
          journey(http, i);
          done.incrementAndGet();
        }
        return null;
      });
    }
    pool.shutdown();
    pool.awaitTermination(length.toSeconds() + 60, TimeUnit.SECONDS);
    // each journey queued an email: let them all arrive, so that the run starts from a quiet gateway
    sink.awaitEmails(emailsBefore + done.get(), Duration.ofSeconds(60));
    LOG.info("Warmed the gateway up with {} journeys in {} s", done.get(), length.toSeconds());
  }

  /** One voter's whole journey and an access-code email (the campaign's path). */
  private void journey(HttpClient http, long i) throws Exception {
    String ip = Voters.ip(i, 2_000);
    String login = "{\"identifier\":\"" + Voters.identifier(i) + "\",\"secret\":\"" + Voters.secret(i)
        + "\",\"channel\":\"sms\"";
    JsonObject start = null;
    for (int tries = 0; start == null; tries++) {
      // a cold gateway may hold logins back at the door (503 overloaded): the warm-up waits its turn, as a voter
      HttpResponse<String> r = exchange(http, baseUrl() + "/v1/elections/" + electionId + "/login", "POST", null, ip,
          "application/json", HttpRequest.BodyPublishers.ofString(login + "}"), Duration.ofSeconds(30));
      String retryAfter = r.headers().firstValue("Retry-After").orElse(null);
      if (r.statusCode() == 503 && retryAfter != null && tries < 10) {
        String ticket = new JsonObject(r.body()).getString("admissionTicket");
        login = login.replaceFirst(",\"admissionTicket\":\"[^\"]*\"", "")
            + (ticket == null ? "" : ",\"admissionTicket\":\"" + ticket + "\"");
        Thread.sleep(Long.parseLong(retryAfter) * 1_000);
      } else if (r.statusCode() >= 300) {
        throw new IllegalStateException("warm-up: login answered " + r.statusCode() + ": " + r.body());
      } else {
        start = new JsonObject(r.body());
      }
    }
    String code = sink.takeCode(Voters.phone(i), Duration.ofSeconds(5));
    String token = call(http, "/v1/elections/" + electionId + "/login/" + start.getString("challengeId") + "/verify",
        null, ip, "{\"code\":\"" + code + "\"}").getString("sessionToken");
    call(http, "/v1/introspect", platformKey, null, "{\"token\":\"" + token + "\"}");
    call(http, "/v1/elections/" + electionId + "/emargements", platformKey, null, "{\"sessionToken\":\"" + token + "\"}");
    call(http, "/v1/notifications", platformKey, null, "{\"channel\":\"email\",\"to\":\"w" + i
        + "@warmup.test\",\"template\":\"access-codes\",\"idempotencyKey\":\"warmup-" + i + "\",\"data\":"
        + "{\"electionName\":\"Warm-up\",\"identifier\":\"w\",\"url\":\"https://vote.test\"}}");
  }

  private JsonObject call(HttpClient http, String path, String key, String ip, String body)
      throws Exception {
    HttpResponse<String> r = exchange(http, baseUrl() + path, "POST", key, ip, "application/json",
        HttpRequest.BodyPublishers.ofString(body), Duration.ofSeconds(30));
    if (r.statusCode() >= 300) {
      throw new IllegalStateException("warm-up: " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  /** Logs the gateway's Redis counters (commands, round trips per connection) and login counts. */
  private void logGatewayCounters() {
    try {
      HttpResponse<String> r = exchange(HttpClient.newHttpClient(), baseUrl() + "/metrics", "GET", null, null, null, null,
          Duration.ofSeconds(10));
      StringBuilder out = new StringBuilder("Gateway counters at the end of the run:");
      for (String line : r.body().split("\n")) {
        if (line.startsWith("sesame_redis_") || line.startsWith("sesame_logins_total")
            || line.startsWith("sesame_admission_")
            || line.startsWith("sesame_emargements_total") || line.startsWith("sesame_otp_sends_total")) {
          out.append("\n  ").append(line);
        }
      }
      LOG.info(out.toString());
    } catch (Exception e) {
      LOG.warn("could not read the gateway's metrics: {}", e.getMessage());
    }
  }

  private ProcessCpu cpu;
  private GcPauses pauses;
  /** Redis's slow log over the measured run (one Redis only; null otherwise). */
  private RedisSlowLog slowLog;
  /** The single Redis's URL (null on a cluster or a gateway given by URL): its own count of commands. */
  private String redisUrl;
  /** {@link #journeyCounts()} when the measured run began (after the warm-up). */
  private long[] countsAtStart;

  /**
   * What the Redis cost of a journey is read from (issue 17, point 2): émargements recorded by the gateways, Redis
   * commands they sent (every connection: API, outbox, audit), and the commands Redis processed (one Redis only;
   * -1 otherwise). Null when a gateway's metrics cannot be read.
   */
  private long[] journeyCounts() {
    long emargements = 0;
    long sent = 0;
    for (String base : baseUrls) {
      try {
        HttpResponse<String> r = exchange(HttpClient.newHttpClient(), base + "/metrics", "GET", null, null, null,
            null, Duration.ofSeconds(10));
        for (String line : r.body().split("\n")) {
          if (line.startsWith("sesame_emargements_total{") && line.contains("outcome=\"recorded\"")) {
            emargements += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          } else if (line.startsWith("sesame_redis_commands_total")) {
            sent += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
      } catch (Exception e) {
        LOG.warn("could not read the gateway's metrics: {}", e.getMessage());
        return null;
      }
    }
    String processed = redisUrl == null ? null : info(redisUrl, "stats", "total_commands_processed");
    return new long[] {emargements, sent, processed == null ? -1 : Long.parseLong(processed), topLevelCalls(redisUrl)};
  }

  /** The measured run's Redis commands per journey (émargement recorded), or why it cannot be said. */
  private String redisPerJourney() {
    long[] end = countsAtStart == null ? null : journeyCounts();
    if (end == null) {
      return "Redis commands per journey: not known (the gateways' metrics could not be read)";
    }
    long journeys = end[0] - countsAtStart[0];
    if (journeys <= 0) {
      return "Redis commands per journey: no journey was completed in the measured run (no samples)";
    }
    String processed = end[2] < 0 || countsAtStart[2] < 0 ? ""
        : String.format(java.util.Locale.ROOT, "; Redis executed %.2f (%d, counting each call inside a script, the "
            + "INFO calls and replication's)", (end[2] - countsAtStart[2]) / (double) journeys,
            end[2] - countsAtStart[2]);
    String scripts = end[3] < 0 || countsAtStart[3] < 0 ? ""
        : String.format(java.util.Locale.ROOT, "; Redis received %.2f script runs and stream reads (%d: EVALSHA, EVAL, "
            + "XREADGROUP, XAUTOCLAIM, XCLAIM, XPENDING, as INFO commandstats counts them)",
            (end[3] - countsAtStart[3]) / (double) journeys, end[3] - countsAtStart[3]);
    return String.format(java.util.Locale.ROOT, "Redis commands per journey (%d émargements recorded in the measured "
        + "run): the gateways sent %.2f (%d commands, every connection: API, outbox, audit)%s%s", journeys,
        (end[1] - countsAtStart[1]) / (double) journeys, end[1] - countsAtStart[1], scripts, processed);
  }

  /** What {@link ProcessCpu} measured so far (null before the run starts). */
  public String cpuSummary() {
    return cpu == null ? null : cpu.summary();
  }

  /** The file-descriptor limits (soft, hard) of a process, from {@code /proc/<pid>/limits}; null when unknown. */
  public static long[] openFileLimits(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return new long[] {parseLimit(f[0]), parseLimit(f[1])};
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return null;
  }

  private static long parseLimit(String v) {
    return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
  }

  /** How many files a run past 1,000 journeys/s may hold open at once (sockets mostly), per process. */
  public static final long WANTED_OPEN_FILES = 65_536;

  /**
   * The one line that raises the limit, for the messages: the JVM raises its soft limit to the hard one itself
   * (HotSpot's MaxFDLimit), so the hard limit is what must be raised, in the shell that runs Maven.
   */
  public static final String RAISE_OPEN_FILES = "ulimit -Hn 1048576 && ulimit -n 1048576 (in the shell that runs "
      + "mvn; raising the hard limit needs root, or nofile in /etc/security/limits.conf)";

  /**
   * Checks that {@code pid} ({@code role}: the load generator, a gateway) may open {@code wanted} files: logs its
   * limit, warns when it is lower, and fails when {@code fail} (a run that would only measure the generator
   * running out of sockets, as issue 17's 1,500/s run did).
   */
  public static void checkOpenFiles(String role, long pid, long wanted, boolean fail) {
    long[] limits = openFileLimits(pid);
    if (limits == null) {
      LOG.warn("open-file limit of the {} (pid {}) unknown (not Linux?): if sockets run out, {}", role, pid,
          RAISE_OPEN_FILES);
      return;
    }
    if (limits[0] >= wanted) {
      LOG.info("open-file limit of the {} (pid {}): {} (hard {})", role, pid, limits[0], limits[1]);
      return;
    }
    String message = "the " + role + " (pid " + pid + ") may open only " + limits[0] + " files (hard limit "
        + limits[1] + "), fewer than the " + wanted + " this run may need; raise it: " + RAISE_OPEN_FILES;
    if (fail) {
      throw new IllegalStateException(message);
    }
    LOG.warn(message);
  }

  @Override
  public void close() {
    if (pauses != null) {
      pauses.close();
    }
    if (cpu != null) {
      cpu.close();
      String summary;
      try {
        summary = cpu.summary() + (pauses == null ? "" : "\n" + pauses.summary()) + "\n" + redisPerJourney()
            + (slowLog == null ? "" : "\n" + slowLog.summary());
      } finally {
        if (slowLog != null) {
          slowLog.close(); // Redis's settings back, whatever the summary did
        }
      }
      System.out.println(summary); // on the console beside Gatling's own summary, whatever the log level
      try {
        // Maven runs Gatling from the directory it was started in: the repository's or the module's
        Path file = (Files.isDirectory(Path.of("loadtests", "target")) ? Path.of("loadtests", "target")
            : Path.of("target")).resolve("cpu-summary.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, summary + "\n");
      } catch (IOException e) {
        LOG.warn("could not write the CPU summary: {}", e.getMessage());
      }
    }
    logGatewayCounters();
    gateways.forEach(Process::destroy);
    for (Process gateway : gateways) {
      try {
        gateway.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (redis != null) {
      redis.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    sink.close();
  }


  /** One HTTP exchange; {@code key} (a Bearer API key), {@code ip}, the content type and the body are optional. */
  public static HttpResponse<String> exchange(HttpClient http, String url, String method, String key, String ip,
                                               String contentType, HttpRequest.BodyPublisher body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (ip != null) {
      b.header("X-Forwarded-For", ip);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A 32-byte key, base64 (the gateway's hash and data keys). */
  public static String randomKey() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** 12 random bytes, hex (API keys of a started gateway). */
  public static String randomHex() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }
}
