package fr.sesame.gateway.config;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.config.ConfigException;
import fr.sesame.channels.config.ConfigProblems;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.ratelimit.LimitPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads the configuration once at start-up: an optional YAML file, then the environment, which wins.
 * The file is bound strictly ({@link StrictYaml}): an unknown key, a value of the wrong type (a quoted number,
 * {@code five}) or out of range stops start-up. Every problem is gathered first and reported at once in one
 * {@link ConfigException}, each naming its path ({@code otp.digits}) or variable, a near miss with the known
 * name it resembles, and all the missing environment variables together.
 *
 * <pre>
 * http:    { port: 8080, host: 0.0.0.0, maxJsonBytes: 65536, maxRollBytes: 2147483648, forwarded: none, instances: 2,
 *            tls: { cert: /etc/sesame/tls/cert.pem, key: /etc/sesame/tls/key.pem, checkEvery: PT5S } }
 *          (or plain: true instead of tls, to serve plain HTTP on purpose)
 * redis:   { url: "redis://127.0.0.1:6379", cluster: false, commandTimeout: PT2S, minReplicas: 0,
 *            replicaTimeout: PT0.5S }
 * lockout: { maxFailures: 5, unknownIdentifierTtl: PT24H }
 * otp:     { digits: 6, validity: PT5M, maxResends: 3, challengeTtl: PT30M, sendWait: PT2S }
 * session: { idleTimeout: PT30M }
 * oidc:    { issuer: "https://sesame.example.fr", codeTtl: PT60S, idTokenTtl: PT5M, flowTtl: PT15M }
 * channels: ...   (see ChannelsConfig)
 * limits:  { loginIp: {rate: 50, period: PT1S, burst: 500}, loginIpFailures, loginVoter, loginElection,
 *            phoneNumber, phoneNumberDay, phonePrefix, phoneCountry, phoneCountries: {FR: {...}},
 *            prefixDigits: 5, breakerCooldown: PT1H }   (see LimitsConfig for the defaults)
 * </pre>
 *
 * Environment: {@code SESAME_HTTP_PORT}, {@code SESAME_TLS_CERT}, {@code SESAME_TLS_KEY}, {@code SESAME_HTTP_PLAIN},
 * {@code SESAME_OIDC_ISSUER}, {@code SESAME_ADMISSION_ENABLED}, {@code REDIS_URL}, {@code SESAME_REDIS_CLUSTER}, {@code SESAME_REDIS_MIN_REPLICAS}, {@code SESAME_HASH_KEY},
 * {@code SESAME_DATA_KEY}, {@code SESAME_API_KEYS}, {@code SESAME_EVIDENCE_KEY}, {@code SESAME_EVIDENCE_DIR},
 * and the providers' secrets ({@code SESAME_PROVIDER_<NAME>_<OPTION>}).
 */
public final class ConfigLoader {
  /** The URI schemes Lettuce connects with. */
  static final List<String> REDIS_SCHEMES = List.of("redis", "rediss", "redis-sentinel", "rediss-sentinel",
      "redis-socket", "redis+socket", "redis+ssl", "redis+tls");

  private ConfigLoader() {}

