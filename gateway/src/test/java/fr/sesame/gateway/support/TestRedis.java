package fr.sesame.gateway.support;

import fr.sesame.gateway.dev.EmbeddedRedis;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Redis of the tests: the one in {@code REDIS_URL} when set, otherwise an embedded one started once for
 * the whole test run. Tests never flush it: each works in elections of its own (random ids).
 */
public final class TestRedis {
  private static String url;
  private static RedisCommands<String, String> sync;
  private static RedisAccess access;

  private TestRedis() {}

  public static synchronized String url() {
    if (url == null) {
      String env = System.getenv("REDIS_URL");
      if (env != null && !env.isBlank()) {
        url = env;
      } else {
        try {
          EmbeddedRedis redis = EmbeddedRedis.start();
          Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
          url = redis.url();
        } catch (Exception e) {
          throw new IllegalStateException("no REDIS_URL and the embedded Redis did not start", e);
        }
      }
    }
    return url;
  }

  /** A direct connection, for tests that look at or tamper with what the gateway stored. */
  public static synchronized RedisCommands<String, String> sync() {
    if (sync == null) {
      sync = RedisClient.create(url()).connect().sync();
    }
    return sync;
  }

  /** One connection as the stores use it, for tests that call a store directly (its scripts' tests). */
  public static synchronized RedisAccess access() {
    if (access == null) {
      access = new RedisAccess(RedisClient.create(url()).connect().async());
    }
    return access;
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
}
