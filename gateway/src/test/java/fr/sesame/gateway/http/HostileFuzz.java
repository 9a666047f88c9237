package fr.sesame.gateway.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * What the hostile-request fuzz tests share, whatever the wire ({@link HostileRequestFuzzTest}: HTTP/1.1 on raw
 * sockets; {@link HostileH2RequestFuzzTest}: HTTP/2 over TLS): the canaries the requests carry, the routes, the
 * bad bodies, what makes an answer wrong, the log captured at INFO, and the Redis keyspace before and after.
 */
final class HostileFuzz {
  private HostileFuzz() {}

  /** Carried by the hostile requests; none may reach the log. */
  static final String SECRET = "CanarySecret7731";
  static final String CODE = "918273";
  static final String EMAIL = "canary.fuzz@univ-test.fr";
  static final String PHONE = "+33611223344";
  static final String NATIONAL = "0611223344";
  static final String TOKEN = "CanaryToken9f8e7d6c5b4a";
  static final List<String> CANARIES = List.of(SECRET, CODE, EMAIL, PHONE, NATIONAL, TOKEN,
      "611223344", TestGateway.ADMIN, TestGateway.SUPPORT, TestGateway.PLATFORM);

  /** Valid JSON, but with a field no route takes. */
  static final String INVALID = "{\"identifier\":\"bruno\",\"secret\":\"" + SECRET
      + "\",\"channel\":\"email\",\"code\":\"" + CODE + "\",\"unexpected\":true}";

  /** An answer: status, headers with lower-case names, body. */
  record Answer(int status, Map<String, String> headers, String body) {}

  /** A route: method, path with its parameters in place, and whether it reads a JSON body. */
  record Route(String method, String path, boolean json) {}

  // ---------------------------------------------------------------------------------------------- routes

