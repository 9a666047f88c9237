package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import fr.sesame.loadtests.env.LoadEnvironment;
import fr.sesame.loadtests.env.Voters;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Attacks beside normal voters, who must not notice:
 * <ul>
 * <li>credential stuffing from 3 addresses (wrong secrets on identifiers of the roll): 401 until the
 *     per-address failure limit answers 429;
 * <li>SMS pumping with a stolen platform key: codes to consecutive numbers of one block (outside the
 *     roll): accepted until the block's breaker trips, then 429.
 * </ul>
 * The normal voters' requests must all succeed and keep their 99th percentile under {@code sesame.p99}; the
 * attacks must have been stopped (429s seen), or the run fails.
 */
public class AbuseSimulation extends Simulation {
  private static final AtomicLong STUFFING_429 = new AtomicLong();
  private static final AtomicLong PUMPING_429 = new AtomicLong();
  private static final AtomicLong PUMPING_ACCEPTED = new AtomicLong();
  private final LoadSettings settings = LoadSettings.fromSystem();
  private final LoadEnvironment env = settings.start();

  {
    Random random = new Random(7);
    AtomicLong pumpSerial = new AtomicLong();
    ScenarioBuilder voters = Journeys.voters("voters", env, settings);
    ScenarioBuilder stuffers = scenario("credential stuffing")
        .feed(Stream.generate(() -> Map.<String, Object>of("identifier",
            Voters.identifier(env.firstVoter() + random.nextInt((int) Math.max(1, env.voters()))),
            "ip", "203.0.113." + (1 + random.nextInt(3)))).iterator())
        .exec(http("stuffing").post("/v1/elections/" + env.electionId() + "/login").header("X-Forwarded-For", "#{ip}")
            .body(StringBody("{\"identifier\":\"#{identifier}\",\"secret\":\"GUESS1234\",\"channel\":\"sms\"}"))
            .check(status().in(401, 423, 429).saveAs("status")))
        .exec(s -> {
          if (s.getInt("status") == 429) {
            STUFFING_429.incrementAndGet();
          }
          return s;
        });
    ScenarioBuilder pumpers = scenario("sms pumping")
        .exec(s -> s.set("to", Voters.outsideRoll(0, pumpSerial.getAndIncrement())))
        .exec(http("pumping").post("/v1/notifications").header("Authorization", "Bearer " + env.platformKey())
            .body(StringBody("{\"channel\":\"sms\",\"to\":\"#{to}\",\"template\":\"login-code\",\"idempotencyKey\":\"#{to}\","
                + "\"data\":{\"code\":\"000000\",\"codeSpoken\":\"0\",\"minutes\":\"5\"}}"))
            .check(status().in(202, 429).saveAs("status")))
        .exec(s -> {
          (s.getInt("status") == 429 ? PUMPING_429 : PUMPING_ACCEPTED).incrementAndGet();
          return s;
        });
    Duration hold = Duration.ofSeconds(settings.hold());
    setUp(
        voters.injectOpen(Journeys.arrivals(settings)),
        stuffers.injectOpen(constantUsersPerSec(60).during(hold)),
        pumpers.injectOpen(constantUsersPerSec(5).during(hold)))
        .protocols(Journeys.protocol(env))
        .assertions(Journeys.votersUnaffected(settings));
  }

  @Override
  public void after() {
    System.out.printf("Abuse: stuffing refused by the rate limit %d times; pumping: %d accepted, %d refused%n",
        STUFFING_429.get(), PUMPING_ACCEPTED.get(), PUMPING_429.get());
    env.close();
    if (STUFFING_429.get() == 0 || PUMPING_429.get() == 0) {
      throw new IllegalStateException("an attack was never stopped: the guards did not engage");
    }
  }
}