  /**
   * Loads from an optional YAML file and the given environment.
   *
   * @param devMode true for {@code dev}: no Redis URL means the embedded one
   * @throws ConfigException listing every problem found, when there is one
   */
  public static GatewayConfig load(Path yaml, Map<String, String> env, boolean devMode) {
    ConfigProblems problems = new ConfigProblems();
    ConfigFile file = yaml == null ? new ConfigFile() : new StrictYaml().read(yaml, problems);
    HttpConfig http = build(problems, () -> http(orNew(file.http, ConfigFile.Http::new), env, devMode, problems));
    RedisConfig redis = redis(orNew(file.redis, ConfigFile.Redis::new), env, devMode, problems);
    ConfigFile.Lockout l = orNew(file.lockout, ConfigFile.Lockout::new);
    LockoutConfig d1 = LockoutConfig.DEFAULTS;
    LockoutConfig lockout = build(problems, () -> new LockoutConfig(or(l.maxFailures, d1.maxFailures()),
        or(l.unknownIdentifierTtl, d1.unknownIdentifierTtl()), or(l.massAlertPerMinute, d1.massAlertPerMinute())));
    ConfigFile.Otp o = orNew(file.otp, ConfigFile.Otp::new);
    OtpConfig d2 = OtpConfig.DEFAULTS;
    OtpConfig otp = build(problems, () -> new OtpConfig(or(o.digits, d2.digits()), or(o.validity, d2.validity()),
        or(o.maxResends, d2.maxResends()), or(o.challengeTtl, d2.challengeTtl()), or(o.sendWait, d2.sendWait())));
    ConfigFile.Session se = orNew(file.session, ConfigFile.Session::new);
    SessionConfig session = build(problems, () -> new SessionConfig(or(se.idleTimeout,
        SessionConfig.DEFAULTS.idleTimeout())));
    ConfigFile.Outbox ob = orNew(file.outbox, ConfigFile.Outbox::new);
    OutboxConfig d0 = OutboxConfig.DEFAULTS;
    OutboxConfig outbox = build(problems, () -> new OutboxConfig(or(ob.maxInFlight, d0.maxInFlight()),
        or(ob.bulkShare, d0.bulkShare()), or(ob.idlePoll, d0.idlePoll()), or(ob.recoverAfter, d0.recoverAfter()),
        or(ob.recoverEvery, d0.recoverEvery()), or(ob.contentRetention, d0.contentRetention()),
        or(ob.recordRetention, d0.recordRetention()), or(ob.purgeEvery, d0.purgeEvery()),
        or(ob.reportPollEvery, d0.reportPollEvery()), or(ob.reportPollFor, d0.reportPollFor())));
    LimitsConfig limits = limits(orNew(file.limits, ConfigFile.Limits::new), problems);
    ConfigFile.Oidc oi = orNew(file.oidc, ConfigFile.Oidc::new);
    OidcConfig d3 = OidcConfig.DEFAULTS;
    String issuer = env.containsKey("SESAME_OIDC_ISSUER") ? env.get("SESAME_OIDC_ISSUER").strip() : oi.issuer;
    OidcConfig oidc = build(problems, () -> new OidcConfig(issuer == null || issuer.isEmpty() ? null : issuer,
        or(oi.codeTtl, d3.codeTtl()), or(oi.idTokenTtl, d3.idTokenTtl()), or(oi.flowTtl, d3.flowTtl())));
    AdmissionConfig admission = admission(orNew(file.admission, ConfigFile.Admission::new), env, problems);

    byte[] hashKey = key(env, "SESAME_HASH_KEY", "at least 32 random bytes, base64", problems);
    if (hashKey != null && hashKey.length < 32) {
      problems.add("SESAME_HASH_KEY", "must be at least 32 random bytes, base64 (it holds " + hashKey.length + ")");
      hashKey = null;
    }
    byte[] dataKey = key(env, "SESAME_DATA_KEY", "exactly 32 random bytes, base64", problems);
    if (dataKey != null && dataKey.length != 32) {
      problems.add("SESAME_DATA_KEY", "must be exactly 32 random bytes, base64 (it holds " + dataKey.length + ")");
    }
    List<ApiKey> apiKeys = List.of();
    String apiKeySpec = env.getOrDefault("SESAME_API_KEYS", "");
    if (apiKeySpec.isBlank()) {
      problems.missingEnv("SESAME_API_KEYS", "the service clients' keys, role:key,role:key");
    } else if (hashKey != null) {
      try {
        apiKeys = parseApiKeys(apiKeySpec, new KeyedHasher(hashKey));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage().startsWith("SESAME_API_KEYS") ? e.getMessage() : "SESAME_API_KEYS: " + e.getMessage());
      }
    }
    ChannelsConfig channels = file.channels == null ? ChannelsConfig.NONE
        : ChannelsConfig.fromMap(file.channels, env, problems);
    EvidenceConfig evidence = evidence(env, problems);
    problems.throwIfAny();
    byte[] hk = hashKey;
    byte[] dk = dataKey;
    List<ApiKey> keys = apiKeys;
    GatewayConfig config = build(problems, () -> new GatewayConfig(http, redis, hk, dk, keys, lockout, otp, session,
        devMode, channels, outbox, limits, oidc, evidence, admission));
    problems.throwIfAny();
    return config;
  }

  /** The admission control: the file's {@code admission} block, {@code SESAME_ADMISSION_ENABLED} over its switch. */
  private static AdmissionConfig admission(ConfigFile.Admission a, Map<String, String> env, ConfigProblems problems) {
    AdmissionConfig d = AdmissionConfig.DEFAULTS;
    boolean enabled = or(a.enabled, d.enabled());
    if (env.containsKey("SESAME_ADMISSION_ENABLED")) {
      String v = env.get("SESAME_ADMISSION_ENABLED").trim();
      if (v.equals("true") || v.equals("false")) {
        enabled = Boolean.parseBoolean(v);
      } else {
        problems.add("SESAME_ADMISSION_ENABLED", "must be true or false, not \"" + v + "\"");
      }
    }
    boolean on = enabled;
    return build(problems, () -> new AdmissionConfig(on, or(a.maxRate, d.maxRate()), or(a.minRate, d.minRate()),
        or(a.burst, d.burst()), or(a.maxLoopDelay, d.maxLoopDelay()), or(a.maxLatency, d.maxLatency()),
        or(a.maxInFlight, d.maxInFlight()), or(a.adjustEvery, d.adjustEvery()), or(a.ticketTtl, d.ticketTtl()),
        or(a.maxWait, d.maxWait())));
  }

  /** {@code SESAME_EVIDENCE_KEY} (required) and {@code SESAME_EVIDENCE_DIR}; null once a problem is recorded. */
  private static EvidenceConfig evidence(Map<String, String> env, ConfigProblems problems) {
    String key = env.get("SESAME_EVIDENCE_KEY");
    if (key == null || key.isBlank()) {
      problems.missingEnv("SESAME_EVIDENCE_KEY", "the Ed25519 key that signs audit checkpoints and evidence "
          + "bundles, PKCS#8, base64");
      return null;
    }
    fr.sesame.gateway.crypto.EvidenceKey parsed;
    try {
      parsed = fr.sesame.gateway.crypto.EvidenceKey.fromPkcs8(key);
    } catch (IllegalArgumentException e) {
      problems.add("SESAME_EVIDENCE_KEY", e.getMessage());
      return null;
    }
    String dir = env.getOrDefault("SESAME_EVIDENCE_DIR", "").strip();
    Path path = dir.isEmpty() ? EvidenceConfig.DEFAULT_DIR : Path.of(dir);
    if (Files.exists(path) && !Files.isDirectory(path)) {
      problems.add("SESAME_EVIDENCE_DIR", "is not a directory: " + path.toAbsolutePath());
      return null;
    }
    return new EvidenceConfig(parsed, path, EvidenceConfig.DEFAULT_EVERY);
  }

  private static HttpConfig http(ConfigFile.Http h, Map<String, String> env, boolean devMode,
                                 ConfigProblems problems) {
    HttpConfig d = HttpConfig.defaults();
    Integer port = h.port;
    if (env.containsKey("SESAME_HTTP_PORT")) {
      port = envInteger(env, "SESAME_HTTP_PORT", 0, 65535, problems);
    }
    String forwarded = or(h.forwarded, d.forwarded());
    ConfigFile.Tls t = orNew(h.tls, ConfigFile.Tls::new);
    String cert = env.containsKey("SESAME_TLS_CERT") ? env.get("SESAME_TLS_CERT") : t.cert;
    String key = env.containsKey("SESAME_TLS_KEY") ? env.get("SESAME_TLS_KEY") : t.key;
    boolean plain = or(h.plain, false);
    if (env.containsKey("SESAME_HTTP_PLAIN")) {
      String v = env.get("SESAME_HTTP_PLAIN").trim();
      if (v.equals("true") || v.equals("false")) {
        plain = Boolean.parseBoolean(v);
      } else {
        problems.add("SESAME_HTTP_PLAIN", "must be true or false, not \"" + v + "\"");
      }
    }
    TlsConfig tls = null;
    if (cert != null || key != null || h.tls != null) {
      Path certPath = pem(cert, env.containsKey("SESAME_TLS_CERT") ? "SESAME_TLS_CERT" : "http.tls.cert",
          "the certificate chain", problems);
      Path keyPath = pem(key, env.containsKey("SESAME_TLS_KEY") ? "SESAME_TLS_KEY" : "http.tls.key",
          "its private key", problems);
      if (certPath != null && keyPath != null) {
        tls = build(problems, () -> new TlsConfig(certPath, keyPath, or(t.checkEvery, TlsConfig.DEFAULT_CHECK_EVERY)));
      }
      if (plain) {
        problems.add("http.plain", "is true while http.tls is set: serve HTTPS (http.tls) or plain HTTP "
            + "(http.plain), not both");
      }
    } else if (!devMode && !plain && forwarded.equals("none")) {
      // the processing record promises TLS on every connection: plain HTTP is never a default in serve
      problems.add("http.tls", "serve speaks HTTPS: set http.tls {cert, key} (or SESAME_TLS_CERT and SESAME_TLS_KEY) "
          + "to the PEM certificate and key; behind a proxy that terminates TLS set http.forwarded to the headers it "
          + "overwrites (forward, x-forward or all), or http.plain: true (SESAME_HTTP_PLAIN=true) to serve plain HTTP "
          + "on purpose");
    }
    TlsConfig tlsConfig = tls;
    return new HttpConfig(or(port, d.port()), or(h.host, d.host()), or(h.maxJsonBytes, d.maxJsonBytes()),
        or(h.maxRollBytes, d.maxRollBytes()), forwarded, or(h.instances, d.instances()), tlsConfig);
  }

  /** A PEM file that must be there and readable: its path, or null once the problem is recorded. */
  private static Path pem(String file, String source, String what, ConfigProblems problems) {
    if (file == null || file.isBlank()) {
      problems.add(source, "is required with http.tls: the PEM file of " + what);
      return null;
    }
    Path path = Path.of(file.trim());
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      problems.add(source, "cannot read the PEM file of " + what + " at " + path.toAbsolutePath());
      return null;
    }
    return path;
  }

  private static RedisConfig redis(ConfigFile.Redis r, Map<String, String> env, boolean devMode,
                                   ConfigProblems problems) {
    String source = env.containsKey("REDIS_URL") ? "REDIS_URL" : "redis.url";
    String url = env.containsKey("REDIS_URL") ? env.get("REDIS_URL") : r.url;
    if (url == null || url.isBlank()) {
      if (devMode) {
        url = "embedded";
      } else {
        problems.missingEnv("REDIS_URL", "the Redis URI such as redis://host:6379, or redis.url in the file");
        return null;
      }
    } else if (!redisSchemesOk(source, url, problems)) {
      return null;
    }
    boolean cluster = or(r.cluster, false);
    if (env.containsKey("SESAME_REDIS_CLUSTER")) {
      String v = env.get("SESAME_REDIS_CLUSTER").trim();
      if (v.equals("true") || v.equals("false")) {
        cluster = Boolean.parseBoolean(v);
      } else {
        problems.add("SESAME_REDIS_CLUSTER", "must be true or false, not \"" + v + "\"");
      }
    }
    Integer minReplicas = r.minReplicas;
    if (env.containsKey("SESAME_REDIS_MIN_REPLICAS")) {
      minReplicas = envInteger(env, "SESAME_REDIS_MIN_REPLICAS", 0, 16, problems);
    }
    Duration commandTimeout = or(r.commandTimeout, Duration.ofSeconds(2));
    String u = url;
    boolean c = cluster;
    int replicas = or(minReplicas, 0);
    return build(problems, () -> new RedisConfig(u, c, commandTimeout, replicas,
        or(r.replicaTimeout, RedisConfig.defaultReplicaTimeout(commandTimeout))));
  }

  /**
   * Whether every URI of {@code url} (a cluster's seeds are separated by commas) has a scheme Lettuce knows;
   * a bad one is named with {@code source} ({@code REDIS_URL} or {@code redis.url}) and the accepted schemes.
   */
  private static boolean redisSchemesOk(String source, String url, ConfigProblems problems) {
    boolean ok = true;
    String[] parts = url.split(",");
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      int sep = p.indexOf("://");
      if (sep < 0 && i > 0) {
        continue; // another host of a Sentinel URI: redis-sentinel://h1:26379,h2:26379/0#mymaster
      }
      String scheme = sep < 0 ? "" : p.substring(0, sep).toLowerCase(Locale.ROOT);
      if (!REDIS_SCHEMES.contains(scheme)) {
        problems.add(source, "'" + p.replaceAll("//[^@/]*@", "//***@") + "' is not a Redis URI: "
            + (scheme.isEmpty() ? "no scheme" : "scheme '" + scheme + "' is not one of Redis") + "; use "
            + String.join("://, ", REDIS_SCHEMES) + ":// (e.g. redis://host:6379, rediss:// for TLS)");
        ok = false;
      }
    }
    return ok;
  }

  private static LimitsConfig limits(ConfigFile.Limits l, ConfigProblems problems) {
    LimitsConfig d = LimitsConfig.DEFAULTS;
    Map<String, LimitPolicy> countries = new HashMap<>(d.phoneCountries());
    if (l.phoneCountries != null) {
      l.phoneCountries.forEach((region, p) -> {
        LimitPolicy policy = policy(p, "limits.phoneCountries." + region, d.phoneCountry(), problems);
        if (policy != null) {
          countries.put(region, policy);
        }
      });
    }
    LimitPolicy loginIp = policy(l.loginIp, "limits.loginIp", d.loginIp(), problems);
    LimitPolicy loginIpFailures = policy(l.loginIpFailures, "limits.loginIpFailures", d.loginIpFailures(), problems);
    LimitPolicy loginVoter = policy(l.loginVoter, "limits.loginVoter", d.loginVoter(), problems);
    LimitPolicy loginElection = policy(l.loginElection, "limits.loginElection", d.loginElection(), problems);
    LimitPolicy phoneNumber = policy(l.phoneNumber, "limits.phoneNumber", d.phoneNumber(), problems);
    LimitPolicy phoneNumberDay = policy(l.phoneNumberDay, "limits.phoneNumberDay", d.phoneNumberDay(), problems);
    LimitPolicy phonePrefix = policy(l.phonePrefix, "limits.phonePrefix", d.phonePrefix(), problems);
    LimitPolicy phoneCountry = policy(l.phoneCountry, "limits.phoneCountry", d.phoneCountry(), problems);
    return build(problems, () -> new LimitsConfig(or(loginIp, d.loginIp()), or(loginIpFailures, d.loginIpFailures()),
        or(loginVoter, d.loginVoter()), or(loginElection, d.loginElection()), or(phoneNumber, d.phoneNumber()),
        or(phoneNumberDay, d.phoneNumberDay()), or(phonePrefix, d.phonePrefix()), or(phoneCountry, d.phoneCountry()),
        countries, or(l.prefixDigits, d.prefixDigits()), or(l.breakerCooldown, d.breakerCooldown())));
  }

  /** {@code {rate, period, burst}}; what is missing keeps the default's value, and so do its name and failure mode. */
  private static LimitPolicy policy(ConfigFile.Policy p, String path, LimitPolicy fallback, ConfigProblems problems) {
    if (p == null) {
      return fallback;
    }
    try {
      return new LimitPolicy(fallback.name(), or(p.rate, fallback.rate()), or(p.period, fallback.period()),
          or(p.burst, fallback.burst()), fallback.whenUnavailable());
    } catch (IllegalArgumentException e) {
      problems.add(path, e.getMessage());
      return null;
    }
  }

  /** Builds one record; its constructor's complaint (which names the setting) becomes a problem. */
  private static <T> T build(ConfigProblems problems, Supplier<T> record) {
    try {
      return record.get();
    } catch (ConfigException e) {
      e.problems().forEach(problems::add);
      return null;
    } catch (IllegalArgumentException | NullPointerException e) {
      problems.add(e.getMessage());
      return null;
    }
  }

  private static Integer envInteger(Map<String, String> env, String name, int min, int max, ConfigProblems problems) {
    String v = env.get(name).trim();
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name, "must be a whole number from " + min + " to " + max + ", not \"" + v + "\"");
    return null;
  }

  private static byte[] key(Map<String, String> env, String name, String what, ConfigProblems problems) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      problems.missingEnv(name, what);
      return null;
    }
    try {
      return Base64.getDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      problems.add(name, "must be base64 (" + what + ")");
      return null;
    }
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static <T> T orNew(T value, Supplier<T> empty) {
    return value != null ? value : empty.get();
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
}
