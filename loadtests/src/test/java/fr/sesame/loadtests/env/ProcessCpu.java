package fr.sesame.loadtests.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Which process was saturated during a run (issue 17, point 5): samples every second the CPU time (user + system,
 * from {@code /proc/<pid>/stat}) of the gateway processes, Redis and the load generator (this JVM: Gatling and the
 * provider sink), and the machine's (from {@code /proc/stat}). The summary gives each one's mean and peak share
 * of one core, and names the bottleneck: Redis when its main thread is near a whole core; else, when the machine
 * is near all its cores, the process that used the most — so a sink or a generator that ran out of CPU never goes
 * unnoticed. Linux only; elsewhere it says it measured nothing.
 */
public final class ProcessCpu implements AutoCloseable {
  /** A process is saturated from this share of what it can use. */
  static final double SATURATED = 0.9;
  /**
   * The machine is saturated from this share of all its cores: lower than a process's, since at 85 % the run
   * queues already (a run on a shared machine measured 90 % busy, of which its own processes used a fifth).
   */
  static final double MACHINE_BUSY = 0.85;
  private static final long TICKS = 100; // USER_HZ: clock ticks a second on Linux
  private final Map<String, Long> pids;
  private final Map<String, List<Double>> samples = new LinkedHashMap<>();
  private final List<Double> machine = new ArrayList<>();
  private final Map<String, Long> lastTicks = new LinkedHashMap<>();
  private long lastBusy = -1;
  private long lastTotal = -1;
  private long lastNanos;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "process-cpu");
    t.setDaemon(true);
    return t;
  });

  /** @param pids the processes to watch, by role ({@code gateway}, {@code redis}, {@code generator}) */
  public static ProcessCpu start(Map<String, Long> pids) {
    ProcessCpu cpu = new ProcessCpu(pids);
    cpu.sample();
    cpu.timer.scheduleAtFixedRate(cpu::sample, 1, 1, TimeUnit.SECONDS);
    return cpu;
  }

  /** A summary of samples given by hand (tests): nothing is sampled. */
  static ProcessCpu of(Map<String, List<Double>> cores, List<Double> machineBusy) {
    Map<String, Long> pids = new LinkedHashMap<>();
    cores.keySet().forEach(k -> pids.put(k, 0L));
    ProcessCpu cpu = new ProcessCpu(pids);
    cores.forEach((k, v) -> cpu.samples.get(k).addAll(v));
    cpu.machine.addAll(machineBusy);
    cpu.timer.shutdownNow();
    return cpu;
  }

  private ProcessCpu(Map<String, Long> pids) {
    this.pids = new LinkedHashMap<>(pids);
    pids.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
  }

  /** CPU ticks (user + system) of a process, or -1 when unreadable. */
  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 (utime, stime)
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private synchronized void sample() {
    long now = System.nanoTime();
    double seconds = (now - lastNanos) / 1e9;
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      long t = ticks(p.getValue());
      Long before = lastTicks.put(p.getKey(), t);
      if (before != null && before >= 0 && t >= 0 && lastNanos != 0) {
        samples.get(p.getKey()).add((t - before) / (double) TICKS / seconds);
      }
    }
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      long busy = total - idle;
      if (lastTotal >= 0 && total > lastTotal) {
        machine.add((busy - lastBusy) / (double) (total - lastTotal));
      }
      lastBusy = busy;
      lastTotal = total;
    } catch (IOException | RuntimeException e) {
      // not Linux: the machine's share stays unmeasured
    }
    lastNanos = now;
  }

  /**
   * The run's summary: each process's mean and peak CPU (in cores), the machine's busy share, and which process
   * was saturated, if one was.
   */
  public synchronized String summary() {
    int cores = Runtime.getRuntime().availableProcessors();
    StringBuilder out = new StringBuilder("CPU during the run (cores used; this machine has " + cores + "):");
    String busiest = null;
    double busiestMean = -1;
    for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
      List<Double> s = e.getValue();
      if (s.isEmpty()) {
        out.append("\n  ").append(e.getKey()).append(" (pid ").append(pids.get(e.getKey())).append("): not measured");
        continue;
      }
      double mean = s.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      double peak = s.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      out.append(String.format(Locale.ROOT, "%n  %-9s (pid %d): mean %.2f, peak %.2f over %d s", e.getKey(),
          pids.get(e.getKey()), mean, peak, s.size()));
      if (mean > busiestMean) {
        busiestMean = mean;
        busiest = e.getKey();
      }
    }
    double machineMean = machine.stream().mapToDouble(Double::doubleValue).average().orElse(-1);
    if (machineMean >= 0) {
      out.append(String.format(Locale.ROOT, "%n  machine: %.0f %% busy on average", machineMean * 100));
    }
    out.append("\n  ").append(verdict(busiest, busiestMean, machineMean, cores));
    return out.toString();
  }

  private String verdict(String busiest, double busiestMean, double machineMean, int cores) {
    List<Double> redis = samples.get("redis");
    double redisMean = redis == null || redis.isEmpty() ? 0
        : redis.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    if (redisMean >= SATURATED) {
      return "SATURATED: redis (its one main thread near a whole core)";
    }
    double ours = 0;
    for (List<Double> s : samples.values()) {
      ours += s.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
    if (machineMean >= MACHINE_BUSY && ours < machineMean * cores / 2) {
      return String.format(Locale.ROOT, "SATURATED: the machine, mostly by OTHER processes (this run's used %.2f of "
          + "the %.2f busy cores): its figures measure a shared machine, not the gateway", ours, machineMean * cores);
    }
    if (machineMean >= MACHINE_BUSY) {
      return "SATURATED: the machine (" + cores + " cores); the process that used the most was " + busiest
          + (busiest != null && busiest.startsWith("generator") ? " — the load generator, not the gateway: the "
          + "figures measure Gatling and the sink as much as the gateway" : "");
    }
    if (busiest == null) {
      return "nothing measured (not Linux?)";
    }
    return "no process saturated (the busiest, " + busiest + ", used " + String.format(Locale.ROOT, "%.2f",
        busiestMean) + " cores)";
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
