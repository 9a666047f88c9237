package fr.sesame.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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

  /** {@code WAIT} on {@code commands}' connection; fails unless enough replicas have every write sent before it. */
  CompletionStage<Long> confirm(RedisClusterAsyncCommands<String, String> commands) {
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
    return f.recover(e -> {
      Throwable cause = unwrap(e); // a failure from thenCompose arrives wrapped in a CompletionException
      return Future.failedFuture(cause instanceof StoreUnavailableException ? cause
          : new StoreUnavailableException("Redis command failed: " + cause.getClass().getSimpleName(), cause));
    });
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
