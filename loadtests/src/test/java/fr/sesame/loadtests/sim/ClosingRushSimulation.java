package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import fr.sesame.loadtests.env.LoadEnvironment;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The hour before closing: the opening-peak journey, but 20 % of voters ask for the code again, 15 % first
 * type a wrong secret, and 2 % lock their account (five wrong secrets: the fifth answers 423), are unlocked
 * by support, and then vote. Every status is checked: the run fails on any unexpected one, or when the
 * 99th percentile reaches {@code sesame.p99} ms.
 */
public class ClosingRushSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.fromSystem();
  private final LoadEnvironment env = settings.start();

  {
    ScenarioBuilder voters = scenario("closing rush")
        .feed(Journeys.voters(env, settings.ips()))
        .doIf(s -> s.getInt("kind") >= 80 && s.getInt("kind") < 95).then(Journeys.wrongSecret(env, 401))
        .doIf(s -> s.getInt("kind") >= 95 && s.getInt("kind") < 97).then(
            repeat(4).on(Journeys.wrongSecret(env, 401)).exec(Journeys.wrongSecret(env, 423))
                .exec(Journeys.unlock(env)))
        .exec(Journeys.start(env))
        .doIf(s -> s.getInt("kind") >= 60 && s.getInt("kind") < 80).then(exec(Journeys.resend(env)))
        .exec(Journeys.verify(env))
        .exec(Journeys.vote(env));
    setUp(voters.injectOpen(Journeys.arrivals(settings)))
        .protocols(Journeys.protocol(env))
        .assertions(Journeys.noErrorsAndP99(settings));
  }

  @Override
  public void after() {
    env.close();
  }
}
