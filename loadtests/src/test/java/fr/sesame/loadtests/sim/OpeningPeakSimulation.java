package fr.sesame.loadtests.sim;


import fr.sesame.loadtests.env.LoadEnvironment;
import io.gatling.javaapi.core.Simulation;

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
    setUp(Journeys.voters("opening peak", env, settings).injectOpen(Journeys.arrivals(settings)))
        .protocols(Journeys.protocol(env))
        .assertions(Journeys.noErrorsAndP99(settings));
  }

  @Override
  public void after() {
    env.close();
  }
}
