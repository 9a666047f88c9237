package fr.sesame.gateway;

import fr.sesame.channels.NoProviderNotifier;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.dev.DemoElection;
import fr.sesame.gateway.dev.DevRedis;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.evidence.BundleVerifier;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar sesame-gateway.jar serve [--config FILE]} runs the gateway on the configuration file and
 * the environment; {@code dev [--config FILE]} runs it for a newcomer: an embedded Redis unless
 * {@code REDIS_URL} is set, dev keys, the demo election, and the dev outbox at {@code /dev/outbox}. The embedded
 * Redis comes from the dev launcher ({@code gateway-dev}, a {@link DevRedis.Starter}); the production jar has
 * none and refuses {@code dev} without {@code REDIS_URL}, saying so (exit 2).
 * {@code --help} prints the usage and {@code --version} the version, both exiting 0. A configuration problem
 * exits 2 after one ERROR line listing every problem; a port that cannot be bound exits 1 after one ERROR line
 * naming it and {@code SESAME_HTTP_PORT}, without a stack trace.
 */
public final class GatewayMain {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);
  /** Dev-only keys: public, so never valid outside dev mode. */
  static final String DEV_HASH_KEY = "ZGV2LW9ubHktaGFzaC1rZXktZG8tbm90LXVzZS1pbi1wcm9kdWN0aW9uISE=";
  static final String DEV_DATA_KEY = "ZGV2LW9ubHktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE=";
  static final String DEV_EVIDENCE_KEY = "MC4CAQAwBQYDK2VwBCIEIILpjVZDwD2pZDDBNcglluBkYF8yXwMqCFCoFmtPYW/W";
  static final String DEV_API_KEYS = "admin:dev-admin,support:dev-support,platform:dev-platform";

  private GatewayMain() {}

  /** What {@code --help} prints. */
  static final String USAGE = String.join("\n",
      "usage: java -jar sesame-gateway.jar serve|dev [--config FILE]",
      "       java -jar sesame-gateway.jar verify-bundle FILE [--key FINGERPRINT | --key-file FILE] [--election ID]",
      "       java -jar sesame-gateway.jar --help | --version",
      "",
      "commands:",
      "  serve            runs the gateway on the configuration file and the environment",
      "  dev              runs it for a newcomer: dev keys, the demo election, the dev outbox at /dev/outbox,",
      "                   and REDIS_URL, else an embedded Redis: only in the dev launcher",
      "                   (gateway-dev/target/sesame-gateway-dev.jar), not in the production jar",
      "  verify-bundle    verifies an evidence bundle offline (no Redis): prints valid, or every problem found;",
      "                   --key the trusted key's fingerprint (GET /v1/admin/evidence/key), or --key-file its",
      "                   public key (PEM or base64); --election the election it must be of",
      "                   exit status: 0 valid, 1 invalid, 2 unusable input",
      "options:",
      "  --config FILE    the YAML configuration: sections http, redis, lockout, otp, session, outbox, limits,",
      "                   channels (README, \"Configuration\"); an unknown key or a bad value stops start-up",
      "  --help           prints this and exits",
      "  --version        prints the version and exits",
      "environment (it wins over the file):",
      "  SESAME_HASH_KEY            required in serve: at least 32 random bytes, base64",
      "  SESAME_DATA_KEY            required in serve: exactly 32 random bytes, base64",
      "  SESAME_API_KEYS            required in serve: role:key,role:key (admin, support, platform)",
      "  SESAME_EVIDENCE_KEY        required in serve: the Ed25519 key signing audit checkpoints and evidence",
      "                             bundles, PKCS#8 base64 (openssl genpkey -algorithm ed25519 -outform DER | base64 -w0)",
      "  SESAME_EVIDENCE_DIR        where the audit checkpoints are appended (outside Redis); default ./evidence",
      "  REDIS_URL                  required in serve: redis://, rediss://, redis-sentinel:// or rediss-sentinel://",
      "  SESAME_HTTP_PORT           the listening port; default 8080 (http.port)",
      "  SESAME_TLS_CERT            HTTPS: the certificate chain, PEM (http.tls.cert); reloaded when it changes",
      "  SESAME_TLS_KEY             HTTPS: its private key, PEM (http.tls.key)",
      "  SESAME_HTTP_PLAIN          true: plain HTTP on purpose, without TLS (http.plain)",
      "  SESAME_REDIS_MIN_REPLICAS  replicas that must confirm a write; default 0 (redis.minReplicas)",
      "  SESAME_PROVIDER_<NAME>_<OPTION>  the providers' secrets, e.g. SESAME_PROVIDER_OVH_APPLICATION_KEY",
      "exit status: 0 stopped on request (SIGTERM, Ctrl-C), 1 start-up failed, 2 bad arguments or configuration");

  public static void main(String[] args) {
    List<String> arguments = List.of(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    if (arguments.contains("--version")) {
      System.out.println("sesame-gateway " + version());
      return;
    }
    if (args.length > 0 && args[0].equals("verify-bundle")) {
      PrintStream out = System.out;
      int status = verifyBundle(arguments.subList(1, arguments.size()), out);
      out.flush();
      System.exit(status);
    }
    if (args.length == 0 || !(args[0].equals("serve") || args[0].equals("dev"))) {
      LOG.error("{}: expected serve, dev or verify-bundle; --help tells more",
          args.length == 0 ? "no command" : "unknown command '" + args[0] + "'");
      System.exit(2);
    }
    Path config = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else {
        LOG.error("unknown argument: {} (--help tells more)", args[i]);
        System.exit(2);
      }
    }
    try {
      if (args[0].equals("dev")) {
        dev(config);
      } else {
        serve(config);
      }
    } catch (PortUnavailable e) {
      LOG.error("{}", e.getMessage()); // no stack: what to do is in the message
      System.exit(1);
    } catch (IllegalArgumentException e) {
      LOG.error("configuration error: {}", e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      LOG.error("start-up failed", e);
      System.exit(1);
    }
  }

  /**
   * {@code verify-bundle FILE [--key FINGERPRINT | --key-file FILE] [--election ID]}: prints the verdict on
   * {@code out} ({@link BundleVerifier.Report#text()}).
   * @return the exit status: 0 valid, 1 invalid, 2 unusable input (bad arguments, a file that cannot be read or
   *     is not a bundle)
   */
  static int verifyBundle(List<String> args, PrintStream out) {
    String file = null;
    String kid = null;
    java.security.PublicKey key = null;
    String election = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      boolean hasValue = i + 1 < args.size();
      if (a.equals("--key") && hasValue) {
        kid = EvidenceKey.normalizeFingerprint(args.get(++i));
        if (!kid.matches("[0-9a-f]{64}")) {
          out.println("unusable: --key must be the key's SHA-256 fingerprint, 64 hex digits (its kid)");
          return BundleVerifier.Status.UNUSABLE.exit;
        }
      } else if (a.equals("--key-file") && hasValue) {
        String path = args.get(++i);
        try {
          key = EvidenceKey.publicKey(Files.readString(Path.of(path)));
        } catch (IOException | IllegalArgumentException e) {
          out.println("unusable: --key-file " + path + ": cannot read an Ed25519 public key (PEM or base64) there");
          return BundleVerifier.Status.UNUSABLE.exit;
        }
      } else if (a.equals("--election") && hasValue) {
        election = args.get(++i);
      } else if (!a.startsWith("--") && file == null) {
        file = a;
      } else {
        out.println("unusable: unexpected argument " + a + " (usage: verify-bundle FILE [--key FINGERPRINT | "
            + "--key-file FILE] [--election ID])");
        return BundleVerifier.Status.UNUSABLE.exit;
      }
    }
    if (file == null) {
      out.println("unusable: no bundle file given (usage: verify-bundle FILE [--key FINGERPRINT | --key-file FILE] "
          + "[--election ID])");
      return BundleVerifier.Status.UNUSABLE.exit;
    }
    if (kid != null && key != null) {
      out.println("unusable: give --key or --key-file, not both");
      return BundleVerifier.Status.UNUSABLE.exit;
    }
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      BundleVerifier.Report report = BundleVerifier.verify(in, new BundleVerifier.Options(kid, key, election));
      out.print(report.text());
      return report.status().exit;
    } catch (IOException e) {
      out.println("unusable: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      return BundleVerifier.Status.UNUSABLE.exit;
    } catch (RuntimeException e) { // the verifier's own bug on an input it did not foresee: still a clear exit
      out.println("unusable: the bundle could not be verified (" + e.getClass().getSimpleName() + ")");
      return BundleVerifier.Status.UNUSABLE.exit;
    }
  }

  /** The version the build wrote in {@code version.properties}, or {@code unknown}. */
  static String version() {
    try (InputStream in = GatewayMain.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * {@link Gateway#start}, with a port that cannot be bound (in use, or refused) told as such: the port, and the
   * settings that choose it.
   */
  private static Gateway start(GatewayConfig config, Clock clock, Gateway.NotifierFactory notifiers,
                               DevOutbox devOutbox) throws Exception {
    try {
      return Gateway.start(config, clock, notifiers, devOutbox);
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        String m = String.valueOf(t.getMessage());
        if (t instanceof BindException || m.contains("Address already in use") || m.contains("Permission denied")) {
          throw new PortUnavailable("cannot listen on " + config.http().host() + ":" + config.http().port() + " ("
              + (m.contains("Permission denied") ? "permission denied" : "the port is in use")
              + "): stop what holds it or choose another port with SESAME_HTTP_PORT (or http.port in the "
              + "configuration file)");
        }
      }
      throw e;
    }
  }

  /** The HTTP port cannot be bound; the message says which and how to choose another. */
  private static final class PortUnavailable extends Exception {
    PortUnavailable(String message) {
      super(message, null, false, false);
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
    Gateway gateway = start(config, clock, notifiers, null);
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

  /** Why {@code dev} without {@code REDIS_URL} stops in the production jar, and what to do instead. */
  static final String NO_DEV_REDIS = "dev mode needs a Redis: this jar (the production one) ships no embedded "
      + "Redis. Set REDIS_URL (e.g. redis://127.0.0.1:6379), or run the dev launcher, which adds one: "
      + "java -jar gateway-dev/target/sesame-gateway-dev.jar dev (README, \"The two commands\")";

  private static void dev(Path configFile) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("SESAME_HASH_KEY", DEV_HASH_KEY);
    env.putIfAbsent("SESAME_DATA_KEY", DEV_DATA_KEY);
    env.putIfAbsent("SESAME_API_KEYS", DEV_API_KEYS);
    env.putIfAbsent("SESAME_EVIDENCE_KEY", DEV_EVIDENCE_KEY);
    GatewayConfig config = ConfigLoader.load(configFile, env, true);
    if (config.oidc().issuer() == null) { // the provider and the pages at http://localhost:PORT
      config = config.withOidc(config.oidc().withIssuer(fr.sesame.gateway.config.OidcConfig.DEV_ISSUER));
    }
    DevRedis embedded = null;
    if (!env.containsKey("REDIS_URL")) {
      embedded = DevRedis.starter().orElseThrow(() -> new IllegalArgumentException(NO_DEV_REDIS)).start();
      config = config.withRedisUrl(embedded.url());
    }
    DevOutbox outbox = new DevOutbox(Clock.systemUTC(), 1000);
    Gateway gateway;
    try {
      gateway = start(config, Clock.systemUTC(), (vertx, registry) -> outbox, outbox);
    } catch (Exception e) {
      if (embedded != null) {
        embedded.close(); // the process exits: leave no Redis behind
      }
      throw e;
    }
    DevRedis redis = embedded;
    AtomicBoolean redisStopped = new AtomicBoolean();
    stopOnSignal(() -> {
      gateway.close();
      if (redis != null && redisStopped.compareAndSet(false, true)) {
        redis.close();
      }
    });
    JsonObject report = DemoElection.seed(gateway.vertx(), gateway.port(), "dev-admin");
    String base = "http://localhost:" + gateway.port();
    String issuer = gateway.issuer();
    fr.sesame.gateway.dev.DemoBallotBox box = issuer == null ? null
        : fr.sesame.gateway.dev.DemoBallotBox.start(gateway.vertx(), gateway.port(), issuer, "dev-admin");
    if (issuer != null) {
      DemoElection.inviteAgent(gateway.vertx(), gateway.port(), "dev-admin");
    }
    LOG.info(String.join("\n",
        "",
        "Sesame is running in DEV mode on " + base + "  (Ctrl-C stops it)",
        "  Redis: " + (redis != null ? "embedded, " + redis.url() + " (gone when Sesame stops)" : "REDIS_URL"),
        "  Dev outbox (messages 'sent'): " + base + "/dev/outbox   filter: ?to=+33612345678",
        "  API keys: admin dev-admin | support dev-support | platform dev-platform",
        "  Demo election '" + DemoElection.ID + "': " + report.getLong("imported") + " voters imported",
        box == null ? "" : "  OpenID Connect provider: " + issuer + "/.well-known/openid-configuration",
        box == null ? "" : "  Demo ballot box (logs in through it, in a browser): " + box.url(),
        box == null ? "" : "  Staff console: " + base + "/console  (the invitation of " + DemoElection.AGENT
            + ", support, is in the dev outbox: " + base + "/dev/outbox?to=" + DemoElection.AGENT + ")",
        DemoElection.CREDENTIALS,
        "  Try: curl -s -X POST " + base + "/v1/elections/demo/login -H 'Content-Type: application/json' \\",
        "         -d '{\"identifier\":\"alice\",\"secret\":\"20231234\",\"channel\":\"sms\"}'",
        "  The README walks through a whole login.", ""));
  }
}
