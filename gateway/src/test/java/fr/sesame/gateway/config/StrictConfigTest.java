package fr.sesame.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import fr.sesame.channels.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, point 6: the file is bound strictly. An unknown key, a value of the wrong type or out of range stops
 * start-up, every problem is reported at once with its path (and the known name a near miss resembles), the
 * missing environment variables together.
 */
class StrictConfigTest {
  @TempDir
  Path dir;

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("SESAME_HASH_KEY", Base64.getEncoder().encodeToString(new byte[32]));
    env.put("SESAME_DATA_KEY", Base64.getEncoder().encodeToString(new byte[32]));
    env.put("SESAME_EVIDENCE_KEY", fr.sesame.gateway.crypto.EvidenceKey.generate().pkcs8());
    env.put("SESAME_API_KEYS", "admin:admin-key-1");
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put("SESAME_HTTP_PLAIN", "true"); // serve refuses plain HTTP unless told (HttpsTest)
    return env;
  }

  private ConfigException problems(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("sesame.yaml");
    Files.writeString(file, yaml);
    return catchThrowableOfType(() -> ConfigLoader.load(file, env, false), ConfigException.class);
  }

  @Test
  void wronglyTypedMisspeltAndOutOfRangeValuesAreAllReportedAtOnceWithTheirPaths() throws Exception {
    ConfigException e = problems(String.join("\n",
        "http: {port: abc}",
        "lockout: {maxFailures: \"five\"}",
        "otp: {digits: \"six\", digit: 6}",
        "session: {idleTimeout: 30 minutes}",
        "outbox: {bulkShare: 2}",
        "limits: {prefixDigits: 12, loginIp: {rate: 1.5}}",
        "htp: {}",
        ""), env());
    assertThat(e).isNotNull();
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "http.port: must be a whole number, not \"abc\"",
        "lockout.maxFailures: must be a whole number, not \"five\"",
        "otp.digits: must be a whole number, not \"six\"",
        "otp.digit: unknown setting 'digit'; did you mean 'digits'? (known: challengeTtl, digits, maxResends, "
            + "sendWait, validity)",
        "session.idleTimeout: must be an ISO-8601 duration such as PT5M or P1D, not \"30 minutes\"",
        "outbox.maxInFlight must be at least 1 and outbox.bulkShare in (0, 1]",
        "limits.prefixDigits must be 2..9",
        "limits.loginIp.rate: must be a whole number, not 1.5",
        "htp: unknown section 'htp'; did you mean 'http'? (known: admission, channels, http, limits, lockout, oidc, "
            + "otp, outbox, redis, session)");
    assertThat(e.getMessage()).startsWith("9 problems:\n  - ");
  }

  @Test
  void quotedNumbersAndBooleansAreNotCoerced() throws Exception {
    ConfigException e = problems("http: {port: \"8080\", instances: 2.0}\nredis: {cluster: \"false\"}\n", env());
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "http.port: must be a whole number, not \"8080\"",
        "http.instances: must be a whole number, not 2.0",
        "redis.cluster: must be true or false, not \"false\"");
  }

  @Test
  void everyMissingEnvironmentVariableIsListedAtOnce() {
    ConfigException e = catchThrowableOfType(() -> ConfigLoader.load(null, Map.of(), false), ConfigException.class);
    assertThat(e.missingEnvironment())
        .containsExactly("REDIS_URL", "SESAME_HASH_KEY", "SESAME_DATA_KEY", "SESAME_API_KEYS", "SESAME_EVIDENCE_KEY");
    assertThat(e.getMessage()).contains("environment: missing variables REDIS_URL (")
        .contains("SESAME_HASH_KEY (at least 32 random bytes, base64)")
        .contains("SESAME_DATA_KEY (exactly 32 random bytes, base64)");
  }

  @Test
  void missingProviderSecretsAreListedWithTheOthers() throws Exception {
    Map<String, String> env = env();
    env.remove("SESAME_DATA_KEY");
    ConfigException e = problems(String.join("\n",
        "channels:",
        "  sms:",
        "    chain: [ovh]",
        "    providers:",
        "      ovh: { type: ovh-sms, serviceName: sms-1, sender: SESAME }",
        ""), env);
    assertThat(e.missingEnvironment()).containsExactly("SESAME_DATA_KEY", "SESAME_PROVIDER_OVH_APPLICATION_KEY",
        "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "SESAME_PROVIDER_OVH_CONSUMER_KEY");
  }

  @Test
  void aMisspeltProviderOptionIsNamedAsUnknownNotAsAnotherMissing() throws Exception {
    Map<String, String> env = env();
    env.put("SESAME_PROVIDER_MAILJET_SMS_API_TOKEN", "t");
    ConfigException e = problems(String.join("\n",
        "channels:",
        "  sms:",
        "    chain: [mailjet-sms]",
        "    providers:",
        "      mailjet-sms: { type: mailjet-sms, sendr: SESAME, attempts: two }",
        ""), env);
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0)).startsWith("channels.sms.providers.mailjet-sms.sendr: unknown option 'sendr' "
        + "of mailjet-sms; did you mean 'sender'?");
    assertThat(e.problems().get(1)).isEqualTo("channels.sms.providers.mailjet-sms.attempts: must be a whole number, "
        + "not \"two\"");
  }

  @Test
  void aRedisUrlOfAnotherSchemeNamesRedisUrlAndTheAcceptedSchemes() throws Exception {
    Map<String, String> env = env();
    env.put("REDIS_URL", "http://user:pw@cache.example:6379");
    ConfigException e = catchThrowableOfType(() -> ConfigLoader.load(null, env, false), ConfigException.class);
    assertThat(e.getMessage()).startsWith("REDIS_URL: 'http://***@cache.example:6379' is not a Redis URI: scheme "
            + "'http' is not one of Redis; use redis://, rediss://, redis-sentinel://, rediss-sentinel://")
        .doesNotContain("pw");
    env.remove("REDIS_URL");
    assertThat(problems("redis: {url: \"cache.example:6379\"}\n", env).getMessage())
        .startsWith("redis.url: 'cache.example:6379' is not a Redis URI: no scheme");
    env.put("REDIS_URL", "redis-sentinel://h1:26379,h2:26379/0#mymaster");
    assertThat(ConfigLoader.load(null, env, false).redis().url()).startsWith("redis-sentinel://");
  }

  @Test
  void badEnvironmentValuesNameTheirVariable() {
    Map<String, String> env = env();
    env.put("SESAME_HTTP_PORT", "80a");
    env.put("SESAME_REDIS_MIN_REPLICAS", "-1");
    env.put("SESAME_API_KEYS", "root:abcdefghij");
    ConfigException e = catchThrowableOfType(() -> ConfigLoader.load(null, env, false), ConfigException.class);
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "SESAME_HTTP_PORT: must be a whole number from 0 to 65535, not \"80a\"",
        "SESAME_REDIS_MIN_REPLICAS: must be a whole number from 0 to 16, not \"-1\"",
        "SESAME_API_KEYS: unknown API key role 'root' (admin, support or platform)");
  }

  @Test
  void theDocumentedExamplesStillLoadToTheDefaults() throws Exception {
    Path file = dir.resolve("readme.yaml");
    Files.writeString(file, String.join("\n",
        "http:    { port: 8080, host: 0.0.0.0, maxJsonBytes: 65536, maxRollBytes: 2147483648, forwarded: none, "
            + "instances: 2 }",
        "redis:   { url: \"redis://127.0.0.1:6379\", commandTimeout: PT2S, minReplicas: 0, replicaTimeout: PT0.5S }",
        "lockout: { maxFailures: 5, unknownIdentifierTtl: PT24H }",
        "otp:     { digits: 6, validity: PT5M, maxResends: 3, challengeTtl: PT30M, sendWait: PT2S }",
        "outbox:  { maxInFlight: 256, bulkShare: 0.25, idlePoll: PT0.02S, recoverAfter: PT5S, recoverEvery: PT1S,",
        "           contentRetention: PT48H, recordRetention: P90D, purgeEvery: PT1M, reportPollEvery: PT10S,",
        "           reportPollFor: PT30M }",
        "session: { idleTimeout: PT30M }",
        "limits:  { loginIp: {rate: 50, period: PT1S, burst: 500}, loginIpFailures: {rate: 120, period: PT1M, "
            + "burst: 120},",
        "           phoneCountries: {FR: {rate: 2000, period: PT1S, burst: 20000}}, prefixDigits: 5, "
            + "breakerCooldown: PT1H }",
        "channels:",
        "  email:",
        "    chain: [smtp, mailjet, ses]",
        "    providers:",
        "      smtp:    { type: smtp, host: smtp.example.fr, port: 587, starttls: required, username: sesame, "
            + "from: \"no-reply@example.fr\", maxPoolSize: 64, maxConcurrent: 1000 }",
        "      mailjet: { type: mailjet-email, from: \"no-reply@example.fr\" }",
        "      ses:     { type: ses, region: eu-west-3, from: \"no-reply@example.fr\" }",
        "  sms:",
        "    chain: [ovh, mailjet-sms]",
        "    providers:",
        "      ovh:         { type: ovh-sms, endpoint: \"https://eu.api.ovh.com/1.0\", serviceName: sms-ab12345-1, "
            + "sender: SESAME, timeout: PT3S }",
        "      mailjet-sms: { type: mailjet-sms, sender: SESAME }",
        "  voice:",
        "    chain: [aws-voice]",
        "    providers:",
        "      aws-voice:   { type: aws-voice, originationIdentity: \"+33100000000\" }",
        ""));
    Map<String, String> env = env();
    for (String secret : new String[] {"SMTP_PASSWORD", "MAILJET_API_KEY", "MAILJET_API_SECRET", "SES_ACCESS_KEY_ID",
        "SES_SECRET_ACCESS_KEY", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY",
        "MAILJET_SMS_API_TOKEN", "AWS_VOICE_ACCESS_KEY_ID", "AWS_VOICE_SECRET_ACCESS_KEY"}) {
      env.put("SESAME_PROVIDER_" + secret, "x");
    }
    GatewayConfig c = ConfigLoader.load(file, env, false);
    assertThat(c.otp()).isEqualTo(OtpConfig.DEFAULTS);
    assertThat(c.lockout()).isEqualTo(LockoutConfig.DEFAULTS);
    assertThat(c.outbox()).isEqualTo(OutboxConfig.DEFAULTS);
    assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
    assertThat(c.http().maxRollBytes()).isEqualTo(HttpConfig.defaults().maxRollBytes());
    assertThat(c.channels().providers()).hasSize(6);
    // no file, no channels: every default
    GatewayConfig none = ConfigLoader.load(null, env(), false);
    assertThat(none.http()).isEqualTo(HttpConfig.defaults());
    assertThat(none.session()).isEqualTo(SessionConfig.DEFAULTS);
  }
}
