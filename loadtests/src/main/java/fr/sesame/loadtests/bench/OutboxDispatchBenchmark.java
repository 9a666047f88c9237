package fr.sesame.loadtests.bench;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.Gateway;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.config.OtpConfig;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.config.SessionConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.dev.EmbeddedRedis;
import fr.sesame.gateway.notify.InProcessOutboxSignals;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.RedisClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import fr.sesame.loadtests.env.Voters;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The outbox draining a campaign to fast local fakes, measured as JMH single shots: each iteration queues
 * {@code campaign} bulk emails (not measured), then times how long the gateway's dispatcher takes to hand
 * them all to a fake Mailjet. During the drain, login codes are posted to {@code POST /v1/notifications}
 * (100 a second) and each one's time from the POST to its arrival at the fake OVH SMS API is recorded;
 * the percentiles are logged at the end of each iteration. Each code goes to a number of its own, spread over the
 * French mobile blocks ({@link Voters#phone}), as a real election's are, so the SMS-pumping guards let them through.
 * An iteration fails (run with {@code -foe true}: the run then exits non-zero) when a code is not accepted (202), or
 * does not reach the provider, or none is measured: a p99 over no sample is not 0 ms.
 *
 * <p>Everything runs on this machine: Redis ({@code REDIS_URL}, else an embedded one), the gateway, the fake
 * providers and the load. Run: {@code mvn -q -B -Pbench -pl loadtests -am package -DskipTests && java -jar
 * loadtests/target/benchmarks.jar OutboxDispatchBenchmark -foe true}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class OutboxDispatchBenchmark {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutboxDispatchBenchmark.class);
  /** The dispatcher only wakes on a local accept: the campaign waits until the measured part starts. */
  static OutboxConfig outbox(double bulkShare) {
    return new OutboxConfig(256, bulkShare, Duration.ofHours(1), Duration.ofSeconds(60),
        Duration.ofSeconds(5), Duration.ofHours(48), Duration.ofDays(90), Duration.ofHours(1));
  }
  static final byte[] HASH_KEY = "bench-hash-key-bench-hash-key-32".getBytes();
  static final byte[] DATA_KEY = "bench-data-key-bench-data-key-32".getBytes();

  @Param({"100000"})
  public int campaign;

  /** The share of in-flight sends bulk messages may take (outbox.bulkShare). */
  @Param({"0.75", "0.25"})
  public double bulkShare;

  EmbeddedRedis embedded;
  Vertx fakes;
  Vertx smsFake;
  Vertx loader;
  RedisClient redisClient;
  Gateway gateway;
  NotificationService queue;
  HttpClient http;
  final AtomicLong bulkReceived = new AtomicLong();
  final Map<String, Long> otpSentAt = new ConcurrentHashMap<>();
  /** Each code's notification id by its number, to say what became of a code that never reached the provider. */
  final Map<String, String> idByNumber = new ConcurrentHashMap<>();
  final Histogram otpLatencyMicros = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
  /** Each code's POST to its 202: the accept's share of the figure above. */
  final Histogram acceptLatencyMicros = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
  /** Login codes posted in the trial: each to a number of its own ({@link Voters#phone}), never twice. */
  final AtomicLong codeSeq = new AtomicLong();
  final AtomicLong codesPosted = new AtomicLong();
  final AtomicLong codesFailed = new AtomicLong();
  final java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();

  @Setup(Level.Trial)
  public void start() throws Exception {
    String redisUrl = System.getenv("REDIS_URL");
    if (redisUrl == null) {
      embedded = EmbeddedRedis.start();
      redisUrl = embedded.url();
    }
    // Mailjet and OVH are two fakes, each on an event loop of its own (two servers, as in life): the campaign's
    // emails queueing in one process would otherwise delay the codes' arrival and be counted as the gateway's
    fakes = Vertx.vertx();
    HttpServer fake = fakes.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      bulkReceived.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json")
          .end("{\"Messages\":[{\"Status\":\"success\",\"To\":[{\"MessageUUID\":\"m\"}]}]}");
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    smsFake = Vertx.vertx();
    HttpServer sms = smsFake.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String path = req.path();
      if (path.endsWith("/auth/time")) {
        req.response().end(Long.toString(System.currentTimeMillis() / 1000));
        return;
      }
      String to = new JsonObject(body.toString()).getJsonArray("receivers").getString(0);
      Long sent = otpSentAt.remove(to);
      if (sent != null) {
        synchronized (otpLatencyMicros) {
          otpLatencyMicros.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
        }
      }
      req.response().putHeader("Content-Type", "application/json")
          .end("{\"ids\":[1],\"validReceivers\":[\"" + to + "\"],\"invalidReceivers\":[]}");
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    String smsBase = "http://127.0.0.1:" + sms.actualPort();
    String base = "http://127.0.0.1:" + fake.actualPort();

    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of(
        "email", Map.of("chain", List.of("mailjet"), "providers", Map.of("mailjet", Map.of("type", "mailjet-email",
            "baseUrl", base, "from", "no-reply@bench.test"))),
        "sms", Map.of("chain", List.of("ovh"), "providers", Map.of("ovh", Map.of("type", "ovh-sms",
            "endpoint", smsBase + "/1.0", "serviceName", "sms-bench-1", "sender", "SESAME")))),
        Map.of("SESAME_PROVIDER_MAILJET_API_KEY", "k", "SESAME_PROVIDER_MAILJET_API_SECRET", "s",
            "SESAME_PROVIDER_OVH_APPLICATION_KEY", "a", "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "b",
            "SESAME_PROVIDER_OVH_CONSUMER_KEY", "c"));
    GatewayConfig config = new GatewayConfig(new HttpConfig(0, "127.0.0.1", 65536, 1 << 20, "none", 2),
        new RedisConfig(redisUrl, false, Duration.ofSeconds(5)), HASH_KEY, DATA_KEY,
        ConfigLoader.parseApiKeys("platform:bench-platform-key", new KeyedHasher(HASH_KEY)),
        LockoutConfig.DEFAULTS, OtpConfig.DEFAULTS, SessionConfig.DEFAULTS, false, channels, outbox(bulkShare));
    gateway = Gateway.start(config, Clock.systemUTC(),
        (v, registry) -> channels.build(v, Clock.systemUTC(), registry), null);

    loader = Vertx.vertx();
    redisClient = RedisClient.create(redisUrl);
    queue = new NotificationService(new RedisOutboxStore(new RedisAccess(redisClient.connect().async())),
        new TemplateCatalog(), new FieldCipher(DATA_KEY), new KeyedHasher(HASH_KEY), new RandomTokens(),
        Clock.systemUTC(), new InProcessOutboxSignals(loader), outbox(bulkShare), null, null, null);
    http = loader.createHttpClient();
  }

  @Setup(Level.Iteration)
  public void queueCampaign() throws Exception {
    bulkReceived.set(0);
    codesPosted.set(0);
    codesFailed.set(0);
    firstFailure.set(null);
    otpSentAt.clear();
    idByNumber.clear();
    synchronized (otpLatencyMicros) {
      otpLatencyMicros.reset();
      acceptLatencyMicros.reset();
    }
    ClientInfo client = new ClientInfo("", "key:platform/bench");
    for (int start = 0; start < campaign; start += 5_000) {
      List<Future<?>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(campaign, start + 5_000); i++) {
        batch.add(queue.accept(new NotificationService.Request(ChannelKind.EMAIL, "v" + i + "@campaign.test",
            "access-codes", "fr", Map.of("electionName", "CA 2026", "identifier", "v" + i, "url", "https://vote.test"),
            UUID.randomUUID().toString()), client));
      }
      Future.all(batch).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @Benchmark
  public long drainCampaignWhileLoginCodesArrive() throws Exception {
    gateway.outboxSignals().wake();
    long timer = loader.setPeriodic(10, t -> postLoginCode(codeSeq.incrementAndGet()));
    try {
      while (bulkReceived.get() < campaign) {
        Thread.sleep(1); // the harness waits; the gateway does the work
      }
    } finally {
      loader.cancelTimer(timer);
    }
    // every code posted is answered 202 and reaches the provider, or the figure measures nothing: fail loudly
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!otpSentAt.isEmpty() && codesFailed.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    long measured;
    synchronized (otpLatencyMicros) {
      measured = otpLatencyMicros.getTotalCount();
    }
    if (codesFailed.get() > 0) {
      throw new IllegalStateException(codesFailed.get() + " of " + codesPosted.get() + " login codes were not "
          + "accepted; the first: " + firstFailure.get());
    }
    if (measured == 0 || !otpSentAt.isEmpty()) {
      throw new IllegalStateException("login codes: " + codesPosted.get() + " posted, " + measured
          + " reached the provider, " + otpSentAt.size() + " never did: the latency figure would measure nothing; "
          + "the first of them: " + statusOfMissing(3));
    }
    return bulkReceived.get();
  }

  /** The outbox status of up to {@code n} codes that never reached the provider. */
  private String statusOfMissing(int n) throws Exception {
    List<String> out = new ArrayList<>();
    for (String to : otpSentAt.keySet()) {
      if (out.size() >= n) {
        break;
      }
      String id = idByNumber.get(to);
      if (id == null) {
        out.add("(no id: not answered yet)");
        continue;
      }
      out.add(http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gateway.port())
              .setURI("/v1/notifications/" + id).putHeader("Authorization", "Bearer bench-platform-key"))
          .compose(req -> req.send()).compose(res -> res.body()).map(Buffer::toString)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    return String.join(" | ", out);
  }

  private void postLoginCode(long n) {
    // a number of its own, spread over the French mobile blocks as a roll's are: the SMS-pumping guards (per
    // number, per block of 10,000, per country) let them all through, as they do a real election's codes; one block
    // ("+3361...") tripped them after 20 codes, and the figure measured nothing for a while
    String to = Voters.phone(n);
    JsonObject body = new JsonObject().put("channel", "sms").put("to", to).put("template", "login-code")
        .put("idempotencyKey", UUID.randomUUID().toString())
        .put("data", new JsonObject().put("code", "123456").put("codeSpoken", "1, 2, 3, 4, 5, 6").put("minutes", 5));
    long posted = System.nanoTime();
    otpSentAt.put(to, posted);
    codesPosted.incrementAndGet();
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gateway.port())
            .setURI("/v1/notifications").putHeader("Authorization", "Bearer bench-platform-key")
            .putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(body.encode())))
        .compose(res -> {
          if (res.statusCode() == 202) {
            res.body().onSuccess(b -> idByNumber.put(to, new JsonObject(b.toString()).getString("id")));
            synchronized (otpLatencyMicros) {
              acceptLatencyMicros.recordValue(Math.max(1, (System.nanoTime() - posted) / 1000));
            }
          }
          return res.body().map(b -> res.statusCode() == 202 ? null : res.statusCode() + " " + b);
        })
        .onComplete(r -> {
          String failure = r.failed() ? r.cause().toString() : r.result();
          if (failure != null) {
            otpSentAt.remove(to);
            codesFailed.incrementAndGet();
            firstFailure.compareAndSet(null, failure);
          }
        });
  }

  @TearDown(Level.Iteration)
  public void report() {
    synchronized (otpLatencyMicros) {
      LOG.info(String.format("login codes during the drain: %d, accept->provider p50 %.2f ms, p90 %.2f ms, "
              + "p99 %.2f ms, max %.2f ms; of which the accept (POST->202) p50 %.2f ms, p99 %.2f ms",
          otpLatencyMicros.getTotalCount(),
          otpLatencyMicros.getValueAtPercentile(50) / 1000.0, otpLatencyMicros.getValueAtPercentile(90) / 1000.0,
          otpLatencyMicros.getValueAtPercentile(99) / 1000.0, otpLatencyMicros.getMaxValue() / 1000.0,
          acceptLatencyMicros.getValueAtPercentile(50) / 1000.0, acceptLatencyMicros.getValueAtPercentile(99) / 1000.0));
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    gateway.close();
    http.close();
    loader.close();
    fakes.close();
    smsFake.close();
    redisClient.shutdown();
    if (embedded != null) {
      embedded.close();
    }
  }
}
