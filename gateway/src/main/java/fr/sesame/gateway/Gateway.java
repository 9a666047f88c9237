package fr.sesame.gateway;

import fr.sesame.channels.Notifier;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.AuditExport;
import fr.sesame.gateway.audit.AuditVerifier;
import fr.sesame.gateway.audit.ChainedAuditTrail;
import fr.sesame.gateway.auth.EmargementList;
import fr.sesame.gateway.auth.ExportLeftovers;
import fr.sesame.gateway.auth.LoginLimits;
import fr.sesame.gateway.auth.LoginService;
import fr.sesame.gateway.auth.SessionService;
import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.OutboxConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.election.ElectionDefinitions;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.health.Readiness;
import fr.sesame.gateway.http.AdminHandlers;
import fr.sesame.gateway.campaign.CampaignService;
import fr.sesame.gateway.http.CampaignHandlers;
import fr.sesame.gateway.store.redis.RedisCampaignStore;
import fr.sesame.gateway.http.ApiKeyAuth;
import fr.sesame.gateway.http.oidc.OidcHandlers;
import fr.sesame.gateway.http.console.ConsolePages;
import fr.sesame.gateway.http.console.StaffHandlers;
import fr.sesame.gateway.http.pages.LoginPages;
import fr.sesame.gateway.staff.PasswordHasher;
import fr.sesame.gateway.staff.BureauAlerts;
import fr.sesame.gateway.staff.StaffService;
import fr.sesame.gateway.store.redis.RedisStaffStore;
import fr.sesame.gateway.store.redis.RedisLockIndex;
import fr.sesame.gateway.auth.LockoutAlarm;
import fr.sesame.gateway.election.TurnoutService;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.oidc.OidcProvider;
import fr.sesame.gateway.oidc.SigningKeys;
import fr.sesame.gateway.store.redis.RedisOidcStore;
import fr.sesame.gateway.config.OidcConfig;
import fr.sesame.gateway.http.ApiRouter;
import fr.sesame.gateway.http.DevHandlers;
import fr.sesame.gateway.http.DocsHandlers;
import fr.sesame.gateway.http.LoginHandlers;
import fr.sesame.gateway.http.NotificationHandlers;
import fr.sesame.gateway.http.OpsHandlers;
import fr.sesame.gateway.http.PlatformHandlers;
import fr.sesame.gateway.http.RollImportHandlers;
import fr.sesame.gateway.http.RouteGroup;
import fr.sesame.gateway.admission.Admission;
import fr.sesame.gateway.http.SupportHandlers;
import fr.sesame.gateway.http.problem.ProblemPages;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.notify.DeliveryReportApplier;
import fr.sesame.gateway.notify.DeliveryStatusPoller;
import fr.sesame.gateway.notify.InProcessOutboxSignals;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.notify.Outbox;
import fr.sesame.gateway.notify.OutboxDispatcher;
import fr.sesame.gateway.notify.OutboxRecovery;
import fr.sesame.gateway.notify.OutboxRetention;
import fr.sesame.gateway.evidence.CheckpointLog;
import fr.sesame.gateway.evidence.Checkpointer;
import fr.sesame.gateway.evidence.ConfigDigest;
import fr.sesame.gateway.evidence.EvidenceBundle;
import fr.sesame.gateway.evidence.SealNotice;
import fr.sesame.gateway.evidence.SealService;
import fr.sesame.gateway.http.SealHandlers;
import fr.sesame.gateway.store.redis.RedisSealStore;
import fr.sesame.gateway.evidence.IncidentLog;
import fr.sesame.gateway.http.EvidenceHandlers;
import fr.sesame.gateway.notify.OutboxSender;
import fr.sesame.gateway.notify.OutboxSignals;
import fr.sesame.gateway.notify.PaidSendCaps;
import fr.sesame.gateway.problem.ProblemDescriptions;
import fr.sesame.gateway.roll.RollImport;
import fr.sesame.gateway.roll.RollImportJobs;
import fr.sesame.gateway.store.redis.RedisAuditStore;
import fr.sesame.gateway.store.redis.RedisConnector;
import fr.sesame.gateway.store.redis.RedisElectionStore;
import fr.sesame.gateway.store.redis.RedisImportJobStore;
import fr.sesame.gateway.store.redis.RedisMemory;
import fr.sesame.gateway.store.OutboxStore.Lane;
import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.gateway.store.redis.RedisStoreHealth;
import fr.sesame.gateway.store.redis.RedisVoterStore;
import fr.sesame.redis.Durability;
import fr.sesame.redis.RedisAccess;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the only place that wires objects together. Starts the HTTP verticles and the
 * outbox dispatcher, each event loop on Redis connections of its own; {@link #close()} stops them.
 */
public final class Gateway implements AutoCloseable {
  static {
    // before any Vert.x HTTP server class loads: see HttpEdge.disableWebSockets
    fr.sesame.gateway.http.HttpEdge.disableWebSockets();
  }
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private final Vertx vertx;
  private final RedisConnector redis;
  private final RedisConnector outboxRedis;
  private final int port;
  private final Outbox outbox;
  private final OutboxSignals signals;
  private final String instance;
  private final String httpDeployment;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<ApiRouter.RouteEntry> routes;

  /**
   * How long {@link #close()} lets the requests being served finish (once the servers stop accepting), before it
   * closes the connections still open.
   */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private Gateway(Vertx vertx, RedisConnector redis, RedisConnector outboxRedis, int port,
                  Outbox outbox, OutboxSignals signals, String instance, String httpDeployment,
                  String issuer, List<ApiRouter.RouteEntry> routes,
                  CampaignService campaigns, Checkpointer checkpointer) {
    this.campaigns = campaigns;
    this.checkpointer = checkpointer;
    this.issuer = issuer;
    this.routes = routes;
    this.httpDeployment = httpDeployment;
    this.instance = instance;
    this.signals = signals;
    this.vertx = vertx;
    this.redis = redis;
    this.outboxRedis = outboxRedis;
    this.port = port;
    this.outbox = outbox;
  }

  /** The routes the HTTP verticles serve, as their router lists them ({@code OpenApiTest} compares the document). */
  public List<ApiRouter.RouteEntry> routes() {
    return routes;
  }

  private final CampaignService campaigns;

  /** The credential campaigns (tests: resume the stalled ones now rather than on the next timer). */
  public CampaignService campaigns() {
    return campaigns;
  }

  private final Checkpointer checkpointer;

  private volatile SealService seals;

  /** Seals the elections (at their opening every minute; tests seal on demand). */
  public SealService seals() {
    return seals;
  }

  private volatile fr.sesame.gateway.evidence.IntegrityChecker integrity;

  /** Checks the sealed elections' integrity (every minute; tests check on demand). */
  public fr.sesame.gateway.evidence.IntegrityChecker integrity() {
    return integrity;
  }

  /** Takes the audit checkpoints (every minute; tests take them on demand). */
  public Checkpointer checkpointer() {
    return checkpointer;
  }

  /** This instance's outbox jobs (operations and tests: retention or delivery-status polling on demand). */
  public Outbox outbox() {
    return outbox;
  }

  /**
   * How this instance's API and outbox dispatcher signal each other; {@code outboxSignals().wake()} makes the
   * dispatcher read the outbox now (tests and benchmarks whose messages were accepted elsewhere).
   */
  public OutboxSignals outboxSignals() {
    return signals;
  }

  /** Makes the notifier once the gateway's Vert.x instance and meter registry exist. */
  @FunctionalInterface
  public interface NotifierFactory {
    Notifier create(Vertx vertx, MeterRegistry registry);
  }

  /**
   * Starts the gateway and waits until it listens (blocking: call it from a main or test thread).
   * @param devOutbox the dev outbox to show at {@code /dev/outbox}, or null (it is then not mounted)
   */
  public static Gateway start(GatewayConfig config, Clock clock, NotifierFactory notifiers, DevOutbox devOutbox)
      throws Exception {
    if (config.http().port() == 0) {
      config = config.withPort(freePort());
    }
    if (OidcConfig.DEV_ISSUER.equals(config.oidc().issuer())) {
      config = config.withOidc(config.oidc().withIssuer(OidcConfig.DEV_ISSUER + ":" + config.http().port()));
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    List<EventLoop> loops = RedisConnector.loopsOf(vertx);
    String instance = "gw-" + UUID.randomUUID(); // names this gateway in Redis (CLIENT LIST, outbox consumers)
    RedisConnector connector = null;
    RedisConnector outboxConnector = null;
    try {
      connector = RedisConnector.connect(config.redis(), instance + "-api", loops);
      // The outbox dispatcher has its own connections: a campaign draining must not queue ahead of logins.
      // Its commands are held while disconnected and sent again once back: the dispatcher counts on it
      // (a read unanswered for 1 s is "Redis away"), and the outbox's scripts are keyed by notification id and
      // state; the API's connections refuse to re-send instead (docs/design.md, "Durability and retries").
      outboxConnector = RedisConnector.connect(config.redis(), instance + "-outbox", loops,
          RedisConnector.Replay.RESEND);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registerRedisMeters(registry, Map.of("api", connector, "outbox", outboxConnector));
      RedisMemory.check(connector.access());
      // what "written" means for the writes an election relies on: on minReplicas replicas (WAIT), or 0
      Durability durability = new Durability(config.redis().minReplicas(), config.redis().replicaTimeout());
      RedisAccess api = connector.access().withDurability(durability);
      RedisAccess outboxAccess = outboxConnector.access().withDurability(durability);
      Notifier notifier = notifiers.create(vertx, registry);
      GatewayMetrics metrics = new GatewayMetrics(registry);
      TemplateCatalog templates = new TemplateCatalog();
      FieldCipher cipher = new FieldCipher(config.dataKey());
      // how this instance's API wakes its dispatcher and hears how a send ended
      InProcessOutboxSignals signals = new InProcessOutboxSignals(vertx);
      Outbox outbox = outbox(config.outbox(), clock, vertx, outboxAccess, notifier, templates, cipher,
          metrics, signals, instance);
      Checkpointer checkpointer = new Checkpointer(new RedisAuditStore(api),
          new CheckpointLog(config.evidence().dir()), config.evidence().key(), clock, new Checkpointer.OffLoop() {
            @Override
            public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
              return vertx.executeBlocking(work, true); // in order: a checkpoint's line after the one before
            }
          }, instance, config.evidence().checkpointEvery());
      AtomicReference<CampaignService> campaigns = new AtomicReference<>();
      AtomicReference<SealService> seals = new AtomicReference<>();
      var integrity = new AtomicReference<fr.sesame.gateway.evidence.IntegrityChecker>();
      // the door of new logins (issue 17, point 1): one per instance, its limit adjusted from one timer
      Admission admission = new Admission(config.admission(), new KeyedHasher(config.hashKey()), clock, metrics);
      if (admission.enabled()) {
        long[] last = {System.nanoTime()};
        vertx.setPeriodic(admission.adjustEvery().toMillis(), id -> {
          long now = System.nanoTime();
          admission.adjust(now - last[0]);
          last[0] = now;
        });
      }
      List<RouteGroup> routes = wire(vertx, config, clock, signals, api, notifier, devOutbox, registry,
          metrics, templates, cipher, outbox, campaigns, checkpointer, seals, integrity, admission);
      HttpConfig http = config.http();
      // every HTTP verticle builds the same router: the first one built tells the routes served
      AtomicReference<Router> built = new AtomicReference<>();
      java.util.Set<Thread> httpThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
      String httpDeployment = vertx.deployVerticle(() -> new HttpVerticle(http, v -> {
                Router router = ApiRouter.create(v, http, metrics, routes, admission);
                httpThreads.add(Thread.currentThread()); // built on the verticle's event loop
                built.compareAndSet(null, router);
                return router;
              }, SHUTDOWN_GRACE),
              new DeploymentOptions().setInstances(http.instances()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      startOutbox(vertx, outbox, loops, httpThreads);
      vertx.setPeriodic(config.evidence().checkpointEvery().toMillis(), id -> checkpointer.tick());
      LOG.info("audit checkpoints every {} s in {} (evidence key {})", config.evidence().checkpointEvery().toSeconds(),
          config.evidence().dir().toAbsolutePath(), config.evidence().key().kid());
      Gateway started = new Gateway(vertx, connector, outboxConnector, config.http().port(), outbox, signals, instance,
          httpDeployment, config.oidc().issuer(), ApiRouter.table(built.get()), campaigns.get(),
          checkpointer);
      started.seals = seals.get();
      started.integrity = integrity.get();
      return started;
    } catch (Exception e) {
      for (RedisConnector c : new RedisConnector[] {connector, outboxConnector}) {
        if (c != null) {
          c.close();
        }
      }
      vertx.close();
      throw e;
    }
  }

  /**
   * Builds the API's services on one Redis access (each event loop uses its own connection through it) and the
   * route groups that serve them. Every object is shared by the HTTP event loops: none keeps per-loop state
   * but the audit trail, which keeps a chain per thread.
   */
  private static List<RouteGroup> wire(Vertx vertx, GatewayConfig config, Clock clock, OutboxSignals signals,
                                       RedisAccess redis,
                                       Notifier notifier, DevOutbox devOutbox, PrometheusMeterRegistry registry,
                                       GatewayMetrics metrics, TemplateCatalog templates, FieldCipher cipher,
                                       Outbox dispatching, AtomicReference<CampaignService> campaignsOut,
                                       Checkpointer checkpointer, AtomicReference<SealService> sealsOut,
                                       AtomicReference<fr.sesame.gateway.evidence.IntegrityChecker> integrityOut,
                                       Admission admission)
      throws Exception {
    KeyedHasher hasher = new KeyedHasher(config.hashKey());
    RandomTokens random = new RandomTokens();
    VoterKeys keys = new VoterKeys(hasher, random);
    RedisVoterStore voters = new RedisVoterStore(redis);
    RedisElectionStore electionStore = new RedisElectionStore(redis);
    RedisAuditStore auditStore = new RedisAuditStore(redis);
    ChainedAuditTrail audit = new ChainedAuditTrail(auditStore);
    ElectionService elections = new ElectionService(electionStore);
    SealService seals = new SealService(new RedisSealStore(redis), audit, config.evidence().key(),
        new CheckpointLog(config.evidence().dir(), ".seals.jsonl"), ConfigDigest.of(config, hasher), electionStore::get,
        auditStore::elections, new Checkpointer.OffLoop() {
          @Override
          public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
            return vertx.executeBlocking(work, true); // in order: a seal's line after the one before
          }
        }, clock, "seal-" + RandomTokens.base64Url(random.bytes(9)), cipher);
    sealsOut.set(seals);
    // the gateway's own walks of the roll (sealing at the opening, integrity checks) give way to the voters
    seals.pacedBy(millis -> vertx.timer(millis).mapEmpty());
    FunctionCounter.builder("sesame.checks.paused", seals, s -> s.pausedMillis() / 1000.0)
        .baseUnit("seconds").description("Time the gateway's own checks (the sealing at the opening, the integrity "
            + "checks' walks of the roll and of the audit trail) waited to give way to the voters' requests")
        .register(metrics.registry());
    // the automatic sealing at the opening: every minute (or the checkpoints' period when longer: a configuration
    // built in code, tests, checkpoints once a day), not in dev (its demo election is put again at each start)
    if (!config.devMode()) {
      Duration sealEvery = config.evidence().checkpointEvery().compareTo(Duration.ofMinutes(1)) > 0
          ? config.evidence().checkpointEvery() : Duration.ofMinutes(1);
      vertx.setPeriodic(sealEvery.toMillis(), id -> seals.tick(sealEvery));
    }
    ElectionDefinitions definitions = new ElectionDefinitions(elections, audit, clock, seals::unsealed);
    RedisOutboxStore outbox = new RedisOutboxStore(redis);
    NotificationService notifications = new NotificationService(outbox, templates, cipher,
        hasher, random, clock, signals, config.outbox(), new PaidSendCaps(config.limits(), hasher), audit, metrics);
    RedisStaffStore staffStore = new RedisStaffStore(redis);
    StaffService staff = new StaffService(staffStore, notifications, audit, hasher, cipher, random, clock,
        new StaffService.OffLoop() {
          @Override
          public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
            return vertx.executeBlocking(work, false);
          }
        }, new PasswordHasher(), () -> config.oidc().issuer());
    // each seal is emailed to the election's bureau members: its digest, and where its report (PDF) is downloaded
    BureauAlerts bureauAlerts = new BureauAlerts(staff, notifications);
    seals.onSealed((election, seal) -> SealNotice.send(seals, bureauAlerts, election, seal, config.oidc().issuer()));
    seals.onReopenedDuringTheVote((election, text) -> bureauAlerts.alert(election, text,
        "Scellement levé pendant le scrutin : voir l'email et le journal d'audit.",
        "unseal:" + election.id() + ":" + clock.millis()));
    RedisLockIndex lockIndex = new RedisLockIndex(redis);
    LockoutAlarm alarm = new LockoutAlarm(lockIndex, bureauAlerts, elections, audit, clock,
        config.lockout().massAlertPerMinute());
    LoginService logins = new LoginService(voters, notifications, audit, keys, hasher, cipher, random, clock,
        config.lockout(), config.otp(), config.session(), metrics, new LoginLimits(config.limits()), alarm::locked);
    SessionService sessions = new SessionService(voters, electionStore, audit, keys, clock, config.session(), metrics);
    SupportService support = new SupportService(voters, electionStore, audit, keys, cipher, clock, notifications,
        logins, lockIndex);
    RollImport rolls = new RollImport(voters, keys, hasher, cipher, audit, clock, config.http().maxRollBytes());
    RollImportJobs importJobs = new RollImportJobs(rolls, new RedisImportJobStore(redis), audit, random, clock, vertx,
        seals::unsealed);
    CampaignService campaigns = new CampaignService(new RedisCampaignStore(redis), voters, outbox, notifications,
        support, elections, audit, random, clock, vertx);
    campaignsOut.set(campaigns);
    // a campaign whose gateway stopped is resumed by whichever gateway looks first once its runner's lease ran out
    vertx.setPeriodic(CampaignService.RESUME_EVERY.toMillis(), id -> campaigns.resumeStalled()
        .onFailure(e -> LOG.warn("stalled campaigns not looked for: {}", e.getClass().getSimpleName())));
    // an émargement export stopped mid-way (a crash) leaves names on disk: swept at start, then every hour
    sweepExportLeftovers(vertx);
    vertx.setPeriodic(ExportLeftovers.OLDER_THAN.toMillis(), id -> sweepExportLeftovers(vertx));
    ApiKeyAuth auth = new ApiKeyAuth(config.apiKeys(), hasher);
    OidcProvider provider = config.oidc().issuer() == null ? null
        : oidcProvider(vertx, config, clock, redis, sessions, audit, hasher, cipher, random);
    IncidentLog incidents = new IncidentLog(auditStore, audit, bureauAlerts, clock);
    // the integrity check of the sealed elections (issue 16, point 3): each period on one instance, as the sealing
    var integrity = new fr.sesame.gateway.evidence.IntegrityChecker(seals, auditStore,
        new fr.sesame.gateway.store.redis.RedisIntegrityStore(redis), checkpointer,
        fr.sesame.gateway.evidence.CodeDigests::recomputed, () -> ConfigDigest.of(config, hasher), electionStore::get,
        auditStore::elections, new CheckpointLog(config.evidence().dir(), ".integrity.jsonl"), config.evidence().key(),
        new fr.sesame.gateway.evidence.IntegrityAlerts(audit, bureauAlerts, metrics, clock), metrics,
        new Checkpointer.OffLoop() {
          @Override
          public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
            return vertx.executeBlocking(work, false);
          }
        }, clock, "integrity-" + RandomTokens.base64Url(random.bytes(9)));
    integrityOut.set(integrity);
    if (!config.devMode()) {
      Duration every = config.evidence().checkpointEvery().compareTo(Duration.ofMinutes(1)) > 0
          ? config.evidence().checkpointEvery() : Duration.ofMinutes(1);
      vertx.setPeriodic(every.toMillis(), id -> integrity.tick(every));
    }
    EvidenceBundle bundle = new EvidenceBundle(new AuditExport(auditStore), audit,
        new EmargementList(electionStore, cipher), checkpointer, config.evidence().key(), clock, seals::lines,
        integrity::reportLines);
    // the destruction of an election's data at the end of their retention, its certificate in the evidence directory
    var destruction = new fr.sesame.gateway.retention.DestructionService(
        new fr.sesame.gateway.store.redis.RedisDestructionStore(redis), elections, staff, audit, notifications,
        config.evidence().key(), config.evidence().dir(), clock,
        new fr.sesame.gateway.retention.DestructionService.OffLoop() {
          @Override
          public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
            return vertx.executeBlocking(work, false);
          }
        });
    List<RouteGroup> routes = new ArrayList<>(List.of(
        new LoginHandlers(logins, elections, clock, config.otp().digits(), admission),
        new PlatformHandlers(sessions, new EmargementList(electionStore, cipher), elections, clock, auth,
            provider == null ? Future::succeededFuture : provider::sessionTokenOf),
        new SupportHandlers(support, elections, auth),
        new AdminHandlers(elections, definitions, new AuditExport(auditStore), new AuditVerifier(auditStore, checkpointer),
            auth),
        new EvidenceHandlers(elections, bundle,
            config.evidence().key(), incidents, clock, auth),
        new SealHandlers(elections, seals, auth),
        new fr.sesame.gateway.http.IntegrityHandlers(elections, integrity, auth),
        new RollImportHandlers(importJobs,
            elections, auth),
        new CampaignHandlers(campaigns, elections, auth),
        new fr.sesame.gateway.http.DestructionHandlers(destruction, elections, auth),
        new OpsHandlers(new Readiness(new RedisStoreHealth(redis), dispatching::dispatching), registry),
        new NotificationHandlers(notifications, new DeliveryReportApplier(outbox, signals, clock), templates,
            notifier, elections, auth),
        new DocsHandlers(new ProblemPages(ProblemDescriptions.load()))));
    if (provider != null) {
      Pages pages = new Pages();
      routes.add(new OidcHandlers(provider, elections, auth, pages));
      routes.add(new LoginPages(provider, logins, elections, pages, clock, config.otp().digits(), admission));
      // the staff console: its invitation links start with the public URL the issuer is
      routes.add(new ConsolePages(staff, support, elections, pages, hasher, new TurnoutService(electionStore),
          new AuditVerifier(auditStore, checkpointer), new EmargementList(electionStore, cipher), audit, clock, importJobs,
          campaigns, definitions, new fr.sesame.gateway.audit.AuditJournal(auditStore),
          new fr.sesame.gateway.health.ProviderHealth(
              notifier instanceof fr.sesame.channels.config.ChannelsNotifier c ? c.chains() : Map.of(), registry),
          bundle, incidents, seals, destruction));
      routes.add(new StaffHandlers(staff, elections, auth));
    }
    if (devOutbox != null) {
      routes.add(new DevHandlers(devOutbox));
    }
    return List.copyOf(routes);
  }

  /**
   * The OpenID Connect provider and the hosted login pages, when an issuer is configured. Its signing keys are
   * loaded (made on the first start) before the gateway serves, and reloaded every minute (a rotation on another
   * instance reaches this one within that minute).
   */
  private static OidcProvider oidcProvider(Vertx vertx, GatewayConfig config, Clock clock, RedisAccess redis,
                                           SessionService sessions, ChainedAuditTrail audit, KeyedHasher hasher,
                                           FieldCipher cipher, RandomTokens random) throws Exception {
    RedisOidcStore store = new RedisOidcStore(redis);
    SigningKeys keys = new SigningKeys(store, cipher, clock, config.oidc().idTokenTtl());
    keys.load().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.setPeriodic(60_000, id -> keys.load().onFailure(e ->
        LOG.warn("signing keys not reloaded: {}", e.toString())));
    return new OidcProvider(config.oidc(), store, keys, sessions, audit, hasher, cipher, random,
        clock, new OidcProvider.OffLoop() {
          @Override
          public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
            return vertx.executeBlocking(work, false);
          }
        }, config.session().idleTimeout(), new fr.sesame.ratelimit.redis.RedisRateLimiter(redis,
            new fr.sesame.ratelimit.local.InMemoryRateLimiter(100_000)), config.limits().loginIp(),
        new RedisVoterStore(redis));
  }

  /**
   * Builds this instance's outbox jobs on the outbox's own Redis access; {@code instance} names its consumer in
   * the dispatch group.
   */
  private static Outbox outbox(OutboxConfig config, Clock clock, Vertx vertx, RedisAccess redis, Notifier notifier,
                               TemplateCatalog templates, FieldCipher cipher, GatewayMetrics metrics,
                               OutboxSignals signals, String instance) {
    RedisOutboxStore store = new RedisOutboxStore(redis);
    OutboxSender sender = new OutboxSender(vertx, store, notifier, templates, cipher, clock, config, metrics,
        new ChainedAuditTrail(new RedisAuditStore(redis)), signals);
    OutboxDispatcher interactive = new OutboxDispatcher(vertx, store, sender, signals, config, instance,
        up -> metrics.outboxDispatcher("hi", up), java.util.EnumSet.of(Lane.HI));
    OutboxDispatcher bulk = new OutboxDispatcher(vertx, store, sender, signals, config, instance,
        up -> metrics.outboxDispatcher("lo", up), java.util.EnumSet.of(Lane.LO));
    bulk.yieldTo(interactive); // a campaign's sends wait while login codes pile up
    DeliveryReportApplier reports = new DeliveryReportApplier(store, signals, clock);
    return new Outbox(vertx, config, interactive, new OutboxRecovery(store, interactive, config, instance),
        bulk, new OutboxRecovery(store, bulk, config, instance),
        new OutboxRetention(store, clock, config), new DeliveryStatusPoller(store, notifier, reports, clock, config));
  }

  private static void registerRedisMeters(MeterRegistry registry, Map<String, RedisConnector> connectors) {
    for (var c : connectors.entrySet()) {
      FunctionCounter.builder("sesame.redis.commands", c.getValue(), RedisConnector::commandsSent)
          .tag("connection", c.getKey()).description("Commands sent to Redis (a Lua script counts once)")
          .register(registry);
      FunctionCounter.builder("sesame.redis.round.trips", c.getValue(), RedisConnector::roundTrips)
          .tag("connection", c.getKey()).description("Round trips to Redis: a command sent while none awaits its answer")
          .register(registry);
      FunctionCounter.builder("sesame.redis.reconnections", c.getValue(), RedisConnector::reconnections)
          .tag("connection", c.getKey()).description("Redis connections re-established after a drop")
          .register(registry);
    }
  }

  /**
   * @return this gateway's name in Redis: its connections are {@code sesame-NAME-api[-loopN]} and
   *     {@code sesame-NAME-outbox[-loopN]} in {@code CLIENT LIST}, its outbox consumer is NAME
   */
  public String instance() {
    return instance;
  }

  public int port() {
    return port;
  }

  /** The OpenID Connect issuer this gateway serves, or null when it serves none. */
  public String issuer() {
    return issuer;
  }

  private final String issuer;

  public Vertx vertx() {
    return vertx;
  }

  /**
   * @return commands the API sent to Redis since start (the metric {@code sesame_redis_commands_total} with
   *     {@code connection="api"}; the outbox dispatcher's are counted apart)
   */
  public long redisCommandsSent() {
    return redis.commandsSent();
  }

  /**
   * Completes once every Redis connection of this gateway (API and outbox) has been re-established from now:
   * after Redis or the network dropped them all ({@code sesame_redis_reconnections_total} counts them).
   */
  public CompletableFuture<Void> everyRedisConnectionBack() {
    return CompletableFuture.allOf(redis.everyConnectionBack().toCompletableFuture(),
        outboxRedis.everyConnectionBack().toCompletableFuture());
  }

  /** Completes once {@code count} of the API's Redis connections have come back from now (after a drop). */
  public CompletableFuture<Void> nextApiRedisReconnections(long count) {
    return redis.nextReconnections(count).toCompletableFuture();
  }

  /** @return commands the outbox (dispatchers, recovery, their audit) sent to Redis since start */
  public long outboxRedisCommandsSent() {
    return outboxRedis.commandsSent();
  }

  /** @return round trips the API made to Redis since start ({@code sesame_redis_round_trips_total}) */
  public long redisRoundTrips() {
    return redis.roundTrips();
  }

  /**
   * Stops in this order, so that nothing is cut half-way: no new bulk send starts; the HTTP servers stop accepting
   * connections and answer the
   * requests they are serving (at most {@link #SHUTDOWN_GRACE}; a login still waits for its code's send, which the
   * dispatcher is still there to make); then the outbox dispatcher and its jobs stop; then the Redis connections
   * close, while the event loops they live on still run; then Vert.x. Blocks until done; a second call does
   * nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (campaigns != null) {
      campaigns.stop(); // no new page of a campaign: its lease runs out and another gateway resumes it
    }
    if (outbox != null) {
      outbox.holdBulk(); // no new campaign send while the requests drain; login codes still go
    }
    undeploy(httpDeployment, SHUTDOWN_GRACE.plusSeconds(5));
    stopOutbox();
    redis.close();
    outboxRedis.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }

  /**
   * Starts the outbox's two parts, login codes ({@link Lane#HI}) and bulk ({@link Lane#LO}), each on an event loop of
   * its own, and so on a Redis connection of its own, apart from the HTTP verticles' loops where there are loops
   * enough (Vert.x's deployments take loops in turn, and timers started outside a verticle take them too, so the
   * loops are chosen here rather than left to the turn): a bulk send never holds a login code's loop or connection.
   */
  private static void startOutbox(Vertx vertx, Outbox outbox, List<EventLoop> loops, java.util.Set<Thread> httpThreads)
      throws Exception {
    List<EventLoop> candidates = new ArrayList<>();
    loops.stream().filter(l -> httpThreads.stream().noneMatch(l::inEventLoop)).forEach(candidates::add);
    loops.stream().filter(l -> !candidates.contains(l)).forEach(candidates::add);
    for (Lane lane : new Lane[] {Lane.HI, Lane.LO}) {
      EventLoop loop = candidates.get((lane == Lane.HI ? 0 : 1) % candidates.size());
      io.vertx.core.internal.ContextInternal context =
          ((io.vertx.core.internal.VertxInternal) vertx).contextBuilder().withEventLoop(loop).build();
      io.vertx.core.Promise<Void> started = io.vertx.core.Promise.promise();
      context.runOnContext(v -> outbox.start(lane).onComplete(started));
      started.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Stops the outbox's parts and waits up to {@value #OUTBOX_DRAIN_MS} ms for their sends in flight (others recover the rest). */
  private void stopOutbox() {
    try {
      outbox.stop().toCompletionStage().toCompletableFuture().get(OUTBOX_DRAIN_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) { // stopping anyway: another instance's recovery sends what is left
      LOG.info("the outbox's sends in flight did not all end within {} ms: {}", OUTBOX_DRAIN_MS, e.toString());
    }
  }

  private static final long OUTBOX_DRAIN_MS = 5_000;

  private void undeploy(String deployment, Duration within) {
    try {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) { // stopping anyway: what follows closes whatever is left
      LOG.warn("stopping {} took longer than {} s or failed: {}", deployment, within.toSeconds(), e.toString());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Deletes what émargement exports stopped mid-way left in the temporary directory ({@link ExportLeftovers}). */
  private static void sweepExportLeftovers(Vertx vertx) {
    // the files' own clock, not the election's (a test's clock is not the file system's)
    vertx.executeBlocking(() -> ExportLeftovers.sweep(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")),
            ExportLeftovers.OLDER_THAN, java.time.Instant.now()), false)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.warn("deleted {} émargement export(s) left in the temporary directory by a gateway that stopped", n);
          }
        })
        .onFailure(e -> LOG.warn("émargement exports left behind not swept: {}", e.toString()));
  }
}
