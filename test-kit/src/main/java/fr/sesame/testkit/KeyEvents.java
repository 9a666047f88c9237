package fr.sesame.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * A subscription to Redis keyspace events ({@code __keyspace@<db>__:<key>}, whose message is the command,
 * e.g. {@code hset}) for the keys a glob matches: what a test waits on instead of reading a key again and
 * again. Subscribing turns keyspace events on in that Redis ({@code CONFIG SET notify-keyspace-events} with
 * {@code K} and {@code A} added to what is already set) and leaves them on, as another test JVM may be
 * listening: an event published per write, a cost for a test Redis only. Events come in on the subscription's
 * own connection and go to {@link #log()}.
 */
public final class KeyEvents implements AutoCloseable {
  /** One change: the key and the event (the command's name, {@code expired}, {@code del}...). */
  public record Event(String key, String event) {
    @Override
    public String toString() {
      return event + " " + key;
    }
  }

  private static final String PREFIX = "__keyspace@*__:";
  private final StatefulRedisPubSubConnection<String, String> connection;
  private final EventLog<Event> log = new EventLog<>();

  private KeyEvents(StatefulRedisPubSubConnection<String, String> connection) {
    this.connection = connection;
  }

  static KeyEvents subscribe(RedisClient client, RedisURI redis, String keyGlob) {
    enableKeyspaceEvents(client, redis);
    StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub(redis);
    KeyEvents events = new KeyEvents(connection);
    connection.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String pattern, String channel, String message) {
        int at = channel.indexOf("__:");
        events.log.add(new Event(at < 0 ? channel : channel.substring(at + 3), message));
      }
    });
    try {
      connection.sync().psubscribe(PREFIX + keyGlob); // returns once Redis confirmed the subscription
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
    return events;
  }

  /** The events so far, and the place to wait for the next ones. */
  public EventLog<Event> log() {
    return log;
  }

  private static void enableKeyspaceEvents(RedisClient client, RedisURI redis) {
    try (StatefulRedisConnection<String, String> c = client.connect(redis)) {
      String flags = c.sync().configGet("notify-keyspace-events").getOrDefault("notify-keyspace-events", "");
      if (!flags.contains("K") || !flags.contains("A")) {
        c.sync().configSet("notify-keyspace-events", flags + "KA");
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not turn keyspace events on in " + redis + " (CONFIG SET "
          + "notify-keyspace-events KA): tests wait on them; allow CONFIG on the test Redis", e);
    }
  }

  @Override
  public void close() {
    connection.close();
  }
}
