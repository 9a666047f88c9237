package fr.sesame.loadtests.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run's CPU summary names the saturated process (issue 17, point 5). */
class ProcessCpuTest {
  private static Map<String, List<Double>> cores(double gateway, double redis, double generator) {
    Map<String, List<Double>> m = new LinkedHashMap<>();
    m.put("gateway", List.of(gateway, gateway));
    m.put("redis", List.of(redis, redis));
    m.put("generator", List.of(generator, generator));
    return m;
  }

  @Test
  void redisNearAWholeCoreIsTheBottleneck() {
    assertThat(ProcessCpu.of(cores(0.8, 0.95, 0.3), List.of(0.7)).summary())
        .contains("SATURATED: redis").contains("redis     (pid 0): mean 0.95, peak 0.95 over 2 s");
  }

  @Test
  void aBusyMachineNamesTheProcessThatUsedTheMostEvenTheGenerator() {
    assertThat(ProcessCpu.of(cores(0.6, 0.4, 0.95), List.of(0.97, 0.99)).summary())
        .contains("SATURATED: the machine").contains("was generator — the load generator, not the gateway");
    assertThat(ProcessCpu.of(cores(1.3, 0.4, 0.2), List.of(0.95)).summary())
        .contains("SATURATED: the machine").contains("was gateway").doesNotContain("load generator, not");
  }

  @Test
  void aMachineBusyWithOtherProcessesIsSaidSo() {
    assertThat(ProcessCpu.of(cores(0.2, 0.05, 0.1), List.of(0.99)).summary())
        .contains("SATURATED: the machine, mostly by OTHER processes (this run's used 0.35 of the 1.98 busy cores)");
  }

  @Test
  void aCalmRunSaysNothingWasSaturated() {
    assertThat(ProcessCpu.of(cores(0.5, 0.2, 0.1), List.of(0.4)).summary())
        .contains("no process saturated (the busiest, gateway, used 0.50 cores)");
  }

  @Test
  void readsTheCpuTimeOfALiveProcess() {
    assertThat(ProcessCpu.ticks(ProcessHandle.current().pid())).as("this JVM has used some CPU").isPositive();
    assertThat(ProcessCpu.ticks(Long.MAX_VALUE)).isEqualTo(-1);
  }
}
