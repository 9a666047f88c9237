package fr.sesame.gateway;

import fr.sesame.channels.NoProviderNotifier;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.dev.DemoElection;
import fr.sesame.gateway.dev.EmbeddedRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar sesame-gateway.jar serve [--config FILE]} runs the gateway on the configuration file and
 * the environment; {@code dev [--config FILE]} runs it for a newcomer: an embedded Redis unless
 * {@code REDIS_URL} is set, dev keys, the demo election, and the dev outbox at {@code /dev/outbox}.
 */
public final class GatewayMain {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);
  /** Dev-only keys: public, so never valid outside dev mode. */
  static final String DEV_HASH_KEY = "ZGV2LW9ubHktaGFzaC1rZXktZG8tbm90LXVzZS1pbi1wcm9kdWN0aW9uISE=";
  static final String DEV_DATA_KEY = "ZGV2LW9ubHktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE=";
  static final String DEV_API_KEYS = "admin:dev-admin,support:dev-support,platform:dev-platform";

  private GatewayMain() {}

  public static void main(String[] args) {
    if (args.length == 0 || !(args[0].equals("serve") || args[0].equals("dev"))) {
      LOG.error("usage: java -jar sesame-gateway.jar serve|dev [--config FILE]");
      System.exit(2);
    }
    Path config = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else {
        LOG.error("unknown argument: {}", args[i]);
        System.exit(2);
      }
    }
    try {
      if (args[0].equals("dev")) {
        dev(config);
      } else {
        serve(config);
      }
    } catch (IllegalArgumentException e) {
      LOG.error("configuration error: {}", e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      LOG.error("start-up failed", e);
      System.exit(1);
    }
  }

  private static void serve(Path configFile) throws Exception {
    GatewayConfig config = ConfigLoader.load(configFile, System.getenv(), false);
    Clock clock = Clock.systemUTC(); // one clock for the gateway and its providers
    Gateway.NotifierFactory notifiers;
    if (config.channels().chains().isEmpty()) {
      LOG.warn("no notification provider is configured (channels section): codes cannot be sent, logins answer 503");
      notifiers = (vertx, registry) -> new NoProviderNotifier();
    } else {
      notifiers = (vertx, registry) -> config.channels().build(vertx, clock, registry);
    }
    Gateway gateway = Gateway.start(config, clock, notifiers, null);
    stopOnSignal(gateway::close);
    LOG.info("Sesame gateway listening on port {} ({}; network transport: {})", gateway.port(), config,
        gateway.vertx().isNativeTransportEnabled() ? "native epoll" : "Java NIO");
  }

  /**
   * SIGTERM (an orchestrator, {@code kill}) or SIGINT (Ctrl-C) stops the gateway in order ({@link Gateway#close()}:
   * no new connections, the requests in flight answered within {@link Gateway#SHUTDOWN_GRACE}, the outbox
   * dispatcher stopped, then Redis closed), then exits with status 0: a stop asked for is not a failure (the JVM
   * would otherwise exit 143). Further signals while it stops are ignored. Any other exit still runs {@code stop}
   * from a shutdown hook (it must do nothing the second time).
   */
  private static void stopOnSignal(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable orderly = () -> {
      LOG.info("Stopping: no new connections; answering the requests in flight (at most {} s)",
          Gateway.SHUTDOWN_GRACE.toSeconds());
      stop.run();
      LOG.info("Sesame gateway stopped");
      System.exit(0);
    };
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (stopping.compareAndSet(false, true)) {
            new Thread(orderly, "stop-on-sig" + name.toLowerCase(Locale.ROOT)).start();
          }
        });
      } catch (IllegalArgumentException e) { // the JVM keeps this signal (-Xrs): the shutdown hook stops us
        LOG.warn("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
  }

  private static void dev(Path configFile) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("SESAME_HASH_KEY", DEV_HASH_KEY);
    env.putIfAbsent("SESAME_DATA_KEY", DEV_DATA_KEY);
    env.putIfAbsent("SESAME_API_KEYS", DEV_API_KEYS);
    GatewayConfig config = ConfigLoader.load(configFile, env, true);
    EmbeddedRedis embedded = null;
    if (!env.containsKey("REDIS_URL")) {
      embedded = EmbeddedRedis.start();
      config = config.withRedisUrl(embedded.url());
    }
    DevOutbox outbox = new DevOutbox(Clock.systemUTC(), 1000);
    Gateway gateway = Gateway.start(config, Clock.systemUTC(), (vertx, registry) -> outbox, outbox);
    EmbeddedRedis redis = embedded;
    AtomicBoolean redisStopped = new AtomicBoolean();
    stopOnSignal(() -> {
      gateway.close();
      if (redis != null && redisStopped.compareAndSet(false, true)) {
        redis.close();
      }
    });
    JsonObject report = DemoElection.seed(gateway.vertx(), gateway.port(), "dev-admin");
    String base = "http://localhost:" + gateway.port();
    LOG.info(String.join("\n",
        "",
        "Sesame is running in DEV mode on " + base + "  (Ctrl-C stops it)",
        "  Redis: " + (redis != null ? "embedded, " + redis.url() + " (gone when Sesame stops)" : "REDIS_URL"),
        "  Dev outbox (messages 'sent'): " + base + "/dev/outbox   filter: ?to=+33612345678",
        "  API keys: admin dev-admin | support dev-support | platform dev-platform",
        "  Demo election '" + DemoElection.ID + "': " + report.getLong("imported") + " voters imported",
        DemoElection.CREDENTIALS,
        "  Try: curl -s -X POST " + base + "/v1/elections/demo/login -H 'Content-Type: application/json' \\",
        "         -d '{\"identifier\":\"alice\",\"secret\":\"20231234\",\"channel\":\"sms\"}'",
        "  The README walks through a whole login.", ""));
  }
}
