package fr.sesame.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the local Redis set-ups ({@link RedisTopology}, {@link RedisCluster}) share to stop. */
final class LocalProcesses {
  private LocalProcesses() {}

  /**
   * Kills every process (SIGKILL: they persist nothing), waits up to 5 s each for it to be gone (before the next
   * test may be handed its ports), then deletes {@code dir} unless {@code keepFiles}.
   */
  static void stopAndClean(List<Process> processes, Path dir, boolean keepFiles) {
    processes.forEach(Process::destroyForcibly);
    for (Process p : processes) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (keepFiles) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: left behind at worst
    }
  }
}
