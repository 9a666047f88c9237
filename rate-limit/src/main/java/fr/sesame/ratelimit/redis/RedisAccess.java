package fr.sesame.ratelimit.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The one Lettuce connection (thread-safe, shared by every verticle) and the conversion of its futures to
 * Vert.x futures that complete on the caller's context. Any Redis failure becomes a
 * {@link StoreUnavailableException}.
 */
public final class RedisAccess {
  private final RedisClusterAsyncCommands<String, String> commands;

  public RedisAccess(RedisClusterAsyncCommands<String, String> commands) {
    this.commands = commands;
  }

  public RedisClusterAsyncCommands<String, String> commands() {
    return commands;
  }

  /** Converts a Lettuce future, coming back on the current Vert.x context (or the caller's thread outside one). */
  public <T> Future<T> await(CompletionStage<T> stage) {
    Context ctx = Vertx.currentContext();
    Future<T> f = ctx == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, ctx);
    return f.recover(e -> Future.failedFuture(e instanceof StoreUnavailableException
        ? e : new StoreUnavailableException("Redis command failed: " + unwrap(e).getClass().getSimpleName(), unwrap(e))));
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
