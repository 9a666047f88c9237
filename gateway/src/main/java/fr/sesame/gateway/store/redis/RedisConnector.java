package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.event.command.CommandSucceededEvent;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Opens the gateway's Lettuce connections (standalone, Sentinel or Redis Cluster) and closes them.
 *
 * <p>With {@code loops}, one connection per Vert.x event loop, its socket registered
 * on that loop, so that a request's Redis commands are written, answered and handled on the loop that serves
 * the request, with no hand-off to another thread (with one shared connection, threads waking each other up
 * were 38 % of the gateway's profile; docs/benchmarks.md); plus one shared connection, on Lettuce's own
 * thread, for any other thread.
 */
public final class RedisConnector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

  static {
    // Lettuce's event bus publishes on a scheduler its client resources own: an event published while they shut
    // down (a start that failed, a close) is refused with "Scheduler unavailable", which reactor reports as a
    // dropped error at ERROR by default. That refusal is the shutdown itself, not a fault: DEBUG; any other
    // dropped error stays a WARN.
    reactor.core.publisher.Hooks.onErrorDropped(e -> {
      if (e instanceof java.util.concurrent.RejectedExecutionException
          || e.getCause() instanceof java.util.concurrent.RejectedExecutionException) {
        LOG.debug("Redis event dropped while shutting down: {}", e.toString());
      } else {
        LOG.warn("Redis event bus error dropped: {}", e.toString());
      }
    });
  }
  /**
   * How long a dropped connection waits before each new attempt: 1, 2, 4, ... ms, then every
   * {@value #RECONNECT_DELAY_MAX_MS} ms. Lettuce's default doubles up to 30 s: after a failover (the old primary
   * refusing connections for Sentinel's 3 s or so) a connection's next attempt could come 0.5 to 2 s after Sentinel
   * named the new primary, and logins waited for it (issue 12). A Sentinel URL asks a Sentinel for the primary at
   * every attempt, so an attempt after the announcement reaches the new primary. The cost, while Redis is away:
   * at most 4 attempts a second per connection (10 connections per gateway on 2 cores), each one a TCP connect
   * (and with Sentinel a short Sentinel connection); Lettuce logs their failures once per 5 s per connection.
   */
  static final long RECONNECT_DELAY_MAX_MS = 250;
  private static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ZERO,
      Duration.ofMillis(RECONNECT_DELAY_MAX_MS), 2, TimeUnit.MILLISECONDS);
  private final List<AutoCloseable> closing;
  private final RedisAccess access;
  private final List<Counters> counters;
  private final Activations activations;

  private RedisConnector(List<AutoCloseable> closing, RedisAccess access, List<Counters> counters,
                         Activations activations) {
    this.activations = activations;
    this.closing = closing;
    this.access = access;
    this.counters = counters;
  }

  /**
   * Counts every command the gateway sends (a script is one command, whatever it runs inside Redis), and the
   * round trips: a command sent while none is awaiting its answer starts one; commands sent while others are
   * in flight are pipelined into it.
   */
  private static final class Counters implements CommandListener {
    final LongAdder commands = new LongAdder();
    final AtomicLong roundTrips = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();

    @Override
    public void commandStarted(CommandStartedEvent event) {
      commands.increment();
      if (inFlight.getAndIncrement() == 0) {
        roundTrips.incrementAndGet();
      }
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
      inFlight.decrementAndGet();
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
      inFlight.decrementAndGet();
    }
  }

  private static Counters countCommands(AbstractRedisClient client) {
    Counters counters = new Counters();
    client.addListener(counters);
    return counters;
  }

  /**
   * Counts the connections Lettuce (re-)activates, from its event bus: each connection once when it opens,
   * then once each time it comes back after a drop.
   */
  private static final class Activations {
    private final int connections;
    private long count;
    private final List<Map.Entry<Long, CompletableFuture<Void>>> waiters = new ArrayList<>();

    Activations(int connections) {
      this.connections = connections;
    }

    static Activations of(ClientResources resources, int connections, List<AutoCloseable> closing) {
      Activations a = new Activations(connections);
      // an error here can only be the bus's scheduler refusing a late event once the resources are shut down:
      // nothing to count then, and nothing for reactor's default handler to log as an ERROR
      Disposable subscription = resources.eventBus().get().filter(ConnectionActivatedEvent.class::isInstance)
          .subscribe(e -> a.activated(), e -> LOG.debug("Redis event bus: {}", e.toString()));
      closing.add(subscription::dispose);
      return a;
    }

    synchronized void activated() {
      count++;
      waiters.removeIf(w -> count >= w.getKey() && w.getValue().complete(null));
    }

    synchronized long reconnections() {
      return Math.max(0, count - connections);
    }

    /** Completes after {@code more} activations from now (the opening ones, published late, do not count). */
    synchronized CompletableFuture<Void> next(long more) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      waiters.add(Map.entry(Math.max(count, connections) + more, done));
      return done;
    }
  }

  /**
   * Connects (blocking: call it at start-up, not on an event loop).
   * @param role  names the connections in Redis's {@code CLIENT LIST}: {@code sesame-ROLE} (shared) and
   *              {@code sesame-ROLE-loopN}, unless the URL names them
   * @param loops the event loops that get a connection of their own (their transport must be the one Lettuce
   *              uses: both native epoll or both NIO); empty for one shared connection
   */
  public static RedisConnector connect(RedisConfig config, String role, List<EventLoop> loops) {
    return connect(config, role, loops, Replay.REJECT);
  }

  /** What becomes of the commands sent but unanswered, and of those sent, while a connection is down. */
  public enum Replay {
    /** Failed at once (the request answers 503): nothing is sent twice. The API's connections. */
    REJECT,
    /**
     * Lettuce's default: held, and sent (again) once reconnected, within the command timeout. For connections
     * whose every command is safe to run twice (the outbox dispatcher's: begin and finish carry an attempt
     * token, report applies to one status only; docs/design.md, "At most once per request").
     */
    RESEND
  }

  /** Connects as {@link #connect(RedisConfig, String, List)}, with {@code replay} for the unanswered commands. */
  public static RedisConnector connect(RedisConfig config, String role, List<EventLoop> loops, Replay replay) {
    TimeoutOptions timeouts = TimeoutOptions.enabled(config.commandTimeout());
    // At most once per request: Lettuce would re-send, after a reconnect, every command that was sent but not
    // answered when the connection dropped (CommandHandler.channelInactive -> DefaultEndpoint
    // .notifyDrainQueuedCommands, which replayFilter does not cover), so a script Redis had already run would
    // run twice: a failure counted twice, a challenge consumed by the first run. REJECT_COMMANDS fails those
    // commands instead (and any sent while disconnected): the request answers 503 and the client retries, with
    // the same Idempotency-Key for a login step (docs/design.md, "Durability and retries").
    ClientOptions.DisconnectedBehavior disconnected = replay == Replay.REJECT
        ? ClientOptions.DisconnectedBehavior.REJECT_COMMANDS : ClientOptions.DisconnectedBehavior.DEFAULT;
    ClientOptions options = ClientOptions.builder().timeoutOptions(timeouts).disconnectedBehavior(disconnected).build();
    // its event bus and reconnect delay are shared by the loops' copies
    ClientResources resources = DefaultClientResources.builder().reconnectDelay(RECONNECT_DELAY).build();
    // closed in this order: connections, clients, the resources (the shared ones last), then the event-bus
    // listeners: a listener disposed while a closing connection publishes an event loses a race in reactor's
    // publishOn ("Scheduler unavailable" dropped, logged as an ERROR: a CI run saw it); one still subscribed gets
    // a late event's refusal in its own error handler
    List<AutoCloseable> connections = new ArrayList<>();
    List<AutoCloseable> clients = new ArrayList<>();
    List<AutoCloseable> resourceSets = new ArrayList<>();
    List<Counters> counters = new ArrayList<>();
    List<AutoCloseable> listeners = new ArrayList<>();
    Activations activations = Activations.of(resources, loops.size() + 1, listeners);
    try {
      Map<Thread, RedisClusterAsyncCommands<String, String>> perLoop = new LinkedHashMap<>();
      for (EventLoop loop : loops) {
        ClientResources onLoop = resources.mutate().eventLoopGroupProvider(new OneLoop(loop)).build();
        resourceSets.add(() -> onLoop.shutdown(0, 2, TimeUnit.SECONDS).get());
        if (config.cluster()) {
          RedisClusterClient client = RedisClusterClient.create(onLoop,
              seeds(config.url(), "sesame-" + role + "-loop" + perLoop.size()));
          clients.add(client::shutdown);
          perLoop.put(threadOf(loop), openCluster(client, timeouts, disconnected, connections, counters).async());
          continue;
        }
        RedisClient client = RedisClient.create(onLoop, named(config.url(), "sesame-" + role + "-loop" + perLoop.size()));
        clients.add(client::shutdown);
        perLoop.put(threadOf(loop), open(client, options, connections, counters).async());
      }
      RedisClusterAsyncCommands<String, String> shared;
      if (config.cluster()) {
        RedisClusterClient client = RedisClusterClient.create(resources, seeds(config.url(), "sesame-" + role));
        clients.add(client::shutdown);
        shared = openCluster(client, timeouts, disconnected, connections, counters).async();
      } else {
        RedisClient client = RedisClient.create(resources, named(config.url(), "sesame-" + role));
        clients.add(client::shutdown);
        shared = open(client, options, connections, counters).async();
      }
      return new RedisConnector(closingOrder(connections, listeners, clients, resourceSets, resources),
          RedisAccess.perThread(shared, perLoop), counters, activations);
    } catch (RuntimeException e) {
      closeAll(closingOrder(connections, listeners, clients, resourceSets, resources));
      throw e;
    }
  }

  /** The URL's URI (Sentinel's included), named {@code name} unless the URL names its connections. */
  static RedisURI named(String url, String name) {
    RedisURI uri = RedisURI.create(url); // parsed afresh: RedisURI.builder(uri) would drop Sentinel's settings
    if (uri.getClientName() == null) {
      uri.setClientName(name);
    }
    return uri;
  }

  /**
   * A cluster's seed URIs ({@code redis://h1:p1,h2:p2,...}, any node will do: the client learns the others from
   * it), each connection named {@code name} unless the URL names them.
   */
  static List<RedisURI> seeds(String url, String name) {
    List<RedisURI> uris = RedisClusterURIUtil.toRedisURIs(java.net.URI.create(url));
    for (RedisURI uri : uris) {
      if (uri.getClientName() == null) {
        uri.setClientName(name);
      }
    }
    return uris;
  }

  /**
   * How often a cluster connection asks the nodes for the topology even when nothing suggests it changed; and
   * the shortest time between two refreshes the routing itself triggers (a {@code MOVED} or {@code ASK} answer, a
   * node that keeps refusing reconnection, a slot with no node, an unknown node). A killed primary is replaced
   * after the cluster's {@code cluster-node-timeout} plus an election (about 2 s with a 1 s timeout); its
   * connection keeps failing to reconnect (every 250 ms at most, {@link #RECONNECT_DELAY_MAX_MS}), which triggers
   * a refresh after {@value #RECONNECTS_BEFORE_REFRESH} attempts, then at most once a
   * {@link #ADAPTIVE_REFRESH_GAP} until the new primary shows; the periodic refresh catches what no trigger sees.
   */
  static final Duration PERIODIC_REFRESH = Duration.ofSeconds(5);
  static final Duration ADAPTIVE_REFRESH_GAP = Duration.ofMillis(500);
  static final int RECONNECTS_BEFORE_REFRESH = 2;

  private static StatefulRedisClusterConnection<String, String> openCluster(RedisClusterClient client,
      TimeoutOptions timeouts, ClientOptions.DisconnectedBehavior disconnected, List<AutoCloseable> connections,
      List<Counters> counters) {
    ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
        .enablePeriodicRefresh(PERIODIC_REFRESH)
        .enableAllAdaptiveRefreshTriggers()
        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_GAP)
        .refreshTriggersReconnectAttempts(RECONNECTS_BEFORE_REFRESH)
        .closeStaleConnections(true)
        .build();
    // the same at-most-once rule as one Redis: a node connection that drops fails its unanswered commands
    client.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts).disconnectedBehavior(disconnected)
        .topologyRefreshOptions(refresh).build());
    counters.add(countCommands(client));
    StatefulRedisClusterConnection<String, String> c = client.connect(StringCodec.UTF8);
    connections.add(c::close);
    // the connections to the primaries opened now (start-up, off the event loops): a confirmed write's WAIT is
    // refused while its primary's connection is still being opened (RedisAccess.confirm)
    for (RedisClusterNode node : c.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        c.getConnection(node.getUri().getHost(), node.getUri().getPort());
      }
    }
    return c;
  }

  private static List<AutoCloseable> closingOrder(List<AutoCloseable> connections, List<AutoCloseable> listeners,
                                                  List<AutoCloseable> clients, List<AutoCloseable> resourceSets,
                                                  ClientResources shared) {
    List<AutoCloseable> all = new ArrayList<>(connections);
    all.addAll(clients);
    all.addAll(resourceSets);
    all.add(() -> shared.shutdown(0, 2, TimeUnit.SECONDS).get());
    all.addAll(listeners);
    return all;
  }

  private static StatefulRedisConnection<String, String> open(RedisClient client, ClientOptions options,
                                                              List<AutoCloseable> connections,
                                                              List<Counters> counters) {
    client.setOptions(options);
    counters.add(countCommands(client));
    StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
    connections.add(c::close);
    return c;
  }

  /**
   * Vert.x's event loops, each to get connections of its own, when Lettuce speaks the same transport (both
   * native epoll, or both NIO); otherwise none, and every thread shares one connection.
   */
  public static List<EventLoop> loopsOf(Vertx vertx) {
    if (vertx.isNativeTransportEnabled() != EpollProvider.isAvailable()) {
      return List.of();
    }
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor e : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.add((EventLoop) e);
    }
    return loops;
  }

  private static Thread threadOf(EventLoop loop) {
    try {
      return loop.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("event loop unavailable", e);
    }
  }

  /** Lettuce's event loop "group" for one connection: the given loop, which Lettuce must not shut down. */
  private record OneLoop(EventLoop loop) implements EventLoopGroupProvider {
    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
      return (T) loop;
    }

    @Override
    public int threadPoolSize() {
      return 1;
    }

    @Override
    public io.netty.util.concurrent.Future<Boolean> release(EventExecutorGroup group, long quiet, long timeout,
                                                            TimeUnit unit) {
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public io.netty.util.concurrent.Future<Boolean> shutdown(long quiet, long timeout, TimeUnit unit) {
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
  }

  public RedisAccess access() {
    return access;
  }

  /** @return how many commands these connections have sent so far */
  public long commandsSent() {
    return counters.stream().mapToLong(c -> c.commands.sum()).sum();
  }

  /** @return how many times one of these connections came back after Redis or the network dropped it */
  public long reconnections() {
    return activations.reconnections();
  }

  /**
   * Completes once as many connections as this connector holds have been re-established from now: after Redis
   * or the network dropped them all, once every one is back (operations, tests).
   */
  public CompletionStage<Void> everyConnectionBack() {
    return activations.next(activations.connections);
  }

  /** Completes after {@code count} more (re-)activations of these connections from now (tests: one dropped). */
  public CompletionStage<Void> nextReconnections(long count) {
    return activations.next(count);
  }

  /** @return how many round trips these connections have made so far, each counted apart (see {@link Counters}) */
  public long roundTrips() {
    return counters.stream().mapToLong(c -> c.roundTrips.get()).sum();
  }

  /** Closes the connections; those on event loops need their loops still running. */
  @Override
  public void close() {
    closeAll(closing);
  }

  private static void closeAll(List<AutoCloseable> closing) {
    for (AutoCloseable c : closing) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
  }
}
