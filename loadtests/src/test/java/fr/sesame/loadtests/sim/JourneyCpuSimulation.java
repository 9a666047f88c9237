package fr.sesame.loadtests.sim;

import fr.sesame.loadtests.env.LoadEnvironment;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The opening-peak journey (login, SMS code, verify, 2 introspections, émargement) in a closed model: {@code
 * sesame.users} voters at a time (16 by default), each followed by the next as it finishes, for {@code sesame.hold}
 * seconds, throttled to {@code sesame.rate} journeys a second (0: as fast as they go). It measures what a journey costs, not how many journeys the machine holds: the load never exceeds
 * what the machine answers, so a busy shared machine slows it down rather than making it collapse. Read the
 * gateway's CPU time over the run (scripts/cpu-per-journey.sh) and divide it by the émargements. Set
 * {@code sesame.voters} to more than the journeys the run will make.
 */
public class JourneyCpuSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.fromSystem();
  private final LoadEnvironment env = settings.start();
  private final int users = Integer.parseInt(System.getProperty("sesame.users", "16"));

  {
    int ramp = Math.max(1, settings.ramp());
    SetUp run = setUp(Journeys.voters("journey cost", env, settings).injectClosed(
        CoreDsl.rampConcurrentUsers(1).to(users).during(Duration.ofSeconds(ramp)),
        CoreDsl.constantConcurrentUsers(users).during(Duration.ofSeconds(settings.hold()))))
        .protocols(Journeys.protocol(env))
        .assertions(Journeys.noErrorsAndP99(settings));
    if (settings.rate() > 0) {
      // at most sesame.rate journeys a second (5 requests each): the cost of a journey depends on the rate (an
      // event loop woken for one request pays what it would share among several), so runs compare at one rate
      run.throttle(CoreDsl.reachRps((int) Math.round(settings.rate() * 5)).in(Duration.ofSeconds(ramp)),
          CoreDsl.holdFor(Duration.ofSeconds(settings.hold() + 60)));
    }
  }

  @Override
  public void after() {
    env.close();
  }
}
