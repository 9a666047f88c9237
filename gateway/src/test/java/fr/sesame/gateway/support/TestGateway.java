package fr.sesame.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.Gateway;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.config.OtpConfig;
import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.gateway.config.SessionConfig;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.testkit.LeakGuard;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestClock;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real gateway for a test class: real HTTP on a free port, real Redis, the dev outbox in place of
 * providers, and a clock the test moves. Two HTTP verticles, as in production. Register it as
 * {@code @RegisterExtension static final TestGateway gw = new TestGateway();}: it stops after the class.
 */
public final class TestGateway implements AutoCloseable, AfterAllCallback {
  public static final String ADMIN = "test-admin-key";
  public static final String SUPPORT = "test-support-key";
  public static final String PLATFORM = "test-platform-key";
  public static final byte[] HASH_KEY = "test-hash-key-test-hash-key-32by".getBytes();
  public static final byte[] DATA_KEY = "test-data-key-test-data-key-32by".getBytes();
  /** The roll every test election gets. */
  /**
   * The voterId the platform sees: the pseudonym the voter's keys are made of (no gateway needed, so a test
   * that calls it starts none).
   */
  public static String pseudonym(String el, String identifier) {
    var keys = new fr.sesame.gateway.auth.VoterKeys(
        new fr.sesame.gateway.crypto.KeyedHasher(HASH_KEY), new fr.sesame.gateway.crypto.RandomTokens());
    return keys.of(el, identifier).pseudonym();
  }

  public static final String ROLL = String.join("\n",
      "identifier,college,lastName,firstName,birthDate,email,phone,secret",
      "alice,etudiants,Martin,Alice,2001-04-12,alice.martin@univ-test.fr,+33612345678,20231234",
      "bruno,etudiants,Durand,Bruno,2000-09-30,bruno.durand@univ-test.fr,,20235678",
      "chloe,personnels,Bernard,Chloé,1985-01-20,chloe.bernard@univ-test.fr,0698765432,4321",
      "emma,externes,Robert,Emma,1990-06-15,emma.robert@univ-test.fr,,", "");
  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  static { // what no log line may hold (fr.sesame.testkit.LeakGuard)
    LeakGuard.secrets(ADMIN, SUPPORT, PLATFORM, new String(HASH_KEY), new String(DATA_KEY));
    LeakGuard.fromRequest("text/csv", ROLL);
  }

  /** An outbox dispatcher that only works when woken: for tests that count Redis commands or own the queue. */
  public static final fr.sesame.gateway.config.OutboxConfig QUIET_OUTBOX = new fr.sesame.gateway.config.OutboxConfig(
      256, 0.75, Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofHours(48),
      Duration.ofDays(90), Duration.ofHours(1));

  /**
   * The production login limits (per election, so tests never meet), but no effective cap on paid sends:
   * every test class sends to the same roll numbers at the same test instant, and some tests move the clock
   * back, which a GCRA limit reads as a burst of sends. The fraud tests use the production caps.
   */
  public static final fr.sesame.gateway.config.LimitsConfig TEST_LIMITS = relaxedCaps();

  private static fr.sesame.gateway.config.LimitsConfig relaxedCaps() {
    var d = fr.sesame.gateway.config.LimitsConfig.DEFAULTS;
    java.util.Map<String, fr.sesame.ratelimit.LimitPolicy> countries = new java.util.HashMap<>();
    d.phoneCountries().keySet().forEach(r -> countries.put(r, relaxed("phone-country")));
    return new fr.sesame.gateway.config.LimitsConfig(d.loginIp(), d.loginIpFailures(), d.loginVoter(),
        d.loginElection(), relaxed("phone"), relaxed("phone-day"), relaxed("phone-prefix"), relaxed("phone-country"),
        countries, d.prefixDigits(), d.breakerCooldown());
  }

  private static fr.sesame.ratelimit.LimitPolicy relaxed(String name) {
    return fr.sesame.gateway.config.LimitsConfig.closed(name, 1_000_000, Duration.ofSeconds(1), 1_000_000_000_000L);
  }

