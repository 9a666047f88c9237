package fr.sesame.gateway;

import fr.sesame.channels.Notifier;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.store.redis.RedisConnector;
import fr.sesame.gateway.store.redis.RedisElectionStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: the only place that wires objects together. Starts the HTTP verticles on one
 * shared Redis connection; {@link #close()} stops them.
 */
public final class Gateway implements AutoCloseable {
  private final Vertx vertx;
  private final RedisConnector redis;
  private final int port;

  private Gateway(Vertx vertx, RedisConnector redis, int port) {
    this.vertx = vertx;
    this.redis = redis;
    this.port = port;
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
    RedisConnector connector = RedisConnector.connect(config.redis());
    Vertx vertx = Vertx.vertx();
    try {
      KeyedHasher hasher = new KeyedHasher(config.hashKey());
      RandomTokens random = new RandomTokens();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      FunctionCounter.builder("sesame.redis.commands", connector, RedisConnector::commandsSent)
          .description("Commands sent to Redis (a Lua script counts once): round trips at most").register(registry);
      Notifier notifier = notifiers.create(vertx, registry);
      Shared shared = new Shared(config, clock, connector.access(), notifier, devOutbox, hasher,
          new FieldCipher(config.dataKey()), random, new VoterKeys(hasher, random),
          new ElectionService(new RedisElectionStore(connector.access())), registry, new GatewayMetrics(registry),
          new TemplateCatalog());
      vertx.deployVerticle(() -> new HttpVerticle(shared), new DeploymentOptions().setInstances(config.http().instances()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new Gateway(vertx, connector, config.http().port());
    } catch (Exception e) {
      vertx.close();
      connector.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** @return commands sent to Redis since start (also the metric {@code sesame_redis_commands_total}) */
  public long redisCommandsSent() {
    return redis.commandsSent();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    redis.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
