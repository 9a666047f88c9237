package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.LimitsConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.testkit.Http;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-address failure limit ({@code login-ip-failures}, 120 a minute, burst 120) holds when one address
 * guesses through two gateway instances on one Redis whose clocks differ by a few milliseconds, each serving
 * on two event loops: every request of a wave is in flight at once, on keep-alive connections spread over
 * both instances, while the clocks move. 45 s of gateway time pass on the test clocks (no sleeping).
 * A state written on the faster clock, read on the slower one, must read as a debt: it used to read as a
 * fresh limit, which restarted the whole burst.
 */
class LoginLimitUnderSkewTest {
  static final Duration SKEW = Duration.ofMillis(5);
  static final Duration RUN = Duration.ofSeconds(45);
  static final int IN_FLIGHT = 16;

  @RegisterExtension
  static final TestGateway ahead = new TestGateway(2);
  @RegisterExtension
  static final TestGateway behind = new TestGateway(2);

  @Test
  void wrongSecretsFromOneAddressStayWithinRateAndBurstAcrossEventLoopsAndSkewedInstances() {
    String el = ahead.openElection();
    Instant start = ahead.clock.instant();
    behind.clock.set(start.minus(SKEW));
    SplittableRandom random = new SplittableRandom(13);
    int guesses = 0;
    int accepted = 0;
    int refused = 0;
    while (Duration.between(start, ahead.clock.instant()).compareTo(RUN) < 0) {
      List<Future<Http.Res>> wave = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        TestGateway gw = i % 2 == 0 ? ahead : behind;
        JsonObject body = new JsonObject().put("identifier", "guess-" + guesses++).put("secret", "20230000")
            .put("channel", "email");
        wave.add(gw.http.async(HttpMethod.POST, "/v1/elections/" + el + "/login", null, "application/json",
            Buffer.buffer(body.encode())));
      }
      // the clocks move while the wave is in flight: some of its requests read them before, some after
      Instant now = ahead.clock.advance(Duration.ofNanos(random.nextLong(0, 120_000) * 1_000));
      behind.clock.set(now.minus(SKEW));
      for (Http.Res r : ahead.http.parallel(wave)) {
        assertThat(r.status()).as(r.body()).isIn(401, 429);
        if (r.status() == 401) {
          accepted++;
        } else {
          refused++;
        }
      }
    }
    LimitPolicy failures = LimitsConfig.DEFAULTS.loginIpFailures();
    Duration span = Duration.between(start.minus(SKEW), ahead.clock.instant()); // earliest to latest clock read
    long allowed = failures.burst() + span.toNanos() / 1_000 / failures.emissionIntervalMicros();
    assertThat(accepted).as("wrong secrets decided in %s of gateway time (%d refused), at most burst %d + %s at "
        + "%d us each", span, refused, failures.burst(), span, failures.emissionIntervalMicros())
        .isLessThanOrEqualTo((int) allowed);
    assertThat(accepted).as("the limit did let failures through as it refilled").isGreaterThan(
        (int) failures.burst());
  }
}
