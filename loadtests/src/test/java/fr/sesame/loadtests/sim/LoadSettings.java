package fr.sesame.loadtests.sim;

import fr.sesame.loadtests.env.LoadEnvironment;
import java.nio.file.Path;

/**
 * A run's settings, from system properties (the Maven plugin passes them on): {@code sesame.rate}
 * (journeys per second at the plateau), {@code sesame.ramp} and {@code sesame.hold} (seconds),
 * {@code sesame.p99} (ms, the assertion), {@code sesame.voters} (0: enough for the run),
 * {@code sesame.url} (blank: start a gateway), {@code sesame.gatewayHeap}, {@code sesame.ips} (client
 * addresses voters come from), {@code sesame.warmup} (seconds of whole journeys before the run, so that
 * it measures a compiled gateway; 0 for none), {@code sesame.gateways} (how many gateway processes to start on
 * the same Redis; 1 by default).
 */
record LoadSettings(double rate, int ramp, int hold, int p99, long voters, String url, String heap, int ips,
                    Path gatewayJar, int warmUp, int gateways) {
  static LoadSettings fromSystem() {
    return fromSystem(Integer.parseInt(System.getProperty("sesame.hold", "15")));
  }

  /** With the plateau's length set by the simulation (e.g. as long as a campaign takes to submit). */
  static LoadSettings fromSystem(int hold) {
    double rate = Double.parseDouble(System.getProperty("sesame.rate", "20"));
    int ramp = Integer.parseInt(System.getProperty("sesame.ramp", "5"));
    long voters = Long.parseLong(System.getProperty("sesame.voters", "0"));
    if (voters <= 0) {
      voters = (long) Math.ceil(rate * (ramp / 2.0 + hold) * 1.2) + 100;
    }
    return new LoadSettings(rate, ramp, hold, Integer.parseInt(System.getProperty("sesame.p99", "50")), voters,
        System.getProperty("sesame.url", ""), System.getProperty("sesame.gatewayHeap", "512m"),
        Integer.parseInt(System.getProperty("sesame.ips", "2000")),
        Path.of(System.getProperty("sesame.gatewayJar", "../gateway/target/sesame-gateway.jar")),
        warmUp(0),
        Integer.parseInt(System.getProperty("sesame.gateways", "1")));
  }

  /** {@code sesame.warmup}, or {@code otherwise} when it is not set or blank (the Maven property's default). */
  static int warmUp(int otherwise) {
    String s = System.getProperty("sesame.warmup", "");
    return s.isBlank() ? otherwise : Integer.parseInt(s.trim());
  }

  LoadEnvironment start() {
    return start(true);
  }

  /** @param seal whether the election is sealed before the run ({@link LoadEnvironment#start}) */
  LoadEnvironment start(boolean seal) {
    try {
      return LoadEnvironment.start(url, voters, gatewayJar, heap, java.time.Duration.ofSeconds(warmUp), gateways,
          seal);
    } catch (Exception e) {
      throw new IllegalStateException("the load environment did not start: " + e.getMessage(), e);
    }
  }
}
