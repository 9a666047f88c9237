package fr.sesame.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of the test's own: {@code primaries} primaries with {@code replicasEach} replicas each, every
 * node a {@code redis-server --cluster-enabled yes} process of the machine's on free loopback ports (its client
 * port and its cluster-bus port, both from {@link Ports}), persisting nothing, joined by
 * {@code redis-cli --cluster create ... --cluster-replicas N --cluster-yes}. {@link #kill(Node)} kills a node with
 * SIGKILL, as a crash would; a replica of a killed primary is promoted after {@code nodeTimeout} (Redis's own
 * failover, no Sentinel). Every process is stopped and the working directory deleted by {@link #close()}, and at
 * the latest when the JVM exits.
 */
public final class RedisCluster implements AutoCloseable {
  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private volatile boolean keepFiles;
  private int replicaCount;

  /** One node: its client port, its cluster-bus port and its process. */
  public record Node(int port, int busPort, Process process, List<String> command) {
    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** {@code 127.0.0.1:port}, as {@code CLUSTER NODES} names it. */
    public String address() {
      return "127.0.0.1:" + port;
    }
  }

  private RedisCluster(Path dir) {
    this.dir = dir;
  }

  /** Three primaries and one replica each, a node called failed after 1 s: what the cluster tests use. */
  public static RedisCluster start() {
    return start(3, 1, Duration.ofMillis(1000));
  }

  /**
   * Starts the nodes, creates the cluster and waits until every node reports {@code cluster_state:ok} and every
   * replica is in sync with its primary.
   * @param nodeTimeout {@code cluster-node-timeout}: how long a node must be unreachable before it is failed
   */
  public static RedisCluster start(int primaries, int replicasEach, Duration nodeTimeout) {
    if (primaries < 3) {
      throw new IllegalArgumentException("redis-cli --cluster create needs at least 3 primaries");
    }
    RedisCluster c;
    try {
      c = new RedisCluster(Files.createTempDirectory("sesame-redis-cluster"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(c::close, "redis-cluster-stop"));
    try {
      int count = primaries * (1 + replicasEach);
      for (int i = 0; i < count; i++) {
        c.node(nodeTimeout);
      }
      c.create(replicasEach);
      c.awaitOk(Duration.ofSeconds(30));
      c.replicaCount = primaries * replicasEach;
      c.awaitReplicasInSync(c.replicaCount, Duration.ofSeconds(30));
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Leaves the working directory (each node's log and nodes file) when the cluster closes. @return it */
  public Path keepFiles() {
    keepFiles = true;
    return dir;
  }

  /** Every node, in the order they were started. */
  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /** {@code redis://127.0.0.1:p1,127.0.0.1:p2,...}: every node as a seed (the gateway's {@code REDIS_URL}). */
  public String url() {
    StringBuilder url = new StringBuilder("redis://");
    for (int i = 0; i < nodes.size(); i++) {
      url.append(i == 0 ? "" : ",").append(nodes.get(i).address());
    }
    return url.toString();
  }

  /** The live nodes that are primaries now, as a live node's {@code CLUSTER NODES} tells. */
  public List<Node> primaries() {
    List<Node> out = new ArrayList<>();
    for (String[] line : clusterNodes()) {
      if (line[2].contains("master") && !line[2].contains("fail")) {
        Node n = byAddress(line[1]);
        if (n != null && n.alive()) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** The live replicas of {@code primary}, as a live node's {@code CLUSTER NODES} tells. */
  public List<Node> replicasOf(Node primary) {
    String id = idOf(primary);
    List<Node> out = new ArrayList<>();
    for (String[] line : clusterNodes()) {
      if (line[2].contains("slave") && line[3].equals(id)) {
        Node n = byAddress(line[1]);
        if (n != null && n.alive()) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** The primary serving {@code key}'s slot now (asked to a live node: {@code CLUSTER KEYSLOT}, then the map). */
  public Node primaryFor(String key) {
    Node any = anyLive();
    int slot = Integer.parseInt(RedisTopology.cli(any.port(), "CLUSTER", "KEYSLOT", key).strip());
    for (String[] line : clusterNodes()) {
      if (!line[2].contains("master") || line[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < line.length; i++) {
        String range = line[i];
        if (range.startsWith("[")) {
          continue; // a slot being migrated
        }
        String[] ends = range.split("-");
        int from = Integer.parseInt(ends[0]);
        int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
        if (slot >= from && slot <= to) {
          return byAddress(line[1]);
        }
      }
    }
    throw new IllegalStateException("no primary serves slot " + slot + ":\n" + describe());
  }

  /** Kills a node with SIGKILL and waits until its process is gone. */
  public void kill(Node node) {
    node.process().destroyForcibly();
    try {
      if (!node.process().waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis node on port " + node.port() + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until every live node reports {@code cluster_state:ok} and no live node sees a live primary as failed
   * or a slot without a live primary: after a kill, until a replica has taken over.
   */
  public void awaitOk(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (ok()) {
        return;
      }
      pause();
    }
    throw new IllegalStateException("cluster not ok within " + within.toSeconds() + " s:\n" + describe());
  }

  private boolean ok() {
    for (Node n : nodes) {
      if (n.alive() && !RedisTopology.cli(n.port(), "CLUSTER", "INFO").contains("cluster_state:ok")) {
        return false;
      }
    }
    // every slot served by a primary whose process is alive
    int served = 0;
    for (String[] line : clusterNodes()) {
      Node n = byAddress(line[1]);
      if (line[2].contains("master") && !line[2].contains("fail") && n != null && n.alive()) {
        for (int i = 8; i < line.length; i++) {
          if (!line[i].startsWith("[")) {
            String[] ends = line[i].split("-");
            served += ends.length == 2 ? Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1 : 1;
          }
        }
      }
    }
    return served == 16384;
  }

  /** Each node's line of a live node's {@code CLUSTER NODES}, for a failure message; plus which processes died. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    Node any = nodes.stream().filter(Node::alive).findFirst().orElse(null);
    if (any != null) {
      out.append(RedisTopology.cli(any.port(), "CLUSTER", "NODES"));
    }
    for (Node n : nodes) {
      if (!n.alive()) {
        out.append("dead: ").append(n.port()).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code CLUSTER MYID} of a live node. */
  public String idOf(Node node) {
    return RedisTopology.cli(node.port(), "CLUSTER", "MYID").strip();
  }

  private List<String[]> clusterNodes() {
    List<String[]> out = new ArrayList<>();
    for (String line : RedisTopology.cli(anyLive().port(), "CLUSTER", "NODES").split("\\R")) {
      String[] f = line.strip().split(" ");
      if (f.length >= 8) {
        // "127.0.0.1:port@bus" (and ",hostname" on some versions): keep host:port
        f[1] = f[1].split("@")[0];
        out.add(f);
      }
    }
    return out;
  }

  private Node anyLive() {
    return nodes.stream().filter(Node::alive).findFirst()
        .orElseThrow(() -> new IllegalStateException("every node of the cluster is dead"));
  }

  private Node byAddress(String address) {
    for (Node n : nodes) {
      if (n.address().equals(address)) {
        return n;
      }
    }
    return null;
  }

  private void node(Duration nodeTimeout) {
    int port = Ports.unused();
    int bus = Ports.unused();
    List<String> command = List.of(RedisTopology.binary(), "--port", Integer.toString(port),
        "--cluster-port", Integer.toString(bus), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
        "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout",
        Long.toString(nodeTimeout.toMillis()), "--save", "", "--appendonly", "no", "--repl-diskless-sync", "yes",
        "--repl-diskless-sync-delay", "0", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb",
        "--hash-max-ziplist-value", Integer.toString(LocalRedis.HASH_MAX_ZIPLIST_VALUE));
    nodes.add(launch(port, bus, command));
  }

  private Node launch(int port, int bus, List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
    Node node = new Node(port, bus, p, command);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!RedisTopology.cli(port, "PING").strip().equals("PONG")) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        throw new IllegalStateException("redis cluster node on port " + port + " did not answer PING");
      }
      pause();
    }
    return node;
  }

  /**
   * Starts a killed node again, on its ports and with its nodes file, as an operator (or systemd) would: it rejoins
   * the cluster, and when a replica took its place while it was gone, it becomes that replica's replica. Waits until
   * every replica of the cluster is in sync again. @return the node as it runs now
   */
  public Node restart(Node killed) {
    if (killed.alive()) {
      throw new IllegalStateException("node on port " + killed.port() + " is running");
    }
    int i = nodes.indexOf(killed);
    Node again = launch(killed.port(), killed.busPort(), killed.command());
    nodes.set(i, again);
    awaitReplicasInSync(replicaCount, Duration.ofSeconds(30));
    return again;
  }

  private void create(int replicasEach) {
    List<String> command = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
    nodes.forEach(n -> command.add(n.address()));
    command.addAll(List.of("--cluster-replicas", Integer.toString(replicasEach), "--cluster-yes"));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("cluster-create.log").toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-cli --cluster create failed:\n"
            + Files.readString(dir.resolve("cluster-create.log")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The {@code redis-cli} beside the {@code redis-server} in use, else the one on the PATH. */
  private static String cliBinary() {
    Path beside = Path.of(RedisTopology.binary()).resolveSibling("redis-cli");
    return Files.isExecutable(beside) ? beside.toString() : "redis-cli";
  }

  private void awaitReplicasInSync(int replicas, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      long online = 0;
      for (Node n : nodes) {
        online += RedisTopology.cli(n.port(), "INFO", "replication").lines()
            .filter(l -> l.startsWith("slave") && l.contains("state=online")).count();
      }
      if (online >= replicas) {
        return;
      }
      pause();
    }
    throw new IllegalStateException("cluster replicas not in sync within " + within.toSeconds() + " s:\n"
        + describe());
  }

  private static void pause() {
    try {
      Thread.sleep(50); // start-up and failover waits: a process coming up has no event to wait on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops every node (SIGKILL: they persist nothing) and deletes the working directory, unless kept. */
  @Override
  public void close() {
    LocalProcesses.stopAndClean(nodes.stream().map(Node::process).toList(), dir, keepFiles);
  }
}