  static List<Route> routes(String el, String challenge) {
    String voter = "/v1/support/elections/" + el + "/voters/bruno";
    return List.of(
        new Route("POST", "/v1/elections/" + el + "/login", true),
        new Route("POST", "/v1/elections/" + el + "/login/" + challenge + "/verify", true),
        new Route("POST", "/v1/elections/" + el + "/login/" + challenge + "/resend", true),
        new Route("POST", "/v1/introspect", true),
        new Route("POST", "/v1/sessions/logout", true),
        new Route("POST", "/v1/elections/" + el + "/emargements", true),
        new Route("GET", "/v1/elections/" + el + "/emargements", false),
        new Route("POST", "/v1/notifications", true),
        new Route("GET", "/v1/notifications/" + java.util.UUID.randomUUID(), false),
        new Route("GET", "/v1/webhooks/ovh-sms/" + TOKEN, false),
        new Route("POST", "/v1/webhooks/mailjet/" + TOKEN, true),
        new Route("GET", voter, false),
        new Route("POST", voter + "/unlock", true),
        new Route("PUT", "/v1/admin/elections/" + el, true),
        new Route("GET", "/v1/admin/elections/" + el, false),
        new Route("POST", "/v1/admin/elections/" + el + "/voters", false),
        // a roll import job is recorded only once a valid header line is read: none of these bodies has one
        new Route("POST", "/v1/admin/elections/" + el + "/imports", false),
        new Route("GET", "/v1/admin/elections/" + el + "/imports/" + java.util.UUID.randomUUID(), false),
        new Route("GET", "/v1/admin/elections/" + el + "/imports/" + java.util.UUID.randomUUID() + "/report.csv",
            false),
        new Route("GET", "/v1/admin/elections/" + el + "/audit", false),
        new Route("GET", "/v1/admin/elections/" + el + "/audit/verify", false),
        new Route("GET", "/health/live", false),
        new Route("GET", "/health/ready", false),
        new Route("GET", "/metrics", false),
        new Route("GET", "/dev/outbox", false),
        new Route("GET", "/nowhere/" + SECRET, false));
  }
  static final String[] CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
      "text/plain", "application/json; charset=ISO-8859-1", "application/xml", "application/json", "application/json",
      "APPLICATION/JSON", "application/jsonp", "*/*", "application/json;;;", "text/csv", ""};

  static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
      "PROPFIND", "FOO", "get", "X-" + SECRET};
  static String insertInPath(Random r, String target, String what) {
    int slash = target.indexOf('/', 1 + r.nextInt(Math.max(1, target.length() - 1)));
    return slash < 0 ? target + what : target.substring(0, slash) + what + target.substring(slash);
  }

  static String replaceSegment(Random r, String target, String segment) {
    String[] parts = target.split("/", -1);
    if (parts.length < 3) {
      return target + "/" + segment;
    }
    parts[2 + r.nextInt(parts.length - 2)] = segment.replace(" ", "%20");
    return String.join("/", parts);
  }

  static byte[] badJson(Random r) {
    String[] bodies = {
        "{\"identifier\":\"bruno\",\"secret\":\"" + SECRET + "\",\"channel\":\"email\",\"admin\":true}",
        "{\"identifier\":\"bruno\",\"secret\":" + Long.MAX_VALUE + "9999,\"channel\":\"email\"}",
        "[".repeat(5_000) + "]".repeat(5_000),
        "{\"a\":" + "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_001),
        "{\"identifier\":\"bruno\",\"secret\":\"" + SECRET + "\"", "{\"code\":\"" + CODE + "\"} trailing",
        "{\"token\":\"" + TOKEN + "\",\"token\":\"" + TOKEN + "\"}", "null", "\"" + EMAIL + "\"", "{\"channel\":7}",
        "{\"to\":\"" + PHONE + "\",\"channel\":\"sms\",\"template\":\"" + "t".repeat(100) + "\"}",
        "{\"to\":\"" + EMAIL + "\",\"channel\":\"email\",\"template\":\"login-code\",\"data\":{\"code\":\"" + CODE + "\"}}",
        "{\"reason\":\"" + "r".repeat(10_000) + "\"}", "{\"identifier\":\"\u0000\",\"secret\":\"\uD800\"}",
        "x".repeat(200_000)};
    String b = bodies[r.nextInt(bodies.length)];
    byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
    if (r.nextInt(6) == 0 && bytes.length > 3) { // not UTF-8
      bytes[bytes.length / 2] = (byte) 0xC3;
      bytes[bytes.length / 2 + 1] = (byte) 0x28;
    }
    return bytes;
  }
  // ---------------------------------------------------------------------------------------------- answers

  /** Why the answer is wrong, or null when it is a success or a problem+json error below 500. */
  static String problemFailure(boolean head, Answer a) {
    if (a.status() >= 500) {
      return a.status() + " " + abbreviate(a.body());
    }
    if (a.status() < 400) {
      return null;
    }
    String type = a.headers().getOrDefault("content-type", "");
    if (!type.startsWith("application/problem+json")) {
      return a.status() + " with content type '" + type + "'";
    }
    if (head) {
      return null;
    }
    try {
      JsonObject p = new JsonObject(a.body());
      if (p.getInteger("status", -1) != a.status() || p.getString("type") == null
          || !p.getString("instance", "").startsWith("urn:request:")) {
        return a.status() + " with a problem missing status, type or instance: " + abbreviate(a.body());
      }
    } catch (RuntimeException e) {
      return a.status() + " with a body that is not JSON: " + abbreviate(a.body());
    }
    return null;
  }

  static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  // ---------------------------------------------------------------------------------------------- log

  /** The root logger's output replaced by a list, at INFO (the production level), until {@link #stop}. */
  static final class LogCapture {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final List<Appender<ILoggingEvent>> others = new ArrayList<>();
    private final Level level = root.getLevel();

    LogCapture() {
      captured.start();
      root.iteratorForAppenders().forEachRemaining(others::add);
      others.forEach(root::detachAppender);
      root.addAppender(captured);
      root.setLevel(Level.INFO);
    }

    /**
     * A copy of the events so far: the gateway's threads append while a test reads (ListAppender appends under
     * the appender's own lock, AppenderBase.doAppend, so the copy is taken under it).
     */
    List<ILoggingEvent> events() {
      synchronized (captured) {
        return new ArrayList<>(captured.list);
      }
    }

    /**
     * The lines at ERROR or holding a canary, each whole. A canary is looked for outside the request ids (random UUIDs:
     * one held the digits of {@link #CODE} once, "…2c7d29182739", and failed a run on nothing).
     */
    List<String> offending() {
      return events().stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " "
          + e.getFormattedMessage() + throwableText(e.getThrowableProxy()))
          .filter(l -> l.startsWith("ERROR") || CANARIES.stream().anyMatch(withoutIds(l)::contains)).toList();
    }

    private static final java.util.regex.Pattern UUID =
        java.util.regex.Pattern.compile("\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");

    static String withoutIds(String line) {
      return UUID.matcher(line).replaceAll("<id>");
    }

    long accessLines() {
      return events().stream().filter(e -> e.getLoggerName().equals("fr.sesame.gateway.access")).count();
    }

    void stop() {
      root.detachAppender(captured);
      others.forEach(a -> {
        if (root.getAppender(a.getName()) == null) {
          root.addAppender(a);
        }
      });
      root.setLevel(level);
    }
  }

  static String throwableText(IThrowableProxy t) {
    StringBuilder s = new StringBuilder();
    for (IThrowableProxy p = t; p != null; p = p.getCause()) {
      s.append(" | ").append(p.getClassName()).append(": ").append(p.getMessage());
      var frames = p.getStackTraceElementProxyArray();
      for (int i = 0; i < Math.min(6, frames.length); i++) {
        s.append(" @ ").append(frames[i].getSTEAsString());
      }
    }
    return s.toString();
  }
  // ---------------------------------------------------------------------------------------------- state

  /** Keys that change or go by themselves (TTLs, the dispatchers' bookkeeping), not by a request. */
  static boolean expires(String key) {
    return key.startsWith("gw:{nt}:s:") || key.startsWith("gw:{nt}:poll") || key.contains(":lease");
  }

  /**
   * Every key's serialised value (DUMP), hashed: what the requests may not change. A page of keys at a time, its
   * DUMPs and TTLs sent together (pipelined): the shared test Redis may hold tens of thousands of keys.
   */
  static Map<String, String> snapshot(String redisUrl) throws Exception {
    Map<String, String> out = new TreeMap<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (var strings = TestRedis.connect(redisUrl);
         var bytes = TestRedis.client().connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE,
             io.lettuce.core.RedisURI.create(redisUrl))) {
      var redis = strings.sync();
      var async = bytes.async();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.limit(1_000));
        List<String> keys = page.getKeys().stream().filter(k -> !expires(k)).toList();
        List<io.lettuce.core.RedisFuture<byte[]>> dumps = new ArrayList<>();
        List<io.lettuce.core.RedisFuture<Long>> ttls = new ArrayList<>();
        for (String k : keys) {
          byte[] key = k.getBytes(StandardCharsets.UTF_8);
          dumps.add(async.dump(key));
          ttls.add(async.pttl(key));
        }
        for (int i = 0; i < keys.size(); i++) {
          byte[] dump = dumps.get(i).get(10, java.util.concurrent.TimeUnit.SECONDS);
          if (dump != null) {
            // a key with a TTL may expire during the run: its going is no request's doing
            out.put(keys.get(i), (ttls.get(i).get(10, java.util.concurrent.TimeUnit.SECONDS) > 0 ? "expiring " : "")
                + Base64.getEncoder().encodeToString(sha.digest(dump)));
          }
        }
        cursor = page;
      } while (!cursor.isFinished());
    }
    return out;
  }

  /**
   * The keyspace once background work is over (the login's code sent, its outcome and audit event written):
   * two snapshots 300 ms apart that agree. Settling of work that has no single event to wait on.
   */
  static Map<String, String> settled(String redisUrl) throws Exception {
    Map<String, String> last = snapshot(redisUrl);
    for (int i = 0; i < 40; i++) {
      Thread.sleep(300);
      Map<String, String> now = snapshot(redisUrl);
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the keyspace did not settle within 12 s");
  }

  /** The keys {@code after} created or changed, and those it lost that were not expiring. */
  static Map<String, String> changes(Map<String, String> before, Map<String, String> after) {
    Map<String, String> changed = new TreeMap<>();
    after.forEach((k, v) -> {
      if (!v.equals(before.get(k))) {
        changed.put(k, before.containsKey(k) ? "changed" : "created");
      }
    });
    before.keySet().stream().filter(k -> !after.containsKey(k) && !before.get(k).startsWith("expiring "))
        .forEach(k -> changed.put(k, "deleted"));
    return changed;
  }
}
