package fr.sesame.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The Lettuce connections (thread-safe) and the conversion of their futures to Vert.x futures that complete on
 * the caller's context. Any Redis failure becomes a {@link StoreUnavailableException}.
 *
 * <p>Either one connection for every thread, or one per event loop whose socket lives on that very loop
 * ({@link #perThread}): a command sent from the loop is written without waking another thread, and its answer
 * is read and handled on the same loop. Other threads (start-up, workers) use the shared connection. Commands
 * one thread sends keep their order, as the audit chain and the pipelined steps need.
 */
public final class RedisAccess {
  private final RedisClusterAsyncCommands<String, String> shared;
  private final Thread[] threads;
  private final List<RedisClusterAsyncCommands<String, String>> local;
  private final Durability durability;

  /** One connection for every thread; writes acknowledged once the primary applied them. */
  public RedisAccess(RedisClusterAsyncCommands<String, String> commands) {
    this(commands, Map.of(), Durability.NONE);
  }

  private RedisAccess(RedisClusterAsyncCommands<String, String> shared,
                      Map<Thread, RedisClusterAsyncCommands<String, String>> perThread, Durability durability) {
    this(shared, perThread.keySet().toArray(new Thread[0]), perThread, durability);
  }

  private RedisAccess(RedisClusterAsyncCommands<String, String> shared, Thread[] threads,
                      Map<Thread, RedisClusterAsyncCommands<String, String>> perThread, Durability durability) {
    this.durability = durability;
    this.shared = shared;
    this.threads = threads;
    this.local = new ArrayList<>();
    for (Thread t : threads) {
      local.add(perThread.get(t));
    }
  }

  /**
   * @param shared    the connection of any thread not in {@code perThread}
   * @param perThread each event loop's thread and the connection whose socket that loop serves
   */
  public static RedisAccess perThread(RedisClusterAsyncCommands<String, String> shared,
                                      Map<Thread, RedisClusterAsyncCommands<String, String>> perThread) {
    return new RedisAccess(shared, perThread, Durability.NONE);
  }

  /** The same connections, confirming writes as {@code durability} asks. */
  public RedisAccess withDurability(Durability durability) {
    Map<Thread, RedisClusterAsyncCommands<String, String>> perThread = new HashMap<>();
    for (int i = 0; i < threads.length; i++) {
      perThread.put(threads[i], local.get(i));
    }
    return new RedisAccess(shared, threads, perThread, durability);
  }

  /**
   * True when these are Redis Cluster connections: a script's keys must then share one slot, and what spans
   * slots is done in steps (docs/design.md, "Redis Cluster").
   */
  public boolean cluster() {
    return shared instanceof RedisAdvancedClusterAsyncCommands;
  }

  /** How writes made through {@link LuaScript#runConfirmed} and {@link #confirmWrites} are confirmed. */
  public Durability durability() {
    return durability;
  }

  /**
   * Confirms every write this thread has sent so far on its connection (a {@code WAIT} behind them, on the
   * same connection): completes when they are on enough replicas, fails with {@link StoreUnconfirmedException}
   * otherwise; completes at once when no replica is asked for.
   */
  public Future<Void> confirmWrites() {
    if (!durability.waitsForReplicas()) {
      return Future.succeededFuture();
    }
    return await(confirm(commands())).mapEmpty();
  }

  /**
   * Confirms, as {@link #confirmWrites()} does, only the writes this thread sent to the key's slot: on a Redis
   * Cluster one {@code WAIT}, on the primary serving that slot (where {@link #confirmWrites()} asks every primary);
   * on one Redis the same as {@link #confirmWrites()}.
   */
  public Future<Void> confirmWrites(String key) {
    if (!durability.waitsForReplicas()) {
      return Future.succeededFuture();
    }
    return await(confirm(commands(), key)).mapEmpty();
  }

  /**
   * {@code WAIT} behind every write {@code commands} sent so far. On one Redis, on that connection. On a Redis
   * Cluster ({@code commands} of a cluster connection), on the connection to each primary that the cluster
   * connection routes writes through (a WAIT counts the writes of the connection it is sent on); it fails, as
   * unconfirmed, for a primary whose connection is still being opened, since a write waiting for that connection
   * could then be sent after the WAIT.
   */
  CompletionStage<Long> confirm(RedisClusterAsyncCommands<String, String> commands) {
    if (commands instanceof RedisAdvancedClusterAsyncCommands<String, String> cluster) {
      List<CompletableFuture<Long>> each = new ArrayList<>();
      for (RedisClusterNode node : cluster.getStatefulConnection().getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
          each.add(waitOn(cluster, node).toCompletableFuture());
        }
      }
      return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
          .thenApply(v -> each.stream().mapToLong(CompletableFuture::join).min().orElse(0L));
    }
    return waitFor(commands);
  }

  /** {@code WAIT} behind the writes {@code commands} sent to {@code key}'s slot (see {@link #confirmWrites(String)}). */
  CompletionStage<Long> confirm(RedisClusterAsyncCommands<String, String> commands, String key) {
    if (commands instanceof RedisAdvancedClusterAsyncCommands<String, String> cluster) {
      RedisClusterNode node = cluster.getStatefulConnection().getPartitions().getMasterBySlot(SlotHash.getSlot(key));
      if (node == null) {
        return CompletableFuture.failedStage(new StoreUnavailableException("no primary serves the slot of a key", null));
      }
      return waitOn(cluster, node);
    }
    return waitFor(commands);
  }

  private CompletionStage<Long> waitOn(RedisAdvancedClusterAsyncCommands<String, String> cluster,
                                       RedisClusterNode node) {
    CompletableFuture<StatefulRedisConnection<String, String>> c = cluster.getStatefulConnection()
        .getConnectionAsync(node.getUri().getHost(), node.getUri().getPort());
    if (!c.isDone() || c.isCompletedExceptionally()) {
      return CompletableFuture.failedStage(new StoreUnconfirmedException("the connection to the primary "
          + node.getUri().getHost() + ":" + node.getUri().getPort() + " was being opened"));
    }
    return waitFor(c.join().async());
  }

  /**
   * On a Redis Cluster, the connection to the primary serving {@code key}'s slot, within {@code commands}' cluster
   * connection (the one writes to that slot are routed through); else {@code commands} itself. A script and its
   * {@code WAIT} sent on it are on one connection, in order, whatever the state of the cluster's routing.
   */
  CompletionStage<RedisClusterAsyncCommands<String, String>> writerFor(RedisClusterAsyncCommands<String, String> commands,
                                                                       String key) {
    if (commands instanceof RedisAdvancedClusterAsyncCommands<String, String> cluster) {
      RedisClusterNode node = cluster.getStatefulConnection().getPartitions().getMasterBySlot(SlotHash.getSlot(key));
      if (node == null) {
        return CompletableFuture.failedStage(new StoreUnavailableException("no primary serves the slot of a key", null));
      }
      return cluster.getStatefulConnection().getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
          .thenApply(StatefulRedisConnection::async);
    }
    return CompletableFuture.completedStage(commands);
  }

  private CompletionStage<Long> waitFor(RedisClusterAsyncCommands<String, String> commands) {
    return commands.waitForReplication(durability.replicas(), durability.timeout().toMillis()).thenCompose(n ->
        n >= durability.replicas() ? CompletableFuture.completedStage(n)
            : CompletableFuture.failedStage(new StoreUnconfirmedException("the write reached " + n + " of "
                + durability.replicas() + " replicas within " + durability.timeout().toMillis() + " ms")));
  }

  /** The calling thread's connection. */
  public RedisClusterAsyncCommands<String, String> commands() {
    Thread current = Thread.currentThread();
    for (int i = 0; i < threads.length; i++) {
      if (threads[i] == current) {
        return local.get(i);
      }
    }
    return shared;
  }

  /** Converts a Lettuce future, coming back on the current Vert.x context (or the caller's thread outside one). */
  public <T> Future<T> await(CompletionStage<T> stage) {
    Context ctx = Vertx.currentContext();
    Future<T> f = ctx == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, ctx);
    return f.recover(e -> Future.failedFuture(storeFailure(e)));
  }

  /** A Redis failure as {@link #await} gives it: a {@link StoreUnavailableException}. */
  static StoreUnavailableException storeFailure(Throwable e) {
    Throwable cause = unwrap(e); // a failure from thenCompose arrives wrapped in a CompletionException
    return cause instanceof StoreUnavailableException s ? s
        : new StoreUnavailableException("Redis command failed: " + cause.getClass().getSimpleName(), cause);
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
