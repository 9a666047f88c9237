package fr.sesame.gateway.config;

import java.time.Duration;
import java.util.Map;

/**
 * The configuration file as written, bound by Jackson ({@link StrictYaml}): one public field per key, null when
 * the file does not set it (the record's default then applies). What each setting means and its default are
 * told on the records ({@link HttpConfig}, {@link RedisConfig}, ...); the ranges are checked there too.
 * These classes are the file's schema: a key that is not a field here is refused as unknown.
 */
final class ConfigFile {
  public Http http;
  public Redis redis;
  public Lockout lockout;
  public Otp otp;
  public Session session;
  /** Checked by {@link fr.sesame.channels.config.ChannelsConfig} against each provider type's options. */
  public Map<String, Object> channels;
  public Outbox outbox;
  public Limits limits;
  public Oidc oidc;
  public Admission admission;

  /** {@link AdmissionConfig}. */
  static final class Admission {
    public Boolean enabled;
    public Double maxRate;
    public Double minRate;
    public Integer burst;
    public Duration maxLoopDelay;
    public Duration maxLatency;
    public Integer maxInFlight;
    public Duration adjustEvery;
    public Duration ticketTtl;
    public Duration maxWait;
  }

  /** {@link OidcConfig}. */
  static final class Oidc {
    public String issuer;
    public Duration codeTtl;
    public Duration idTokenTtl;
    public Duration flowTtl;
  }

  /** {@link HttpConfig}. */
  static final class Http {
    public Integer port;
    public String host;
    public Integer maxJsonBytes;
    public Long maxRollBytes;
    public String forwarded;
    public Integer instances;
    public Tls tls;
    /** True to serve plain HTTP on purpose (behind a TLS-terminating proxy, or on loopback). */
    public Boolean plain;
  }

  /** {@link TlsConfig}. */
  static final class Tls {
    public String cert;
    public String key;
    public Duration checkEvery;
  }

  /** {@link RedisConfig}. */
  static final class Redis {
    public String url;
    public Boolean cluster;
    public Duration commandTimeout;
    public Integer minReplicas;
    public Duration replicaTimeout;
  }

  /** {@link LockoutConfig}. */
  static final class Lockout {
    public Integer maxFailures;
    public Duration unknownIdentifierTtl;
    public Integer massAlertPerMinute;
  }

  /** {@link OtpConfig}. */
  static final class Otp {
    public Integer digits;
    public Duration validity;
    public Integer maxResends;
    public Duration challengeTtl;
    public Duration sendWait;
  }

  /** {@link SessionConfig}. */
  static final class Session {
    public Duration idleTimeout;
  }

  /** {@link OutboxConfig}. */
  static final class Outbox {
    public Integer maxInFlight;
    public Double bulkShare;
    public Duration idlePoll;
    public Duration recoverAfter;
    public Duration recoverEvery;
    public Duration contentRetention;
    public Duration recordRetention;
    public Duration purgeEvery;
    public Duration reportPollEvery;
    public Duration reportPollFor;
  }

  /** {@link LimitsConfig}. */
  static final class Limits {
    public Policy loginIp;
    public Policy loginIpFailures;
    public Policy loginVoter;
    public Policy loginElection;
    public Policy phoneNumber;
    public Policy phoneNumberDay;
    public Policy phonePrefix;
    public Policy phoneCountry;
    public Map<String, Policy> phoneCountries;
    public Integer prefixDigits;
    public Duration breakerCooldown;
  }

  /** One {@link fr.sesame.ratelimit.LimitPolicy}: what is not set keeps the default policy's value. */
  static final class Policy {
    public Long rate;
    public Duration period;
    public Long burst;
  }
}
