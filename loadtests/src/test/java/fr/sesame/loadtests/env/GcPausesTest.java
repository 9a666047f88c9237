package fr.sesame.loadtests.env;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The generator's GC pauses as the run's summary tells them. */
class GcPausesTest {
  @Test
  void fewShortPausesAreToldWithoutAWarning() {
    try (GcPauses p = GcPauses.start()) {
      p.pause(0);
      p.pause(3);
      assertThat(p.summary()).startsWith("generator GC pauses: ").contains("longest ").doesNotContain("may be the");
    }
  }

  @Test
  void aLongPauseIsNamedAsWhatAP99NearItMayMeasure() {
    try (GcPauses p = GcPauses.start()) {
      p.pause(86);
      assertThat(p.summary()).contains("longest 86 ms, 1 over 50 ms")
          .contains("a 99th percentile near 86 ms may be the generator's, not the gateway's");
    }
  }

  @Test
  void aRealCollectionIsCounted() {
    try (GcPauses p = GcPauses.start()) {
      System.gc(); // a stop-the-world full collection under G1, a pause under every collector the JDK has
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!p.summary().matches("(?s)generator GC pauses: [1-9].*") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(p.summary()).matches("(?s)generator GC pauses: [1-9].*");
    }
  }
}
