package fr.sesame.testkit;

import java.time.Duration;

/** How the kit's failure messages write a duration: "15 s", "700 ms". */
final class Durations {
  private Durations() {}

  static String text(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
