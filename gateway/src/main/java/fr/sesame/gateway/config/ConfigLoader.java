package fr.sesame.gateway.config;

import fr.sesame.gateway.crypto.HashPurpose;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.ratelimit.LimitPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the configuration once at start-up: an optional YAML file, then the environment, which wins.
 * Any bad value throws {@link IllegalArgumentException} naming the setting, and start-up stops.
 *
 * <pre>
 * http:    { port: 8080, host: 0.0.0.0, maxJsonBytes: 65536, maxRollBytes: 2147483648, forwarded: none, instances: 2 }
 * redis:   { url: "redis://127.0.0.1:6379", cluster: false, commandTimeout: PT2S, minReplicas: 0,
 *            replicaTimeout: PT0.5S }
 * lockout: { maxFailures: 5, unknownIdentifierTtl: PT24H }
 * otp:     { digits: 6, validity: PT5M, maxResends: 3, challengeTtl: PT30M, sendWait: PT2S }
 * session: { idleTimeout: PT30M }
 * channels: ...   (see ChannelsConfig)
 * limits:  { loginIp: {rate: 50, period: PT1S, burst: 500}, loginIpFailures, loginVoter, loginElection,
 *            phoneNumber, phoneNumberDay, phonePrefix, phoneCountry, phoneCountries: {FR: {...}},
 *            prefixDigits: 5, breakerCooldown: PT1H }   (see LimitsConfig for the defaults)
 * </pre>
 *
 * Environment: {@code SESAME_HTTP_PORT}, {@code REDIS_URL}, {@code SESAME_REDIS_CLUSTER},
 * {@code SESAME_HASH_KEY}, {@code SESAME_DATA_KEY}, {@code SESAME_API_KEYS}.
 */
public final class ConfigLoader {
  private static final Set<String> SECTIONS = Set.of("http", "redis", "lockout", "otp", "session", "channels", "outbox",
      "limits");
  private static final Set<String> SECRET_NAMES = Set.of("hashKey", "dataKey", "apiKeys", "password");

  private ConfigLoader() {}

  /** Loads from an optional YAML file and the given environment. */
  public static GatewayConfig load(Path yaml, Map<String, String> env, boolean devMode) {
    JsonNode root = MissingNode.getInstance();
    if (yaml != null) {
      try {
        root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(yaml));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read configuration file " + yaml + ": " + e.getMessage(), e);
      }
      if (root == null || root.isMissingNode() || root.isNull()) {
        root = MissingNode.getInstance();
      } else if (!root.isObject()) {
        throw new IllegalArgumentException("configuration file " + yaml + " must hold a mapping");
      }
      checkKnown(root);
    }
    HttpConfig d = HttpConfig.defaults();
    JsonNode h = root.path("http");
    int port = env.containsKey("SESAME_HTTP_PORT")
        ? parseInt("SESAME_HTTP_PORT", env.get("SESAME_HTTP_PORT"))
        : h.path("port").asInt(d.port());
    HttpConfig http = new HttpConfig(port, h.path("host").asText(d.host()),
        h.path("maxJsonBytes").asInt(d.maxJsonBytes()), h.path("maxRollBytes").asLong(d.maxRollBytes()),
        h.path("forwarded").asText(d.forwarded()), h.path("instances").asInt(d.instances()));

    JsonNode r = root.path("redis");
    String url = env.getOrDefault("REDIS_URL", r.path("url").asText(""));
    boolean cluster = env.containsKey("SESAME_REDIS_CLUSTER")
        ? Boolean.parseBoolean(env.get("SESAME_REDIS_CLUSTER"))
        : r.path("cluster").asBoolean(false);
    int minReplicas = env.containsKey("SESAME_REDIS_MIN_REPLICAS")
        ? integer(env.get("SESAME_REDIS_MIN_REPLICAS"), "SESAME_REDIS_MIN_REPLICAS")
        : r.path("minReplicas").asInt(0);
    Duration commandTimeout = duration(r, "redis.commandTimeout", "commandTimeout", Duration.ofSeconds(2));
    RedisConfig redis = new RedisConfig(devMode && url.isBlank() ? "embedded" : url, cluster, commandTimeout,
        minReplicas, duration(r, "redis.replicaTimeout", "replicaTimeout",
            RedisConfig.defaultReplicaTimeout(commandTimeout)));

