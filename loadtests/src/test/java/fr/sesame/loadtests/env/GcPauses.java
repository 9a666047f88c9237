package fr.sesame.loadtests.env;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The load generator's own garbage-collection pauses during a run (issue 17, point 5): Gatling measures an answer
 * from its own clock, so a pause of this JVM delays every answer it is waiting for, and a p99 near the longest pause
 * may be the generator's, not the gateway's. Counted from the JVM's GC notifications (the collectors' stop-the-world
 * collections; concurrent cycles, which do not stop Gatling, are left out).
 */
public final class GcPauses implements AutoCloseable {
  private final List<Registration> registrations = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private long count;
  private long totalMillis;
  private long longestMillis;
  private long over50;

  private record Registration(NotificationEmitter emitter, NotificationListener listener) {}

  /** Starts counting this JVM's pauses. */
  public static GcPauses start() {
    GcPauses pauses = new GcPauses();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      // ZGC's and G1's concurrent work has beans of its own ("... Cycles", "... Concurrent GC"): not pauses
      if (!(gc instanceof NotificationEmitter emitter) || gc.getName().contains("Cycles")
          || gc.getName().contains("Concurrent")) {
        continue;
      }
      NotificationListener listener = (n, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
          pauses.pause(GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo()
              .getDuration());
        }
      };
      emitter.addNotificationListener(listener, null, null);
      pauses.registrations.add(new Registration(emitter, listener));
    }
    return pauses;
  }

  synchronized void pause(long millis) {
    count++;
    totalMillis += millis;
    longestMillis = Math.max(longestMillis, millis);
    if (millis > 50) {
      over50++;
    }
  }

  /** One line: how many pauses, their share of the run, the longest; and a warning when they may show in a p99. */
  public synchronized String summary() {
    double runSeconds = (System.nanoTime() - startNanos) / 1e9;
    // a share of a run shorter than 10 s says nothing (a test's, or a run that failed at once)
    double share = runSeconds < 10 ? 0 : totalMillis / 1e3 / runSeconds;
    String line = String.format(Locale.ROOT, "generator GC pauses: %d, %.2f s in all (%.1f %% of the %.0f s), longest "
        + "%d ms, %d over 50 ms", count, totalMillis / 1e3, share * 100, runSeconds, longestMillis, over50);
    if (share >= 0.005 || longestMillis > 50) {
      line += "\n  the generator paused for " + (share >= 0.005 ? String.format(Locale.ROOT, "%.1f %% of the run",
          share * 100) : longestMillis + " ms at once") + ": every answer it waited for meanwhile was measured later "
          + "than it came, so a 99th percentile near " + longestMillis + " ms may be the generator's, not the gateway's";
    }
    return line;
  }

  @Override
  public void close() {
    for (Registration r : registrations) {
      try {
        r.emitter().removeNotificationListener(r.listener());
      } catch (ListenerNotFoundException e) {
        // already gone
      }
    }
  }
}
