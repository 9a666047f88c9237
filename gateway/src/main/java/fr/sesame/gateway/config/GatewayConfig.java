package fr.sesame.gateway.config;

import fr.sesame.channels.config.ChannelsConfig;
import java.util.List;
import java.util.Objects;

/**
 * Everything the gateway reads at start-up, validated. Secrets ({@code hashKey}, {@code dataKey}, API keys)
 * come from the environment only, never from the YAML file.
 *
 * @param http     the HTTP server
 * @param redis    the Redis connection
 * @param hashKey  32+ byte key of every keyed hash (secrets, codes, tokens, API keys, pseudonyms); env
 *                 {@code SESAME_HASH_KEY}, base64
 * @param dataKey  32-byte AES-256-GCM key of personal data at rest; env {@code SESAME_DATA_KEY}, base64
 * @param apiKeys  service clients' keys; env {@code SESAME_API_KEYS} ({@code role:key,role:key})
 * @param lockout  account lockout
 * @param otp      one-time codes
 * @param session  voter sessions
 * @param devMode  true in {@code dev}: mounts {@code /dev/*}
 * @param channels notification providers and their chains; {@link ChannelsConfig#NONE} for none
 * @param outbox   the durable notification outbox
 * @param limits   rate limits of the login routes and caps of paid sends
 * @param oidc     the OpenID Connect provider and the hosted login pages
 * @param evidence the evidence key and the checkpoints' directory
 * @param admission admission control of new logins at the door (issue 17, point 1)
 */
public record GatewayConfig(
    HttpConfig http,
    RedisConfig redis,
    byte[] hashKey,
    byte[] dataKey,
    List<ApiKey> apiKeys,
    LockoutConfig lockout,
    OtpConfig otp,
    SessionConfig session,
    boolean devMode,
    ChannelsConfig channels,
    OutboxConfig outbox,
    LimitsConfig limits,
    OidcConfig oidc,
    EvidenceConfig evidence,
    AdmissionConfig admission) {

  /** With the default admission control. */
  public GatewayConfig(HttpConfig http, RedisConfig redis, byte[] hashKey, byte[] dataKey, List<ApiKey> apiKeys,
                       LockoutConfig lockout, OtpConfig otp, SessionConfig session, boolean devMode,
                       ChannelsConfig channels, OutboxConfig outbox, LimitsConfig limits, OidcConfig oidc,
                       EvidenceConfig evidence) {
    this(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox, limits, oidc,
        evidence, AdmissionConfig.DEFAULTS);
  }

  /** With a fresh evidence key and checkpoint directory ({@link EvidenceConfig#ephemeral()}): tests and tools. */
  public GatewayConfig(HttpConfig http, RedisConfig redis, byte[] hashKey, byte[] dataKey, List<ApiKey> apiKeys,
                       LockoutConfig lockout, OtpConfig otp, SessionConfig session, boolean devMode,
                       ChannelsConfig channels, OutboxConfig outbox, LimitsConfig limits, OidcConfig oidc) {
    this(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox, limits, oidc,
        EvidenceConfig.ephemeral());
  }

  /** With the default provider settings (no issuer: no provider in serve mode). */
  public GatewayConfig(HttpConfig http, RedisConfig redis, byte[] hashKey, byte[] dataKey, List<ApiKey> apiKeys,
                       LockoutConfig lockout, OtpConfig otp, SessionConfig session, boolean devMode,
                       ChannelsConfig channels, OutboxConfig outbox, LimitsConfig limits) {
    this(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox, limits,
        OidcConfig.DEFAULTS);
  }

  /** With the default limits. */
  public GatewayConfig(HttpConfig http, RedisConfig redis, byte[] hashKey, byte[] dataKey, List<ApiKey> apiKeys,
                       LockoutConfig lockout, OtpConfig otp, SessionConfig session, boolean devMode,
                       ChannelsConfig channels, OutboxConfig outbox) {
    this(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox,
        LimitsConfig.DEFAULTS);
  }

  public GatewayConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(lockout, "lockout");
    Objects.requireNonNull(otp, "otp");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(oidc, "oidc");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(admission, "admission");
    if (hashKey == null || hashKey.length < 32) {
      throw new IllegalArgumentException("SESAME_HASH_KEY must be set to at least 32 random bytes, base64");
    }
    if (dataKey == null || dataKey.length != 32) {
      throw new IllegalArgumentException("SESAME_DATA_KEY must be set to exactly 32 random bytes, base64");
    }
    apiKeys = List.copyOf(Objects.requireNonNull(apiKeys, "apiKeys"));
    if (apiKeys.isEmpty()) {
      throw new IllegalArgumentException("SESAME_API_KEYS must name at least one key (role:key,...)");
    }
  }

  /** A copy with another Redis URL (dev mode points it at the embedded server). */
  public GatewayConfig withRedisUrl(String url) {
    return new GatewayConfig(http, redis.withUrl(url), hashKey,
        dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox, limits, oidc, evidence, admission);
  }

  /** A copy listening on another port. */
  public GatewayConfig withPort(int port) {
    return new GatewayConfig(http.withPort(port), redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode,
        channels, outbox, limits, oidc, evidence, admission);
  }

  /** A copy with other limits. */
  public GatewayConfig withLimits(LimitsConfig other) {
    return new GatewayConfig(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox,
        other, oidc, evidence, admission);
  }

  /** A copy with other provider settings. */
  public GatewayConfig withOidc(OidcConfig other) {
    return new GatewayConfig(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox,
        limits, other, evidence, admission);
  }

  /** A copy with another admission control. */
  public GatewayConfig withAdmission(AdmissionConfig other) {
    return new GatewayConfig(http, redis, hashKey, dataKey, apiKeys, lockout, otp, session, devMode, channels, outbox,
        limits, oidc, evidence, other);
  }

  @Override
  public String toString() {
    return "GatewayConfig[http=" + http + ", redis=" + redis + ", apiKeys=" + apiKeys.size() + ", lockout=" + lockout
        + ", otp=" + otp + ", session=" + session + ", devMode=" + devMode + ", channels=" + channels.chains() + "]";
  }
}