  /** How long {@link #awaitNotification} waits at most. */
  public static final Duration NOTIFICATION_WAIT = Duration.ofSeconds(15);

  public final TestClock clock = new TestClock(Instant.parse("2026-12-01T09:00:00Z"));
  public final DevOutbox outbox = new DevOutbox(clock, 100_000);
  public final Gateway gateway;
  public final Http http;
  /** The Redis this gateway uses (maybe through a proxy): where its notifications' keys change. */
  public final String redisUrl;
  /** Closed after the gateway: a Redis of its own ({@link #isolated}), else nothing. */
  private AutoCloseable after = () -> {};

  public TestGateway() {
    this(2);
  }

  public TestGateway(int instances) {
    this(instances, fr.sesame.gateway.config.OutboxConfig.DEFAULTS, null);
  }

  /**
   * @param notifiers the notifier to use, or null for the dev outbox {@link #outbox}
   */
  public TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                     Gateway.NotifierFactory notifiers) {
    this(instances, outboxConfig, notifiers, TestRedis.url());
  }

  /** @param redisUrl the Redis to use (e.g. through a {@link LatencyProxy}) */
  public TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                     Gateway.NotifierFactory notifiers, String redisUrl) {
    this(instances, outboxConfig, notifiers, redisUrl, TEST_LIMITS);
  }

  /** A gateway whose notifications go through these real providers (tests point them at fakes). */
  public static TestGateway withProviders(int instances, ChannelsConfig channels) {
    return new TestGateway(instances, fr.sesame.gateway.config.OutboxConfig.DEFAULTS,
        (vertx, registry) -> channels.build(vertx, java.time.Clock.systemUTC(), registry));
  }

  /**
   * A gateway serving HTTPS (HTTP/2 by ALPN, and HTTP/1.1) with a self-signed certificate for {@code localhost};
   * {@link #http} speaks HTTPS to it.
   */
  public static TestGateway overHttps(int instances) {
    io.vertx.core.net.SelfSignedCertificate cert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    return new TestGateway(instances, fr.sesame.gateway.config.OutboxConfig.DEFAULTS, null,
        new RedisConfig(TestRedis.url(), false, Duration.ofSeconds(5)), TEST_LIMITS,
        new fr.sesame.gateway.config.TlsConfig(java.nio.file.Path.of(cert.certificatePath()),
            java.nio.file.Path.of(cert.privateKeyPath()), Duration.ofHours(1)));
  }

  /** A gateway with these limits (the fraud tests). */
  public TestGateway(fr.sesame.gateway.config.LimitsConfig limits) {
    this(2, fr.sesame.gateway.config.OutboxConfig.DEFAULTS, null, TestRedis.url(), limits);
  }

  public TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                     Gateway.NotifierFactory notifiers, String redisUrl, fr.sesame.gateway.config.LimitsConfig limits) {
    this(instances, outboxConfig, notifiers, new RedisConfig(redisUrl, false, Duration.ofSeconds(5)), limits);
  }

  /** A gateway on this Redis configuration (e.g. Sentinel, with replicas to confirm writes). */
  public TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                     Gateway.NotifierFactory notifiers, RedisConfig redis) {
    this(instances, outboxConfig, notifiers, redis, TEST_LIMITS);
  }

  private TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                      Gateway.NotifierFactory notifiers, RedisConfig redis, fr.sesame.gateway.config.LimitsConfig limits) {
    this(instances, outboxConfig, notifiers, redis, limits, null);
  }

  private TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                      Gateway.NotifierFactory notifiers, RedisConfig redis, fr.sesame.gateway.config.LimitsConfig limits,
                      fr.sesame.gateway.config.TlsConfig tls) {
    this(instances, outboxConfig, notifiers, redis, limits, tls, fr.sesame.gateway.config.OidcConfig.DEFAULTS);
  }

  /**
   * A gateway on this Redis configuration (a Redis Cluster's, issue 17) whose notifications go through these real
   * providers (tests point them at fakes), with the test limits.
   */
  public static TestGateway onRedisWithProviders(int instances, RedisConfig redis, ChannelsConfig channels) {
    return new TestGateway(instances, fr.sesame.gateway.config.OutboxConfig.DEFAULTS,
        (vertx, registry) -> channels.build(vertx, java.time.Clock.systemUTC(), registry), redis);
  }

  /** A gateway serving the OpenID Connect provider and the login pages, its issuer http://localhost:PORT. */
  public static TestGateway withOidc() {
    return withOidc(TEST_LIMITS);
  }

  /** {@link #withOidc()} with these limits. */
  public static TestGateway withOidc(fr.sesame.gateway.config.LimitsConfig limits) {
    return new TestGateway(2, fr.sesame.gateway.config.OutboxConfig.DEFAULTS, null,
        new RedisConfig(TestRedis.url(), false, Duration.ofSeconds(5)), limits, null,
        fr.sesame.gateway.config.OidcConfig.DEFAULTS.withIssuer(fr.sesame.gateway.config.OidcConfig.DEV_ISSUER));
  }

  /**
   * {@link #withOidc()} on a Redis of its own (stopped with the gateway), with this lockout configuration: for
   * tests that read the messages a gateway sends through the outbox, which any other gateway on the same Redis
   * could take into its own outbox.
   */
  public static TestGateway isolated(LockoutConfig lockout) {
    fr.sesame.testkit.LocalRedis own = fr.sesame.testkit.LocalRedis.start();
    try {
      TestGateway gw = new TestGateway(2, fr.sesame.gateway.config.OutboxConfig.DEFAULTS, null,
          new RedisConfig(own.url(), false, Duration.ofSeconds(5)), TEST_LIMITS, null,
          fr.sesame.gateway.config.OidcConfig.DEFAULTS.withIssuer(fr.sesame.gateway.config.OidcConfig.DEV_ISSUER),
          lockout);
      gw.after = own::close;
      return gw;
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  /** {@link #isolated()} whose notifications go through {@code notifiers} (real providers pointed at fakes). */
  public static TestGateway isolated(Gateway.NotifierFactory notifiers) {
    fr.sesame.testkit.LocalRedis own = fr.sesame.testkit.LocalRedis.start();
    try {
      TestGateway gw = new TestGateway(2, fr.sesame.gateway.config.OutboxConfig.DEFAULTS, notifiers,
          new RedisConfig(own.url(), false, Duration.ofSeconds(5)), TEST_LIMITS, null,
          fr.sesame.gateway.config.OidcConfig.DEFAULTS.withIssuer(fr.sesame.gateway.config.OidcConfig.DEV_ISSUER),
          LockoutConfig.DEFAULTS);
      gw.after = own::close;
      return gw;
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  /**
   * A gateway on a Redis of its own (as {@link #isolated()}) whose notifications go through these real providers
   * (tests point them at fakes): what it queues no other test's gateway takes.
   */
  public static TestGateway isolatedWithProviders(ChannelsConfig channels) {
    fr.sesame.testkit.LocalRedis own = fr.sesame.testkit.LocalRedis.start();
    try {
      TestGateway gw = new TestGateway(1, fr.sesame.gateway.config.OutboxConfig.DEFAULTS,
          (vertx, registry) -> channels.build(vertx, java.time.Clock.systemUTC(), registry),
          new RedisConfig(own.url(), false, Duration.ofSeconds(5)), TEST_LIMITS, null,
          fr.sesame.gateway.config.OidcConfig.DEFAULTS, LockoutConfig.DEFAULTS);
      gw.after = own::close;
      return gw;
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  /** {@link #isolated(LockoutConfig)} with the default lockout. */
  public static TestGateway isolated() {
    return isolated(LockoutConfig.DEFAULTS);
  }

  private TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                      Gateway.NotifierFactory notifiers, RedisConfig redis, fr.sesame.gateway.config.LimitsConfig limits,
                      fr.sesame.gateway.config.TlsConfig tls, fr.sesame.gateway.config.OidcConfig oidc) {
    this(instances, outboxConfig, notifiers, redis, limits, tls, oidc, LockoutConfig.DEFAULTS);
  }

  /**
   * A gateway with the login pages whose door is {@code admission} (issue 17, point 1). The others have admission
   * control off: their clock stands still, and a door that counts time by it would never let a second wave in.
   */
  public static TestGateway withAdmission(fr.sesame.gateway.config.AdmissionConfig admission) {
    // a Redis of its own, as isolated(): its tests read the codes it sends, which a gateway another test left on
    // the shared Redis could take into its own outbox (a CI run on 300f6c6 waited 30 s for such an SMS)
    fr.sesame.testkit.LocalRedis own = fr.sesame.testkit.LocalRedis.start();
    try {
      TestGateway gw = new TestGateway(2, fr.sesame.gateway.config.OutboxConfig.DEFAULTS, null,
          new RedisConfig(own.url(), false, Duration.ofSeconds(5)), TEST_LIMITS, null,
          fr.sesame.gateway.config.OidcConfig.DEFAULTS.withIssuer(fr.sesame.gateway.config.OidcConfig.DEV_ISSUER),
          LockoutConfig.DEFAULTS, admission);
      gw.after = own::close;
      return gw;
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  private TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                      Gateway.NotifierFactory notifiers, RedisConfig redis, fr.sesame.gateway.config.LimitsConfig limits,
                      fr.sesame.gateway.config.TlsConfig tls, fr.sesame.gateway.config.OidcConfig oidc,
                      LockoutConfig lockout) {
    this(instances, outboxConfig, notifiers, redis, limits, tls, oidc, lockout,
        fr.sesame.gateway.config.AdmissionConfig.OFF);
  }

  /** @param tls HTTPS, or null for plain HTTP */
  private TestGateway(int instances, fr.sesame.gateway.config.OutboxConfig outboxConfig,
                      Gateway.NotifierFactory notifiers, RedisConfig redis, fr.sesame.gateway.config.LimitsConfig limits,
                      fr.sesame.gateway.config.TlsConfig tls, fr.sesame.gateway.config.OidcConfig oidc,
                      LockoutConfig lockout, fr.sesame.gateway.config.AdmissionConfig admission) {
    this.redisUrl = redis.url();
    try {
      KeyedHasher hasher = new KeyedHasher(HASH_KEY);
      GatewayConfig config = new GatewayConfig(
          new HttpConfig(0, "127.0.0.1", 64 * 1024, 64L * 1024 * 1024, "none", instances).withTls(tls),
          redis, HASH_KEY, DATA_KEY,
          ConfigLoader.parseApiKeys("admin:" + ADMIN + ",support:" + SUPPORT + ",platform:" + PLATFORM, hasher),
          lockout, OtpConfig.DEFAULTS, SessionConfig.DEFAULTS, false, ChannelsConfig.NONE,
          outboxConfig, limits, oidc).withAdmission(admission);
      this.gateway = Gateway.start(config, clock, notifiers != null ? notifiers : (vertx, registry) -> outbox, null);
      this.http = tls == null ? new Http(gateway.port()) : new Http("https://127.0.0.1:" + gateway.port());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A French mobile number no other test uses. */
  public static String randomPhone() {
    return "+3361" + String.format("%07d", Math.floorMod(UUID.randomUUID().hashCode(), 10_000_000));
  }

  /** A fresh election id, so tests never see each other's data. */
  public static String newElectionId() {
    return "t-" + UUID.randomUUID().toString().substring(0, 12);
  }

  public static JsonObject electionBody(Instant opens, Instant closes) {
    return new JsonObject().put("name", "Test election")
        .put("opensAt", OffsetDateTime.ofInstant(opens, ZoneOffset.ofHours(1)).toString())
        .put("closesAt", OffsetDateTime.ofInstant(closes, ZoneOffset.ofHours(1)).toString())
        .put("colleges", new JsonArray()
            .add(new JsonObject().put("id", "etudiants").put("secretKind", "SISCOL")
                .put("otpChannels", new JsonArray().add("sms").add("email")))
            .add(new JsonObject().put("id", "personnels").put("secretKind", "SSN_LAST4")
                .put("otpChannels", new JsonArray().add("sms").add("voice").add("email")))
            .add(new JsonObject().put("id", "externes").put("secretKind", "BIRTH_DATE")
                .put("otpChannels", new JsonArray().add("email"))));
  }

  /** Creates an election open around the clock's now, with {@link #ROLL}. @return its id */
  public String openElection() {
    String id = newElectionId();
    Http.Res put = http.put("/v1/admin/elections/" + id, ADMIN,
        electionBody(clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(10))));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    Http.Res imp = importRoll(id, ROLL);
    assertThat(imp.status()).as(imp.body()).isEqualTo(200);
    assertThat(imp.json().getLong("imported")).isEqualTo(4);
    return id;
  }

  public Http.Res importRoll(String electionId, String csv) {
    return http.postRaw("/v1/admin/elections/" + electionId + "/voters", ADMIN, "text/csv", csv.getBytes());
  }

  public Http.Res login(String electionId, String identifier, String secret, String channel) {
    return http.post("/v1/elections/" + electionId + "/login",
        new JsonObject().put("identifier", identifier).put("secret", secret).put("channel", channel));
  }

  public Http.Res verify(String electionId, String challengeId, String code) {
    return http.post("/v1/elections/" + electionId + "/login/" + challengeId + "/verify",
        new JsonObject().put("code", code));
  }

  /** The code in the newest message sent to {@code to}. */
  public String lastCode(String to) {
    DevOutbox.Entry e = outbox.last(to);
    assertThat(e).as("a message to " + to).isNotNull();
    Matcher m = CODE.matcher(e.message().text().replace(", ", ""));
    assertThat(m.find()).as(e.message().text()).isTrue();
    return LeakGuard.secret(m.group(1));
  }

  /** Logs alice in with every factor. @return the session token */
  public String fullLogin(String electionId, String identifier, String secret, String channel, String to) {
    Http.Res r = login(electionId, identifier, secret, channel);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Http.Res v = verify(electionId, r.json().getString("challengeId"), lastCode(to));
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    return v.json().getString("sessionToken");
  }

  /**
   * Waits until {@code GET /v1/notifications/{id}} shows one of {@code statuses}.
   * @return the notification's status document
   * @see #awaitNotification(String, Predicate, String)
   */
  public JsonObject awaitNotification(String id, String... statuses) {
    Set<String> wanted = Set.of(statuses);
    return awaitNotification(id, s -> wanted.contains(s.getString("status")), "status in " + Arrays.toString(statuses));
  }

  /**
   * Waits until the status document of notification {@code id} ({@code GET /v1/notifications/{id}}) satisfies
   * {@code until}, for at most {@link #NOTIFICATION_WAIT}. It reads the document once, then once after each
   * change Redis reports (keyspace events) to the notification's keys (every key whose name holds its id:
   * record, attempts, content), instead of asking again and again.
   * @param what what {@code until} means, for the failure message
   * @return the first status document {@code until} accepted
   */
  public JsonObject awaitNotification(String id, Predicate<JsonObject> until, String what) {
    return TestRedis.readUntil(redisUrl, "*" + TestRedis.literal(id) + "*", () -> {
      Http.Res r = http.get("/v1/notifications/" + id, PLATFORM);
      return r.status() == 200 ? r.json() : null;
    }, s -> s != null && until.test(s), NOTIFICATION_WAIT, "notification " + id + " with " + what);
  }

  public Http.Res status(String electionId, String identifier) {
    return http.get("/v1/support/elections/" + electionId + "/voters/" + identifier, SUPPORT);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private io.lettuce.core.api.StatefulRedisConnection<String, String> redis;

  /**
   * A connection to this gateway's Redis for the test's own reads and writes, opened on first use and closed with
   * the gateway, before the Redis stops (a connection left open on the test kit's shared client would try to
   * reconnect for the rest of the run).
   */
  public synchronized io.lettuce.core.api.sync.RedisCommands<String, String> redis() {
    if (redis == null) {
      redis = fr.sesame.testkit.TestRedis.connect(redisUrl);
    }
    return redis.sync();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (redis != null) {
        redis.close();
        redis = null;
      }
    }
    http.close();
    gateway.close();
    try {
      after.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
