package fr.sesame.loadtests.env;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Redis's slow log over the measured run (issue 17, point 5): the commands that took Redis more than
 * {@value #THRESHOLD_MICROS} µs to run. A script or a long range may; a {@code GET} or an {@code HSET} takes
 * microseconds, so one in the log means Redis's own thread was waiting for a core while it ran it: the machine, not a
 * query, set the run's tail. The summary says which. The log's settings are put back at the end.
 */
public final class RedisSlowLog implements AutoCloseable {
  static final long THRESHOLD_MICROS = 5_000;
  private static final int KEPT = 10_000;
  /** Commands that take Redis microseconds (one key, a few small fields, as the gateway sends them). */
  static final Set<String> CONSTANT = Set.of("get", "set", "setex", "psetex", "getdel", "exists", "expire", "pexpire",
      "ttl", "pttl", "incr", "incrby", "decr", "hget", "hset", "hsetnx", "hdel", "hexists", "hmget", "hincrby",
      "sismember", "scard", "zscore", "zcard", "llen", "xack", "ping");

  /** One entry: the command's name (lower case) and how long Redis took to run it. */
  record Entry(String command, long micros) {}

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final Map<String, String> before;

  private RedisSlowLog(RedisClient client, StatefulRedisConnection<String, String> connection,
                       Map<String, String> before) {
    this.client = client;
    this.connection = connection;
    this.before = before;
  }

  /** Empties Redis's slow log and sets it to keep every command over the threshold; null when it cannot. */
  public static RedisSlowLog start(String redisUrl) {
    if (redisUrl == null || redisUrl.isBlank()) {
      return null;
    }
    RedisClient client = RedisClient.create(redisUrl);
    try {
      StatefulRedisConnection<String, String> c = client.connect();
      Map<String, String> before = new TreeMap<>(); // one parameter a call: Redis 6 takes no more
      before.putAll(c.sync().configGet("slowlog-log-slower-than"));
      before.putAll(c.sync().configGet("slowlog-max-len"));
      c.sync().configSet("slowlog-log-slower-than", Long.toString(THRESHOLD_MICROS));
      c.sync().configSet("slowlog-max-len", Integer.toString(KEPT));
      c.sync().slowlogReset();
      return new RedisSlowLog(client, c, before);
    } catch (RuntimeException e) {
      client.shutdown();
      return null;
    }
  }

  /** The entries so far. */
  List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Object o : connection.sync().slowlogGet(KEPT)) {
      // [id, unix time, microseconds, [command, args...], client address, client name]
      if (o instanceof List<?> e && e.size() >= 4 && e.get(2) instanceof Long micros
          && e.get(3) instanceof List<?> args && !args.isEmpty()) {
        out.add(new Entry(String.valueOf(args.get(0)).toLowerCase(Locale.ROOT), micros));
      }
    }
    return out;
  }

  /** The run's slow log in a line (and what it says of the machine), or why it cannot be read. */
  public String summary() {
    try {
      return summary(entries());
    } catch (RuntimeException e) {
      return "Redis's slow log: not read (" + e.getMessage() + ")";
    }
  }

  static String summary(List<Entry> entries) {
    String head = "Redis's slow log (commands Redis took over " + THRESHOLD_MICROS / 1000 + " ms to run, in the measured "
        + "run): ";
    if (entries.isEmpty()) {
      return head + "none";
    }
    Map<String, Integer> byCommand = new TreeMap<>();
    entries.forEach(e -> byCommand.merge(e.command(), 1, Integer::sum));
    Entry longest = entries.stream().max(Comparator.comparingLong(Entry::micros)).orElseThrow();
    List<Entry> constant = entries.stream().filter(e -> CONSTANT.contains(e.command())).toList();
    StringBuilder s = new StringBuilder(head).append(entries.size() == KEPT ? "at least " : "").append(entries.size())
        .append(String.format(Locale.ROOT, ", the longest %.1f ms (%s); by command: ", longest.micros() / 1000.0,
            longest.command().toUpperCase(Locale.ROOT)));
    byCommand.forEach((c, n) -> s.append(c.toUpperCase(Locale.ROOT)).append(' ').append(n).append(", "));
    s.setLength(s.length() - 2);
    if (!constant.isEmpty()) {
      long worst = constant.stream().mapToLong(Entry::micros).max().orElseThrow();
      s.append(String.format(Locale.ROOT, ". STALLED: %d of them (up to %.1f ms) are commands that take Redis "
          + "microseconds: its thread was waiting for a core, so the machine, not a query, set the tail",
          constant.size(), worst / 1000.0));
    }
    return s.toString();
  }

  @Override
  public void close() {
    try {
      before.forEach((parameter, value) -> connection.sync().configSet(parameter, value));
    } catch (RuntimeException ignored) {
      // the run's own Redis, stopping with it
    } finally {
      connection.close();
      client.shutdown();
    }
  }
}
