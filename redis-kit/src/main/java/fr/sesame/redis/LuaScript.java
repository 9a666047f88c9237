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
  /** Whether its calls are gathered per turn ({@link #gatheredPerTurn}). */
  private final boolean gathered;

  private LuaScript(String name, String source) {
    this(name, source, false);
  }

  private LuaScript(String name, String source, boolean gathered) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
    this.gathered = gathered;
  }

  /** A script run as it is: the command that runs a turn's gathered calls ({@link Gathering}). */
  static LuaScript of(String name, String source) {
    return new LuaScript(name, source);
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
   * The same script, with the calls one event loop makes during one turn of its loop sent to Redis in <em>one</em>
   * command, at the end of the turn, together with the turn's calls of the other gathered scripts (a group commit, as
   * the audit trail's). Under load, the requests whose answers came in one read share a command: fewer commands, fewer
   * writes to the socket and fewer replies to read, the busier the gateway is. A call alone in its turn is one
   * command too, of the same text (so that none overtakes another while Redis learns the text, after a restart).
   * Declare it once, as a constant: each declaration joins that text for the process's life.
   *
   * <p>The gathered command runs each call in turn, in the order they were made, each as its script alone would (its
   * own keys and arguments, its own result; a call that raises an error fails alone, the others are applied). Redis
   * runs the whole command atomically, so each call stays as atomic as it was. A call is sent at the end of its turn
   * rather than at once: only for scripts that return a table (a reply list), whose callers send nothing in the same
   * turn that must reach Redis after the call (they wait for its result first). Gathered only on one Redis and on an
   * event loop: on a Redis Cluster the calls' keys are in different slots, and off a loop there is no turn; there each
   * call is sent at once.
   */
  public LuaScript gatheredPerTurn() {
    LuaScript gathered = new LuaScript(name, source, true);
    Gathering.register(gathered);
    return gathered;
  }

  /**
   * The script that runs n calls of the {@code bodies}: ARGV = n, then for each call the index of its body (from 1),
   * its number of keys and of arguments, then every call's arguments; KEYS = every call's keys. Returns each call's
   * result, or for a call that raised an error the text {@code "ERR "} and the error.
   */
  static String batchSource(List<String> bodies) {
    StringBuilder sb = new StringBuilder("local scripts = {}\n");
    for (int i = 0; i < bodies.size(); i++) {
      sb.append("scripts[").append(i + 1).append("] = function(KEYS, ARGV)\n").append(bodies.get(i)).append("\nend\n");
    }
    return sb.append("local n = tonumber(ARGV[1])\n")
        .append("local out = {}\n")
        .append("local k, a = 1, 2 + 3 * n\n")
        .append("for i = 1, n do\n")
        .append("  local s, nk, na = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])\n")
        .append("  local ks, as = {}, {}\n")
        .append("  for j = 1, nk do ks[j] = KEYS[k]; k = k + 1 end\n")
        .append("  for j = 1, na do as[j] = ARGV[a]; a = a + 1 end\n")
        .append("  local ok, r = pcall(scripts[s], ks, as)\n")
        .append("  if not ok then\n")
        .append("    r = 'ERR ' .. (type(r) == 'table' and tostring(r.err) or tostring(r))\n")
        .append("  elseif type(r) ~= 'table' then\n")
        .append("    r = 'ERR the script returned no table'\n")
        .append("  elseif r.err or r.ok then\n") // an error or status reply: nested in the list, it would fail all
        .append("    r = 'ERR ' .. tostring(r.err or r.ok)\n")
        .append("  end\n")
        .append("  out[i] = r\n")
        .append("end\n")
        .append("return out\n").toString();
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
    if (gathered && Gathering.applies(redis)) {
      return Gathering.add(this, redis, false, keys, args);
    }
    return redis.await(send(redis.commands(), keys, args, () -> { }));
  }

  /**
   * The script with {@code EVALSHA} on {@code commands}, and with {@code EVAL} when Redis does not know it
   * ({@code NOSCRIPT}), after which {@code onEval} runs.
   */
  private CompletionStage<List<Object>> send(RedisClusterAsyncCommands<String, String> commands, String[] keys,
                                             String[] args, Runnable onEval) {
    return commands.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).exceptionallyCompose(e -> {
      if (!(RedisAccess.unwrap(e) instanceof RedisNoScriptException)) {
        return CompletableFuture.failedStage(e);
      }
      onEval.run();
      return commands.eval(source, ScriptOutputType.MULTI, keys, args);
    });
  }

  /**
   * Runs a script whose writes an election relies on: the result is given only once Redis confirms the
   * writes as {@link RedisAccess#durability()} asks ({@code WAIT}, sent right behind the script on the same
   * connection: no extra round trip); else it fails with {@link StoreUnconfirmedException}.
   */
  public Future<List<Object>> runConfirmed(RedisAccess redis, String[] keys, String... args) {
    if (gathered && Gathering.applies(redis)) {
      return Gathering.add(this, redis, true, keys, args);
    }
    if (!redis.durability().waitsForReplicas()) {
      return redis.await(send(redis.commands(), keys, args, () -> { }));
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

  /**
   * A script's result, and the confirmation of its writes, apart ({@link #runThenConfirm}), as Lettuce completes them:
   * on the connection's thread, with no Vert.x context (the caller completes its own promises from there).
   */
  record Split(CompletionStage<List<Object>> result, CompletionStage<Long> confirmed) {}

  /**
   * Runs the script, with a {@code WAIT} right behind it on the same connection when {@code confirm} and replicas are
   * asked for (one Redis, not a Cluster): the result as soon as the script answers, the confirmation once Redis
   * confirms its writes as {@link #runConfirmed} does (again after an {@code EVAL}, when Redis did not know the script:
   * the first {@code WAIT} went before it).
   */
  Split runThenConfirm(RedisAccess redis, boolean confirm, String[] keys, String... args) {
    RedisClusterAsyncCommands<String, String> commands = redis.commands();
    AtomicBoolean evalled = new AtomicBoolean();
    CompletionStage<List<Object>> result = send(commands, keys, args, () -> evalled.set(true));
    boolean waits = confirm && redis.durability().waitsForReplicas();
    CompletionStage<Long> first = waits ? redis.confirm(commands) : null; // sent right behind the script
    CompletionStage<Long> confirmed = !waits ? result.thenApply(r -> 0L)
        : result.thenCompose(r -> evalled.get() ? redis.confirm(commands) : first);
    return new Split(result, confirmed);
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
      results.add(send(commands, c.keys(), c.args(), () -> evalled.set(true)).toCompletableFuture());
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
