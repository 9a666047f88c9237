package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.config.RedisConfig;
import fr.sesame.ratelimit.redis.RedisAccess;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.event.command.CommandSucceededEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Opens the gateway's single Lettuce connection (standalone, Sentinel or Cluster) and closes it. */
public final class RedisConnector implements AutoCloseable {
  private final AutoCloseable connection;
  private final Runnable shutdown;
  private final RedisAccess access;
  private final Counters counters;

  private RedisConnector(AutoCloseable connection, Runnable shutdown, RedisAccess access, Counters counters) {
    this.connection = connection;
    this.shutdown = shutdown;
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

  /** Connects (blocking: call it at start-up, not on an event loop). */
  public static RedisConnector connect(RedisConfig config) {
    TimeoutOptions timeouts = TimeoutOptions.enabled(config.commandTimeout());
    if (config.cluster()) {
      List<RedisURI> seeds = new ArrayList<>();
      for (String url : config.url().split(",")) {
        seeds.add(RedisURI.create(url.trim()));
      }
      RedisClusterClient client = RedisClusterClient.create(seeds);
      client.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts).build());
      Counters count = countCommands(client);
      StatefulRedisClusterConnection<String, String> c = client.connect(StringCodec.UTF8);
      return new RedisConnector(c::close, client::shutdown, new RedisAccess(c.async()), count);
    }
    RedisClient client = RedisClient.create(RedisURI.create(config.url()));
    client.setOptions(ClientOptions.builder().timeoutOptions(timeouts).build());
    Counters count = countCommands(client);
    StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
    return new RedisConnector(c::close, client::shutdown, new RedisAccess(c.async()), count);
  }

  public RedisAccess access() {
    return access;
  }

  /** @return how many commands this connection has sent so far */
  public long commandsSent() {
    return counters.commands.sum();
  }

  /** @return how many round trips this connection has made so far (see {@link Counters}) */
  public long roundTrips() {
    return counters.roundTrips.get();
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception ignored) {
      // closing anyway
    }
    shutdown.run();
  }
}
