package fr.sesame.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calls of gathered scripts ({@link LuaScript#gatheredPerTurn}) one event loop makes during one turn, sent as one
 * command at the end of the turn. State is per thread: an event loop is one thread, and its calls go out on its own
 * connection ({@link RedisAccess#commands()}), in the order the turn made them.
 */
final class Gathering {
  /**
   * Calls in one command at most: a command runs atomically, so a bigger one (a campaign's accepts, all made in one
   * turn) would hold every other client of Redis, logins included, for as long as it runs. The next calls of the
   * turn start another command, sent after it.
   */
  static final int MAX_CALLS = 32;

  private record Call(LuaScript script, String[] keys, String[] args, boolean confirmed,
                      Promise<List<Object>> result) {}

  /** One command's calls, in the order they were made; a WAIT behind it when any of them asked to be confirmed. */
  private static final class Batch {
    final List<Call> calls = new ArrayList<>(8);
    boolean confirmed;
  }

  /**
   * Every gathered script, in the order they were declared: one command text holds them all (its script n is the
   * n-th), so Redis learns it once, and a turn's command is never a text Redis does not know yet while its other
   * scripts are known (a command it must first refuse, then run with {@code EVAL} after the commands sent behind
   * it: out of order).
   */
  private static final List<LuaScript> SCRIPTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The command that runs every gathered script, and those scripts in its order. */
  private record Command(LuaScript script, List<LuaScript> scripts) {}

  /** Rebuilt when a script is declared after it was built (scripts are declared as their classes load). */
  private static volatile Command command;

  /** The batch a thread is gathering, by connection set (a {@link RedisAccess}, by identity). */
  private static final ThreadLocal<Map<RedisAccess, Batch>> OPEN = ThreadLocal.withInitial(IdentityHashMap::new);

  private Gathering() {}

  static void register(LuaScript script) {
    SCRIPTS.add(script);
    command = null;
  }

  private static Command command() {
    Command c = command;
    if (c == null) {
      List<LuaScript> all = List.copyOf(SCRIPTS);
      c = new Command(LuaScript.of("gathered " + all.stream().map(LuaScript::name).toList(),
          LuaScript.batchSource(all.stream().map(LuaScript::source).toList())), all);
      command = c;
    }
    return c;
  }

  /** Whether a call made now is gathered: on one Redis (not a Cluster), on an event loop's own thread. */
  static boolean applies(RedisAccess redis) {
    if (redis.cluster() || !Context.isOnEventLoopThread()) {
      return false;
    }
    Context ctx = Vertx.currentContext();
    return ctx != null && ctx.isEventLoopContext();
  }

  static Future<List<Object>> add(LuaScript script, RedisAccess redis, boolean confirmed, String[] keys,
                                  String[] args) {
    Map<RedisAccess, Batch> open = OPEN.get();
    Batch batch = open.get(redis);
    // completed on the caller's own context, whichever call's turn sends the command
    Promise<List<Object>> result = ((io.vertx.core.internal.ContextInternal) Vertx.currentContext()).promise();
    if (batch == null) {
      batch = new Batch();
      open.put(redis, batch);
      Batch these = batch;
      Context loop = Vertx.currentContext();
      // sent after the turn's other calls joined, and after the turn's other end-of-turn work (the audit trail's
      // group commit, itself a task of the loop) had its turn to join: one hop more
      loop.runOnContext(v -> loop.runOnContext(w -> send(redis, these)));
    }
    batch.calls.add(new Call(script, keys, args, confirmed, result));
    batch.confirmed |= confirmed;
    if (batch.calls.size() >= MAX_CALLS) {
      open.remove(redis); // full: sent as it is at the end of the turn, the next call opens another
    }
    return result.future();
  }

  private static void send(RedisAccess redis, Batch b) {
    Map<RedisAccess, Batch> open = OPEN.get();
    if (open.get(redis) == b) {
      open.remove(redis);
    }
    try {
      sendNow(redis, b);
    } catch (RuntimeException e) { // thrown where a caller would have had it: each caller fails, none waits forever
      b.calls.forEach(c -> c.result().tryFail(e));
    }
  }

  private static void sendNow(RedisAccess redis, Batch b) {
    List<Call> calls = b.calls;
    // a call alone in its turn goes in the same command text too: the calls of gathered scripts from one loop are all
    // one text, which Redis knows or not as a whole, so that none can overtake another while Redis learns it (a
    // refused EVALSHA runs with EVAL after the commands sent behind it)
    Command all = command();
    LuaScript command = all.script();
    List<LuaScript> scripts = all.scripts();
    int keyCount = 0;
    int argCount = 1 + 3 * calls.size();
    for (Call c : calls) {
      keyCount += c.keys().length;
      argCount += c.args().length;
    }
    String[] keys = new String[keyCount];
    String[] args = new String[argCount];
    args[0] = Integer.toString(calls.size());
    int k = 0;
    int a = 1 + 3 * calls.size();
    for (int i = 0; i < calls.size(); i++) {
      Call c = calls.get(i);
      int index = scripts.indexOf(c.script());
      if (index < 0) {
        throw new IllegalStateException("script " + c.script().name() + " is not a gathered script");
      }
      args[1 + 3 * i] = Integer.toString(index + 1);
      args[2 + 3 * i] = Integer.toString(c.keys().length);
      args[3 + 3 * i] = Integer.toString(c.args().length);
      System.arraycopy(c.keys(), 0, keys, k, c.keys().length);
      k += c.keys().length;
      System.arraycopy(c.args(), 0, args, a, c.args().length);
      a += c.args().length;
    }
    // the WAIT behind the command holds only the calls that asked for it: the others are answered with the script.
    // Each caller's promise is completed where Lettuce completes the command, and goes on on the caller's own context
    // (one hop, as a call alone through RedisAccess.await takes)
    LuaScript.Split sent = command.runThenConfirm(redis, b.confirmed, keys, args);
    sent.result().whenComplete((results, error) -> {
      if (error != null) { // the command failed: so does each call
        StoreUnavailableException failure = RedisAccess.storeFailure(error);
        calls.forEach(c -> c.result().tryFail(failure));
        return;
      }
      for (int i = 0; i < calls.size(); i++) {
        Call c = calls.get(i);
        Object r = i < results.size() ? results.get(i) : null;
        if (!(r instanceof List<?> list)) { // "ERR " and the call's error (LuaScript.batchSource)
          c.result().tryFail(new StoreUnavailableException("Redis script " + c.script().name() + " failed: "
              + (r == null ? "no result" : firstLine(r.toString().replaceFirst("^ERR ", ""))), null));
          continue;
        }
        @SuppressWarnings("unchecked")
        List<Object> one = (List<Object>) list;
        if (c.confirmed()) {
          sent.confirmed().whenComplete((n, unconfirmed) -> {
            if (unconfirmed == null) {
              c.result().tryComplete(one);
            } else {
              c.result().tryFail(RedisAccess.storeFailure(unconfirmed));
            }
          });
        } else {
          c.result().tryComplete(one);
        }
      }
    });
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
