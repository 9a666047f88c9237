package fr.sesame.gateway;

import fr.sesame.channels.Notifier;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.ChainedAuditTrail;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.store.redis.RedisAuditStore;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.notify.PaidSendCaps;
import fr.sesame.gateway.notify.OutboxDispatcher;
import fr.sesame.gateway.store.redis.RedisOutboxStore;
import fr.sesame.gateway.store.redis.RedisConnector;
import fr.sesame.gateway.store.redis.RedisElectionStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: the only place that wires objects together. Starts the HTTP verticles and the
 * outbox dispatcher, each event loop on Redis connections of its own; {@link #close()} stops them.
 */
public final class Gateway implements AutoCloseable {
  private final Vertx vertx;
  private final RedisConnector redis;
  private final RedisConnector outboxRedis;
  private final int port;
  private final OutboxDispatcher dispatcher;
  private final String instance;

  private Gateway(Vertx vertx, RedisConnector redis, RedisConnector outboxRedis, int port,
                  OutboxDispatcher dispatcher, String instance) {
    this.instance = instance;
    this.vertx = vertx;
    this.redis = redis;
    this.outboxRedis = outboxRedis;
    this.port = port;
    this.dispatcher = dispatcher;
  }

  /** This instance's outbox dispatcher (operations and tests: retention on demand). */
  public OutboxDispatcher outbox() {
    return dispatcher;
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
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    List<EventLoop> loops = RedisConnector.loopsOf(vertx);
    String instance = "gw-" + UUID.randomUUID(); // names this gateway in Redis (CLIENT LIST, outbox consumers)
    RedisConnector connector = null;
    RedisConnector outboxConnector = null;
    try {
      connector = RedisConnector.connect(config.redis(), instance + "-api", loops);
      // The outbox dispatcher has its own connections: a campaign draining must not queue ahead of logins.
      outboxConnector = RedisConnector.connect(config.redis(), instance + "-outbox", loops);
      KeyedHasher hasher = new KeyedHasher(config.hashKey());
      RandomTokens random = new RandomTokens();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      for (var c : Map.of("api", connector, "outbox", outboxConnector).entrySet()) {
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
      Notifier notifier = notifiers.create(vertx, registry);
      FieldCipher cipher = new FieldCipher(config.dataKey());
      TemplateCatalog templates = new TemplateCatalog();
      fr.sesame.gateway.store.redis.RedisMemory.check(connector.access());
      RedisOutboxStore outboxStore = new RedisOutboxStore(connector.access());
      GatewayMetrics metrics = new GatewayMetrics(registry);
      ChainedAuditTrail audit = new ChainedAuditTrail(new RedisAuditStore(connector.access()));
      NotificationService notifications = new NotificationService(outboxStore, templates, cipher, hasher, random,
          clock, vertx, config.outbox(), new PaidSendCaps(config.limits(), hasher), audit, metrics);
      Shared shared = new Shared(config, clock, connector.access(), notifier, devOutbox, hasher, cipher, random,
          new VoterKeys(hasher, random), new ElectionService(new RedisElectionStore(connector.access())), registry,
          metrics, templates, notifications, audit);
      OutboxDispatcher dispatcher = new OutboxDispatcher(vertx, new RedisOutboxStore(outboxConnector.access()),
          notifier, templates, cipher, clock,
          config.outbox(), instance, metrics,
          new ChainedAuditTrail(new RedisAuditStore(outboxConnector.access())));
      vertx.deployVerticle(() -> new HttpVerticle(shared), new DeploymentOptions().setInstances(config.http().instances()))
          .compose(id -> vertx.deployVerticle(new DispatchVerticle(dispatcher)))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new Gateway(vertx, connector, outboxConnector, config.http().port(), dispatcher, instance);
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
   * @return this gateway's name in Redis: its connections are {@code sesame-NAME-api[-loopN]} and
   *     {@code sesame-NAME-outbox[-loopN]} in {@code CLIENT LIST}, its outbox consumer is NAME
   */
  public String instance() {
    return instance;
  }

  public int port() {
    return port;
  }

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

  /** @return round trips the API made to Redis since start ({@code sesame_redis_round_trips_total}) */
  public long redisRoundTrips() {
    return redis.roundTrips();
  }

  @Override
  public void close() {
    try { // first no new work; then the Redis connections, while the event loops they live on still run
      Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    redis.close();
    outboxRedis.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