    JsonNode l = root.path("lockout");
    LockoutConfig lockout = new LockoutConfig(l.path("maxFailures").asInt(LockoutConfig.DEFAULTS.maxFailures()),
        duration(l, "lockout.unknownIdentifierTtl", "unknownIdentifierTtl",
            LockoutConfig.DEFAULTS.unknownIdentifierTtl()));
    JsonNode o = root.path("otp");
    OtpConfig otp = new OtpConfig(o.path("digits").asInt(OtpConfig.DEFAULTS.digits()),
        duration(o, "otp.validity", "validity", OtpConfig.DEFAULTS.validity()),
        o.path("maxResends").asInt(OtpConfig.DEFAULTS.maxResends()),
        duration(o, "otp.challengeTtl", "challengeTtl", OtpConfig.DEFAULTS.challengeTtl()),
        duration(o, "otp.sendWait", "sendWait", OtpConfig.DEFAULTS.sendWait()));
    SessionConfig session = new SessionConfig(duration(root.path("session"), "session.idleTimeout", "idleTimeout",
        SessionConfig.DEFAULTS.idleTimeout()));

    byte[] hashKey = base64("SESAME_HASH_KEY", env.get("SESAME_HASH_KEY"));
    byte[] dataKey = base64("SESAME_DATA_KEY", env.get("SESAME_DATA_KEY"));
    if (hashKey == null || hashKey.length < 32) {
      throw new IllegalArgumentException("SESAME_HASH_KEY must be set to at least 32 random bytes, base64");
    }
    List<ApiKey> apiKeys = parseApiKeys(env.getOrDefault("SESAME_API_KEYS", ""), new KeyedHasher(hashKey));
    ChannelsConfig channels = ChannelsConfig.NONE;
    JsonNode c = root.path("channels");
    if (c.isObject()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> section = new ObjectMapper().convertValue(c, Map.class);
      channels = ChannelsConfig.fromMap(section, env);
    } else if (!c.isMissingNode() && !c.isNull()) {
      throw new IllegalArgumentException("channels must map channel names (email, sms, ...) to their chains");
    }
    JsonNode ob = root.path("outbox");
    OutboxConfig d0 = OutboxConfig.DEFAULTS;
    OutboxConfig outbox = new OutboxConfig(ob.path("maxInFlight").asInt(d0.maxInFlight()),
        ob.path("bulkShare").asDouble(d0.bulkShare()),
        duration(ob, "outbox.idlePoll", "idlePoll", d0.idlePoll()),
        duration(ob, "outbox.recoverAfter", "recoverAfter", d0.recoverAfter()),
        duration(ob, "outbox.recoverEvery", "recoverEvery", d0.recoverEvery()),
        duration(ob, "outbox.contentRetention", "contentRetention", d0.contentRetention()),
        duration(ob, "outbox.recordRetention", "recordRetention", d0.recordRetention()),
        duration(ob, "outbox.purgeEvery", "purgeEvery", d0.purgeEvery()),
        duration(ob, "outbox.reportPollEvery", "reportPollEvery", d0.reportPollEvery()),
        duration(ob, "outbox.reportPollFor", "reportPollFor", d0.reportPollFor()));
    return new GatewayConfig(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels,
        outbox, limits(root.path("limits")));
  }

  /**
   * Parses {@code role:key,role:key}. Keys must be at least 8 characters; each is kept as its keyed hash.
   */
  public static List<ApiKey> parseApiKeys(String spec, KeyedHasher hasher) {
    List<ApiKey> keys = new ArrayList<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int colon = part.indexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("SESAME_API_KEYS: each entry is role:key");
      }
      ApiKey.Role role = ApiKey.Role.parse(part.substring(0, colon));
      String key = part.substring(colon + 1).trim();
      if (key.length() < 8) {
        throw new IllegalArgumentException("SESAME_API_KEYS: a key must be at least 8 characters");
      }
      byte[] hash = hasher.hash(HashPurpose.API_KEY, key);
      String name = role.wireName() + "/" + java.util.HexFormat.of().formatHex(hash, 0, 4);
      keys.add(new ApiKey(role, name, hash));
    }
    return keys;
  }

  private static void checkKnown(JsonNode root) {
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (SECRET_NAMES.contains(name)) {
        throw new IllegalArgumentException("configuration file: '" + name + "' is a secret; set it in the environment");
      }
      if (!SECTIONS.contains(name)) {
        throw new IllegalArgumentException("configuration file: unknown section '" + name + "'");
      }
    }
  }

  private static LimitsConfig limits(JsonNode l) {
    LimitsConfig d = LimitsConfig.DEFAULTS;
    if (!l.isMissingNode() && !l.isNull() && !l.isObject()) {
      throw new IllegalArgumentException("limits must be a mapping");
    }
    Set<String> known = Set.of("loginIp", "loginIpFailures", "loginVoter", "loginElection", "phoneNumber",
        "phoneNumberDay", "phonePrefix", "phoneCountry", "phoneCountries", "prefixDigits", "breakerCooldown");
    for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException("limits: unknown setting '" + name + "'; known: " + new java.util.TreeSet<>(known));
      }
    }
    Map<String, LimitPolicy> countries = new java.util.HashMap<>(d.phoneCountries());
    JsonNode c = l.path("phoneCountries");
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      countries.put(e.getKey(), policy(c, e.getKey(), "limits.phoneCountries", d.phoneCountry()));
    }
    return new LimitsConfig(policy(l, "loginIp", "limits", d.loginIp()),
        policy(l, "loginIpFailures", "limits", d.loginIpFailures()), policy(l, "loginVoter", "limits", d.loginVoter()),
        policy(l, "loginElection", "limits", d.loginElection()), policy(l, "phoneNumber", "limits", d.phoneNumber()),
        policy(l, "phoneNumberDay", "limits", d.phoneNumberDay()), policy(l, "phonePrefix", "limits", d.phonePrefix()),
        policy(l, "phoneCountry", "limits", d.phoneCountry()), countries,
        l.path("prefixDigits").asInt(d.prefixDigits()),
        duration(l, "limits.breakerCooldown", "breakerCooldown", d.breakerCooldown()));
  }

  /** {@code {rate, period, burst}}; what is missing keeps the default's value, and so do its name and failure mode. */
  private static LimitPolicy policy(JsonNode section, String field, String label, LimitPolicy fallback) {
    JsonNode p = section.path(field);
    if (p.isMissingNode() || p.isNull()) {
      return fallback;
    }
    String where = label + "." + field;
    if (!p.isObject()) {
      throw new IllegalArgumentException(where + " must be {rate, period, burst}");
    }
    try {
      return new LimitPolicy(fallback.name(), p.path("rate").asLong(fallback.rate()),
          duration(p, where + ".period", "period", fallback.period()), p.path("burst").asLong(fallback.burst()),
          fallback.whenUnavailable());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static int integer(String value, String label) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(label + " must be a whole number");
    }
  }

  private static Duration duration(JsonNode section, String label, String field, Duration fallback) {
    JsonNode node = section.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return fallback;
    }
    try {
      return Duration.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(label + " must be an ISO-8601 duration such as PT5M", e);
    }
  }

  private static int parseInt(String label, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(label + " must be a number", e);
    }
  }

  private static byte[] base64(String label, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label + " must be base64", e);
    }
  }
}
