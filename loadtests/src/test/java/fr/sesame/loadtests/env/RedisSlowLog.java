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
 * microseconds on the gateway's small values, so one in the log means Redis's own thread was waiting for a core while
 * it ran it: the machine, not a query, set the run's tail. The summary says which. The log is read from the run's
 * start (not emptied: a Redis given by URL keeps what it held), and its settings are put back at the end.
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
  /** The id of the last entry before the run (-1: none): the log is read after it, not emptied. */
  private final long after;

  private RedisSlowLog(RedisClient client, StatefulRedisConnection<String, String> connection,
                       Map<String, String> before, long after) {
    this.client = client;
    this.connection = connection;
    this.before = before;
    this.after = after;
  }

  /**
   * Sets Redis's slow log to keep every command over the threshold, from now (what it held is left to it); null
   * when it cannot, Redis's settings as they were.
   */
  public static RedisSlowLog start(String redisUrl) {
    if (redisUrl == null || redisUrl.isBlank()) {
      return null;
    }
    RedisClient client = RedisClient.create(redisUrl);
    StatefulRedisConnection<String, String> c = null;
    Map<String, String> before = new TreeMap<>();
    try {
      c = client.connect();
      before.putAll(c.sync().configGet("slowlog-log-slower-than")); // one parameter a call: Redis 6 takes no more
      before.putAll(c.sync().configGet("slowlog-max-len"));
      long after = lastId(c.sync().slowlogGet(1));
      c.sync().configSet("slowlog-log-slower-than", Long.toString(THRESHOLD_MICROS));
      c.sync().configSet("slowlog-max-len", Integer.toString(KEPT));
      return new RedisSlowLog(client, c, before, after);
    } catch (RuntimeException e) {
      if (c != null) {
        restore(c, before);
        c.close();
      }
      client.shutdown();
      return null;
    }
  }

  private static long lastId(List<Object> newestFirst) {
    return !newestFirst.isEmpty() && newestFirst.get(0) instanceof List<?> e && !e.isEmpty()
        && e.get(0) instanceof Long id ? id : -1;
  }

  /** The entries since the start. */
  List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Object o : connection.sync().slowlogGet(KEPT)) {
      // [id, unix time, microseconds, [command, args...], client address, client name]
      if (o instanceof List<?> e && e.size() >= 4 && e.get(0) instanceof Long id && id > after
          && e.get(2) instanceof Long micros && e.get(3) instanceof List<?> args && !args.isEmpty()) {
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
    String head = "Redis's slow log (commands Redis took over " + THRESHOLD_MICROS / 1000
        + " ms to run, in the measured run): ";
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
          + "microseconds: its thread was most likely waiting for a core (the gateway's values are small), so the "
          + "machine, not a query, set the tail", constant.size(), worst / 1000.0));
    }
    return s.toString();
  }

  /** Puts Redis's slow-log settings back as they were, each that can be. */
  private static void restore(StatefulRedisConnection<String, String> c, Map<String, String> settings) {
    settings.forEach((parameter, value) -> {
      try {
        c.sync().configSet(parameter, value);
      } catch (RuntimeException ignored) {
        // a Redis gone (the run's own, stopped): nothing to put back
      }
    });
  }

  @Override
  public void close() {
    try {
      restore(connection, before);
    } finally {
      connection.close();
      client.shutdown();
    }
  }
}
