package fr.sesame.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The Redis of the tests: the server in {@code REDIS_URL} when set, otherwise a {@link LocalRedis} started
 * once for the whole test run (the artifact's binary first, else the machine's {@code redis-server}) and
 * stopped when the JVM exits. Tests never flush it: each works in keys of its own (random ids).
 *
 * <p>Beside the URL: a shared synchronous connection for tests that look at or tamper with what the code
 * under test stored, the {@code CLIENT LIST} of named connections, and waits on keyspace events
 * ({@link #keyEvents}, {@link #readUntil}) for tests that wait for something to change in Redis.
 */
public final class TestRedis {
  private static String url;
  private static RedisClient client;
  private static RedisCommands<String, String> sync;

  private TestRedis() {}

  /** The test Redis's URL, starting a local server on first use when {@code REDIS_URL} is not set. */
  public static synchronized String url() {
    if (url == null) {
      String env = System.getenv("REDIS_URL");
      if (env != null && !env.isBlank()) {
        url = env;
      } else {
        try {
          LocalRedis redis = LocalRedis.start();
          Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "stop-test-redis"));
          url = redis.url();
        } catch (RuntimeException e) {
          throw new IllegalStateException("no REDIS_URL and the embedded Redis did not start", e);
        }
      }
    }
    return url;
  }

  /**
   * The kit's Lettuce client, with no default server: connect it to a URL with
   * {@code client().connect(RedisURI.create(url))}. Shut down when the JVM exits.
   */
  public static synchronized RedisClient client() {
    if (client == null) {
      RedisClient c = RedisClient.create();
      Runtime.getRuntime().addShutdownHook(new Thread(c::shutdown, "stop-test-redis-client"));
      client = c;
    }
    return client;
  }

  /** A direct connection to {@link #url()}, for tests that look at or tamper with what was stored. */
  public static synchronized RedisCommands<String, String> sync() {
    if (sync == null) {
      sync = client().connect(RedisURI.create(url())).sync();
    }
    return sync;
  }

  /**
   * The clients Redis lists ({@code CLIENT LIST}) whose name starts with {@code namePrefix}: name to its fields
   * ({@code id}, {@code cmd}: the last command, ...), by name.
   */
  public static Map<String, Map<String, String>> clients(String namePrefix) {
    Map<String, Map<String, String>> clients = new TreeMap<>();
    for (String line : sync().clientList().split("\\r?\\n")) {
      Map<String, String> fields = new HashMap<>();
      for (String field : line.trim().split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
      String name = fields.getOrDefault("name", "");
      if (!name.isEmpty() && name.startsWith(namePrefix)) {
        clients.put(name, fields);
      }
    }
    return clients;
  }

  /**
   * Subscribes to the keyspace events of the keys {@code keyGlob} matches on the test Redis (see
   * {@link KeyEvents}). Close it when done.
   */
  public static KeyEvents keyEvents(String keyGlob) {
    return keyEvents(url(), keyGlob);
  }

  /** The same on the Redis at {@code redisUrl} (a test's own server, or a proxy in front of one). */
  public static KeyEvents keyEvents(String redisUrl, String keyGlob) {
    return KeyEvents.subscribe(client(), RedisURI.create(redisUrl), keyGlob);
  }

  /**
   * Reads with {@code read} until {@code done} accepts what it read: once now, then once after each change
   * Redis reports to a key that {@code keyGlob} matches, never more often and never in a loop of its own.
   * Subscribes before the first read, so a change between that read and the wait is not missed.
   *
   * @param redisUrl the Redis whose keys change (usually {@link #url()})
   * @param keyGlob  the keys whose changes may change what {@code read} sees, as a Redis glob (use
   *                 {@link #literal} for the parts that are data)
   * @param what     what the test waits for, for the failure message
   * @return the first read {@code done} accepted
   * @throws AssertionError if no read was accepted within {@code timeout}; it shows the last read
   */
  public static <T> T readUntil(String redisUrl, String keyGlob, Supplier<T> read, Predicate<? super T> done,
                                Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KeyEvents events = keyEvents(redisUrl, keyGlob)) {
      T last;
      while (true) {
        int seen = events.log().size();
        last = read.get();
        if (done.test(last)) {
          return last;
        }
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero() || !events.log().awaitMoreThan(seen, left)) {
          throw new AssertionError(what + ": not reached within " + Durations.text(timeout) + " and "
              + events.log().size() + " changes to keys matching " + keyGlob + "; last read: " + last);
        }
      }
    }
  }

  /** {@link #readUntil(String, String, Supplier, Predicate, Duration, String)} on the test Redis. */
  public static <T> T readUntil(String keyGlob, Supplier<T> read, Predicate<? super T> done, Duration timeout,
                                String what) {
    return readUntil(url(), keyGlob, read, done, timeout, what);
  }

  /** {@code text} with Redis's glob characters escaped, to match itself only inside a pattern. */
  public static String literal(String text) {
    return text.replaceAll("([\\\\*?\\[\\]])", "\\\\$1");
  }

  /** Opens a connection of its own to {@code redisUrl} (close it), for tests that need one. */
  public static StatefulRedisConnection<String, String> connect(String redisUrl) {
    return client().connect(RedisURI.create(redisUrl));
  }
}
