package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import fr.sesame.loadtests.env.LoadEnvironment;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Opening morning: voters arrive on an open-model ramp up to {@code sesame.rate} journeys a second, hold it
 * for {@code sesame.hold} seconds; each does the whole journey (login, SMS code, verify; the platform
 * introspects twice and records the émargement: 5 requests). The run fails on any error, or when the
 * 99th percentile of all requests reaches {@code sesame.p99} ms.
 */
public class OpeningPeakSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.fromSystem();
  private final LoadEnvironment env = settings.start();

  {
    ScenarioBuilder voters = scenario("opening peak")
        .feed(Journeys.voters(env.voters(), settings.ips()))
        .exec(Journeys.login(env))
        .exec(Journeys.vote(env));
    setUp(voters.injectOpen(
            rampUsersPerSec(1).to(settings.rate()).during(Duration.ofSeconds(settings.ramp())),
            constantUsersPerSec(settings.rate()).during(Duration.ofSeconds(settings.hold()))))
        .protocols(Journeys.protocol(env))
        .assertions(global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(settings.p99()));
  }

  @Override
  public void after() {
    env.close();
  }
}
