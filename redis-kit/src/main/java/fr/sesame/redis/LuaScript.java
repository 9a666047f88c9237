package fr.sesame.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
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
    var commands = redis.commands();
    CompletionStage<List<Object>> script = commands.evalsha(sha, ScriptOutputType.MULTI, keys, args);
    CompletionStage<Long> confirmed = redis.confirm(commands);
    return redis.await(script.handle((result, e) -> {
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
    }).thenCompose(stage -> stage));
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
