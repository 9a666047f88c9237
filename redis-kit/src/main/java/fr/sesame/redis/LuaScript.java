package fr.sesame.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script from the class path, run with {@code EVALSHA} and, when Redis does not know it yet
 * ({@code NOSCRIPT}, e.g. after a restart or a failover), with {@code EVAL}, which also caches it.
 * A script may start with {@code --#include redis/lib/x.lua} lines: those files are put in its place.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /** Loads a script resource such as {@code redis/voter/login_secret.lua}. */
  public static LuaScript load(String resource) {
    String text = read(resource);
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("--#include ")) {
        out.append(read(line.substring("--#include ".length()).trim())).append('\n');
      } else {
        out.append(line).append('\n');
      }
    }
    return new LuaScript(resource, out.toString());
  }

  public String name() {
    return name;
  }

  /**
   * The text sent to Redis: the resource with each {@code --#include} line replaced by the file it names.
   * Tests read it to check a script against its Java reply codes.
   */
  public String source() {
    return source;
  }

  /**
   * Runs the script; the result is a list of Long and String values (MULTI output). For a script that only
   * reads, or whose writes need not survive a failover.
   */
  public Future<List<Object>> run(RedisAccess redis, String[] keys, String... args) {
    CompletionStage<List<Object>> stage = redis.commands().<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args)
        .exceptionallyCompose(e -> RedisAccess.unwrap(e) instanceof RedisNoScriptException
            ? redis.commands().<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args)
            : CompletableFuture.failedStage(e));
    return redis.await(stage);
  }

  /**
   * Runs a script whose writes an election relies on: the result is given only once Redis confirms the
   * writes as {@link RedisAccess#durability()} asks ({@code WAIT}, sent right behind the script on the same
   * connection: no extra round trip); else it fails with {@link StoreUnconfirmedException}.
   */
  public Future<List<Object>> runConfirmed(RedisAccess redis, String[] keys, String... args) {
    if (!redis.durability().waitsForReplicas()) {
      return run(redis, keys, args);
    }
    // on a Redis Cluster, the connection to the primary of the keys' slot: the WAIT must follow the script on the
    // connection that sent it (a script refused there with MOVED fails: 503, never a write confirmed elsewhere)
    CompletionStage<RedisClusterAsyncCommands<String, String>> writer = keys.length == 0
        ? CompletableFuture.completedStage(redis.commands()) : redis.writerFor(redis.commands(), keys[0]);
    return redis.await(writer.thenCompose(commands -> confirmed(redis, commands, keys, args)));
  }

  private CompletionStage<List<Object>> confirmed(RedisAccess redis, RedisClusterAsyncCommands<String, String> commands,
                                                  String[] keys, String... args) {
    CompletionStage<List<Object>> script = commands.evalsha(sha, ScriptOutputType.MULTI, keys, args);
    CompletionStage<Long> confirmed = redis.confirm(commands);
    return script.handle((result, e) -> {
      if (e == null) {
        return confirmed.thenApply(n -> result);
      }
      if (!(RedisAccess.unwrap(e) instanceof RedisNoScriptException)) {
        return CompletableFuture.<List<Object>>failedStage(e);
      }
      // the WAIT sent behind a refused EVALSHA covered nothing: the script and a new WAIT, together
      CompletionStage<List<Object>> again = commands.eval(source, ScriptOutputType.MULTI, keys, args);
      CompletionStage<Long> confirmedAgain = redis.confirm(commands);
      return again.thenCombine(confirmedAgain, (r, n) -> r);
    }).thenCompose(stage -> stage);
  }

  /** One run of a script in a batch ({@link #runAllConfirmed}): its keys and arguments. */
  public record Call(String[] keys, String[] args) {}

  /**
   * Runs the script once for each call, pipelined on the calling thread's connection, with the commands
   * {@code alongside} sends on the same connection, and answers once on the caller's context when all have
   * answered and Redis confirms every write as {@link #runConfirmed} does: one {@code WAIT} behind the whole batch
   * (and one more once the batch is over when a script had to be sent again with {@code EVAL}). For bulk writes (a
   * roll's voters): one hop back to the event loop a batch, where {@link #run} makes one a call.
   * @return each call's result, in order
   */
  public Future<List<List<Object>>> runAllConfirmed(RedisAccess redis, List<Call> calls,
      Function<RedisClusterAsyncCommands<String, String>, List<? extends CompletionStage<?>>> alongside) {
    var commands = redis.commands();
    AtomicBoolean evalled = new AtomicBoolean();
    List<CompletableFuture<List<Object>>> results = new ArrayList<>(calls.size());
    for (Call c : calls) {
      results.add(commands.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, c.keys(), c.args())
          .exceptionallyCompose(e -> {
            if (!(RedisAccess.unwrap(e) instanceof RedisNoScriptException)) {
              return CompletableFuture.failedStage(e);
            }
            evalled.set(true);
            return commands.<List<Object>>eval(source, ScriptOutputType.MULTI, c.keys(), c.args());
          }).toCompletableFuture());
    }
    List<CompletableFuture<?>> all = new ArrayList<>(results);
    for (CompletionStage<?> other : alongside.apply(commands)) {
      all.add(other.toCompletableFuture());
    }
    boolean confirm = redis.durability().waitsForReplicas();
    if (confirm) {
      all.add(redis.confirm(commands).toCompletableFuture());
    }
    CompletableFuture<List<List<Object>>> done = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenCompose(v -> confirm && evalled.get() ? redis.confirm(commands) : CompletableFuture.completedStage(0L))
        .thenApply(v -> {
          List<List<Object>> out = new ArrayList<>(results.size());
          for (CompletableFuture<List<Object>> r : results) {
            out.add(r.join());
          }
          return out;
        });
    return redis.await(done);
  }

  private static String read(String resource) {
    try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Small decoders for script results: integers only, Lua numbers are truncated. */
  public static long num(List<Object> r, int i) {
    return (Long) r.get(i);
  }

  public static String str(List<Object> r, int i) {
    Object o = r.get(i);
    return o == null ? "" : o.toString();
  }
}
