package fr.sesame.redis;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.Await;
import fr.sesame.testkit.RedisTopology;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scripts gathered per turn ({@link LuaScript#gatheredPerTurn}) against a real Redis: the calls of one event-loop
 * turn go as one command, each with its own result, and nothing else changes.
 */
class GatheringTest {
  private static final LuaScript ADD = LuaScript.load("redis-kit-test/add.lua").gatheredPerTurn();
  private static final LuaScript INCR = LuaScript.load("redis-kit-test/incr.lua").gatheredPerTurn();
  private static Vertx vertx;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private static RedisAccess redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = RedisClient.create(TestRedis.url());
    connection = client.connect();
    redis = new RedisAccess(connection.async());
  }

  @AfterAll
  static void stop() {
    connection.close();
    client.shutdown();
    Await.await(vertx.close());
  }

  /** Runs {@code turn} in one turn of an event loop and waits for the future it returns. */
  private static <T> T inOneTurn(Function<Void, Future<T>> turn) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> turn.apply(null).onComplete(done));
    return Await.await(done.future());
  }

  /** The calls of a command Redis has run so far (INFO commandstats). */
  private static long commands(String command) {
    for (String line : TestRedis.sync().info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        return Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
      }
    }
    return 0;
  }

  /** Runs {@code test} against a Redis of its own, started for it: a Redis that knows no script yet. */
  private static void onAFreshRedis(
      java.util.function.BiConsumer<StatefulRedisConnection<String, String>, RedisAccess> test) {
    try (RedisTopology fresh = RedisTopology.start(0, 0, Duration.ofSeconds(5))) {
      RedisClient c = RedisClient.create(fresh.initialPrimary().url());
      try (var conn = c.connect()) {
        test.accept(conn, new RedisAccess(conn.async()));
      } finally {
        c.shutdown();
      }
    }
  }

  private static String counter() {
    return "test:{gather}:" + UUID.randomUUID();
  }

  @Test
  void theCallsOfOneTurnGoAsOneCommandEachWithItsOwnResultInOrder() {
    String a = counter();
    String b = counter();
    inOneTurn(v -> ADD.run(redis, new String[] {a}, "1")); // Redis knows both scripts from here on
    inOneTurn(v -> Future.all(ADD.run(redis, new String[] {a}, "1"), ADD.run(redis, new String[] {a}, "1")));
    long before = commands("evalsha") + commands("eval");

    List<List<Object>> results = inOneTurn(v -> {
      List<Future<List<Object>>> calls = new ArrayList<>();
      calls.add(ADD.run(redis, new String[] {a}, "10", "x"));
      calls.add(ADD.runConfirmed(redis, new String[] {b}, "5")); // confirmed: the command is (no replica asked here)
      calls.add(ADD.run(redis, new String[] {a}, "100"));
      calls.add(ADD.run(redis, new String[] {b}, "7", "yz"));
      return Future.all(calls).map(f -> f.<List<Object>>list());
    });

    assertThat(results).containsExactly(List.of(13L, "xx"), List.of(5L, ""), List.of(113L, ""), List.of(12L, "yzyz"));
    assertThat(commands("evalsha") + commands("eval") - before)
        .as("the four calls in one command").isEqualTo(1);
  }

  @Test
  void callsOfTwoScriptsInOneTurnShareOneCommandInTheOrderTheyWereMade() {
    String a = counter();
    inOneTurn(v -> Future.all(ADD.run(redis, new String[] {a}, "0"), INCR.run(redis, new String[] {a})));
    long before = commands("evalsha") + commands("eval");

    List<List<Object>> results = inOneTurn(v -> Future.all(INCR.run(redis, new String[] {a}),
        ADD.run(redis, new String[] {a}, "10"), INCR.run(redis, new String[] {a})).map(f -> f.<List<Object>>list()));

    assertThat(results).containsExactly(List.of(2L), List.of(12L, ""), List.of(13L));
    assertThat(commands("evalsha") + commands("eval") - before).isEqualTo(1);
  }

  /** A call made by the turn's end-of-turn work (a task the turn queued, as the audit trail's group commit) joins. */
  @Test
  void aCallFromTheTurnsEndOfTurnWorkJoinsItsCommand() {
    String a = counter();
    inOneTurn(v -> Future.all(ADD.run(redis, new String[] {a}, "0"), INCR.run(redis, new String[] {a})));
    long before = commands("evalsha") + commands("eval");

    List<List<Object>> results = inOneTurn(v -> {
      Future<List<Object>> first = INCR.run(redis, new String[] {a});
      Promise<List<Object>> later = Promise.promise();
      vertx.getOrCreateContext().runOnContext(w -> ADD.run(redis, new String[] {a}, "5").onComplete(later));
      return Future.all(first, later.future()).map(f -> f.<List<Object>>list());
    });

    assertThat(results).containsExactly(List.of(2L), List.of(7L, ""));
    assertThat(commands("evalsha") + commands("eval") - before).isEqualTo(1);
  }

  /**
   * A call alone in its turn goes in the same command text as a turn of many: Redis knows all the gathered scripts or
   * none, so a call cannot overtake an earlier one while Redis learns the text (the earlier one refused, then run with
   * EVAL after it). Here Redis knows the script alone but not the command, as after a restart and a quiet hour.
   */
  @Test
  void aCallAloneInItsTurnCannotOvertakeAnEarlierOneWhileRedisLearnsTheCommand() {
    onAFreshRedis((conn, own) -> {
      String a = counter();
      conn.sync().scriptLoad(ADD.source()); // the script alone is known, the command of gathered scripts is not
      List<List<Object>> results = inOneTurn(v -> {
        Future<List<Object>> first = INCR.run(own, new String[] {a});
        Promise<List<Object>> second = Promise.promise();
        // the next turn: sent while the first command is refused
        vertx.getOrCreateContext().runOnContext(w -> vertx.getOrCreateContext().runOnContext(x ->
            vertx.getOrCreateContext().runOnContext(y -> ADD.run(own, new String[] {a}, "10").onComplete(second))));
        return Future.all(first, second.future()).map(f -> f.<List<Object>>list());
      });
      assertThat(results).as("the increment first, then the addition").containsExactly(List.of(1L), List.of(11L, ""));
      assertThat(conn.sync().scriptExists(sha1Of(gatheredCommandSource()))).containsExactly(true);
    });
  }

  /** The text of the command of every gathered script declared so far (ADD and INCR among them). */
  private static String gatheredCommandSource() {
    try {
      var f = Gathering.class.getDeclaredField("SCRIPTS");
      f.setAccessible(true);
      @SuppressWarnings("unchecked")
      List<LuaScript> all = (List<LuaScript>) f.get(null);
      return LuaScript.batchSource(all.stream().map(LuaScript::source).toList());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha1Of(String source) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
          .digest(source.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCallThatFailsFailsAloneAndTheOthersAreApplied() {
    String a = counter();
    String broken = counter();
    inOneTurn(v -> Future.all(ADD.run(redis, new String[] {a}, "0"), INCR.run(redis, new String[] {counter()})));
    TestRedis.sync().set(a, "0");
    long before = commands("evalsha") + commands("eval");
    List<Future<List<Object>>> calls = new ArrayList<>();
    inOneTurn(v -> {
      calls.add(ADD.run(redis, new String[] {a}, "1"));
      calls.add(ADD.run(redis, new String[] {a}, "raise"));
      calls.add(ADD.run(redis, new String[] {broken}, "wrongtype"));
      calls.add(ADD.run(redis, new String[] {a}, "2"));
      return Future.join(calls).transform(ar -> Future.succeededFuture());
    });

    assertThat(Await.await(calls.get(0))).containsExactly(1L, "");
    assertThat(Await.failure(calls.get(1))).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("asked to fail");
    assertThat(Await.failure(calls.get(2))).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("not an integer");
    assertThat(Await.await(calls.get(3))).containsExactly(3L, "");
    assertThat(TestRedis.sync().get(a)).isEqualTo("3");
    assertThat(commands("evalsha") + commands("eval") - before).as("the four calls in one command").isEqualTo(1);
  }

  @Test
  void aCommandThatRedisDoesNotKnowYetIsSentWithEval() {
    onAFreshRedis((conn, own) -> {
      String a = counter();
      List<List<Object>> results = inOneTurn(v -> Future.all(ADD.run(own, new String[] {a}, "1"),
          INCR.run(own, new String[] {a})).map(f -> f.<List<Object>>list()));
      assertThat(results).containsExactly(List.of(1L, ""), List.of(2L));
      assertThat(conn.sync().scriptExists(sha1Of(gatheredCommandSource()), sha1Of(ADD.source())))
          .as("the command of gathered scripts, learnt with EVAL; not the script alone").containsExactly(true, false);
    });
  }

  /** A command that fails as a whole (its connection closed under it) fails each of its calls: none waits forever. */
  @Test
  void aCommandThatFailsAsAWholeFailsEachCall() {
    RedisClient c = RedisClient.create(TestRedis.url());
    var conn = c.connect();
    try {
      RedisAccess own = new RedisAccess(conn.async());
      String a = counter();
      List<Future<List<Object>>> calls = new ArrayList<>();
      inOneTurn(v -> {
        calls.add(ADD.run(own, new String[] {a}, "1"));
        calls.add(INCR.run(own, new String[] {a}));
        conn.close(); // before the end of the turn: the command finds the connection closed
        return Future.join(calls).transform(ar -> Future.succeededFuture());
      });
      for (Future<List<Object>> call : calls) {
        assertThat(Await.failure(call, Duration.ofSeconds(5))).isInstanceOf(StoreUnavailableException.class);
      }
    } finally {
      conn.close();
      c.shutdown();
    }
  }

  /** Each caller goes on on its own context, whichever call's turn sent the command. */
  @Test
  void eachCallerGoesOnOnItsOwnContext() {
    String a = counter();
    var base = (io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext();
    var other = base.duplicate(); // another context on the same event loop, as each request has
    Promise<Boolean> done = Promise.promise();
    long before = commands("evalsha") + commands("eval");
    base.runOnContext(v -> {
      ADD.run(redis, new String[] {a}, "1"); // opens the turn's command, sent from this context
      other.runOnContext(w -> INCR.run(redis, new String[] {a})
          .onComplete(ar -> done.tryComplete(ar.succeeded() && Vertx.currentContext() == other)));
    });
    assertThat(Await.await(done.future())).as("the second caller's handler ran on its own context").isTrue();
    assertThat(commands("evalsha") + commands("eval") - before).as("one command for both").isEqualTo(1);
  }

  /**
   * A turn's confirmed and plain calls in one command: the WAIT behind it holds only the confirmed ones. With a
   * replica asked and none there, the confirmed call fails unconfirmed; the plain one (a session check) is answered.
   */
  @Test
  void aWaitThatFailsFailsOnlyTheCallsThatAskedForIt() {
    RedisAccess asking = redis.withDurability(new Durability(1, Duration.ofMillis(300)));
    String a = counter();
    String b = counter();
    inOneTurn(v -> Future.all(ADD.run(redis, new String[] {a}, "0"), INCR.run(redis, new String[] {b})));
    List<Future<List<Object>>> calls = new ArrayList<>();
    inOneTurn(v -> {
      calls.add(INCR.run(asking, new String[] {b}));
      calls.add(ADD.runConfirmed(asking, new String[] {a}, "5"));
      return Future.join(calls).transform(ar -> Future.succeededFuture());
    });
    assertThat(Await.await(calls.get(0))).containsExactly(2L);
    assertThat(Await.failure(calls.get(1))).isInstanceOf(StoreUnconfirmedException.class);
    assertThat(TestRedis.sync().get(a)).as("applied by the primary, only not confirmed").isEqualTo("5");
  }

  @Test
  void aTurnOfManyCallsIsCutIntoCommandsOfAtMost32() {
    String a = counter();
    inOneTurn(v -> Future.all(ADD.run(redis, new String[] {a}, "0"), ADD.run(redis, new String[] {a}, "0")));
    long before = commands("evalsha");
    List<List<Object>> results = inOneTurn(v -> {
      List<Future<List<Object>>> calls = new ArrayList<>();
      for (int i = 0; i < 70; i++) {
        calls.add(ADD.run(redis, new String[] {a}, "1"));
      }
      return Future.all(calls).map(f -> f.<List<Object>>list());
    });
    for (int i = 0; i < 70; i++) {
      assertThat(results.get(i)).containsExactly((long) i + 1, "");
    }
    assertThat(commands("evalsha") - before).as("32 + 32 + 6").isEqualTo(3);
  }

  @Test
  void offAnEventLoopEachCallIsSentAtOnce() {
    String a = counter();
    Await.await(ADD.run(redis, new String[] {a}, "1"));
    long before = commands("evalsha");
    Future<List<Object>> one = ADD.run(redis, new String[] {a}, "1");
    Future<List<Object>> two = ADD.run(redis, new String[] {a}, "1");
    assertThat(Await.await(one)).containsExactly(2L, "");
    assertThat(Await.await(two)).containsExactly(3L, "");
    assertThat(commands("evalsha") - before).isEqualTo(2);
  }

  /** Confirmed calls gathered: one WAIT behind the command, and the replica has every call's write. */
  @Test
  void confirmedCallsOfOneTurnAreConfirmedTogetherAndOnTheReplica() {
    try (RedisTopology t = RedisTopology.start(1, 0, Duration.ofSeconds(5))) {
      RedisClient c = RedisClient.create(t.initialPrimary().url());
      try (var conn = c.connect()) {
        RedisAccess replicated = new RedisAccess(conn.async())
            .withDurability(new Durability(1, Duration.ofSeconds(2)));
        String a = counter();
        List<List<Object>> results = inOneTurn(v -> Future.all(ADD.runConfirmed(replicated, new String[] {a}, "1"),
            ADD.runConfirmed(replicated, new String[] {a}, "2")).map(f -> f.<List<Object>>list()));
        assertThat(results).containsExactly(List.of(1L, ""), List.of(3L, ""));
        assertThat(RedisTopology.cli(t.servers().get(1).port(), "GET", a).strip()).isEqualTo("3");
      } finally {
        c.shutdown();
      }
    }
  }
}
