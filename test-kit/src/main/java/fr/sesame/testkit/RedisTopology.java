package fr.sesame.testkit;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import redis.embedded.core.ExecutableProvider;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * A primary, its replicas and Sentinels watching them, each a {@code redis-server} process of the machine's own
 * on a free loopback port, persisting nothing: what failover tests and drills need. {@link #killPrimary()} kills
 * the primary with SIGKILL, as a crash would; the Sentinels then promote a replica after
 * {@code downAfter}. Every process is stopped by {@link #close()}, and at the latest when the JVM exits.
 *
 * <p>Uses the machine's {@code redis-server} (Redis 7 on these machines), else the Redis 6.2 binary the
 * embedded-redis artifact ships; Sentinel mode is {@code redis-server <config> --sentinel}.
 */
public final class RedisTopology implements AutoCloseable {
  /**
   * The name the Sentinels monitor the primary under: one of this topology's own, so that Sentinels of another
   * topology (a test before, still dying, whose ports were handed out again) can never take this primary for
   * theirs and reconfigure it.
   */
  private final String master = "sesame-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Node> sentinels = new ArrayList<>();
  private Node primary;
  private volatile boolean keepFiles;

  /** One process: its port and its handle. */
  public record Node(int port, Process process) {
    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    public boolean alive() {
      return process.isAlive();
    }
  }

  private RedisTopology(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts a primary, {@code replicas} replicas of it and {@code sentinels} Sentinels (quorum: a majority),
   * and waits until every replica is in sync and every Sentinel sees the primary.
   * @param downAfter how long the primary must be unreachable before Sentinels call it down
   */
  public static RedisTopology start(int replicas, int sentinels, Duration downAfter) {
    RedisTopology t;
    try {
      t = new RedisTopology(Files.createTempDirectory("sesame-redis-topology"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(t::close, "redis-topology-stop"));
    try {
      t.primary = t.server(List.of());
      for (int i = 0; i < replicas; i++) {
        t.server(List.of("--replicaof", "127.0.0.1", Integer.toString(t.primary.port())));
      }
      for (int i = 0; i < sentinels; i++) {
        t.sentinel(sentinels / 2 + 1, downAfter);
      }
      t.awaitReplicasInSync(replicas, Duration.ofSeconds(20));
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /**
   * Leaves this topology's working directory in place when it closes: each process's log
   * ({@code redis-<port>.log}, {@code sentinel-<port>.log}) and the Sentinels' configurations as they rewrote
   * them, for a failure to be looked into. @return the directory
   */
  public Path keepFiles() {
    keepFiles = true;
    return dir;
  }

  /** The name the Sentinels monitor the primary under (the {@code #name} of {@link #sentinelUrl()}). */
  public String master() {
    return master;
  }

  /** The primary this topology started with (after a failover, no longer the primary). */
  public Node initialPrimary() {
    return primary;
  }

  /** Every data node, the initial primary first, then its replicas. */
  public List<Node> servers() {
    return List.copyOf(nodes);
  }

  public List<Node> sentinels() {
    return List.copyOf(sentinels);
  }

  /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,...#sesame}: what the gateway's {@code REDIS_URL} takes. */
  public String sentinelUrl() {
    StringBuilder url = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinels.size(); i++) {
      url.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
    }
    return url.append("#").append(master).toString();
  }

  /** Kills the initial primary with SIGKILL and waits until its process is gone. */
  public void killPrimary() {
    kill(primary);
  }

  /** Kills a process with SIGKILL and waits until it is gone. */
  public void kill(Node node) {
    node.process().destroyForcibly();
    try {
      if (!node.process().waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis process on port " + node.port() + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The port the Sentinels currently name as the primary's, asking each in turn ({@code SENTINEL
   * get-master-addr-by-name}); -1 when none answers.
   */
  public int currentPrimaryPort() {
    for (Node s : sentinels) {
      if (!s.alive()) {
        continue;
      }
      String out = cli(s.port(), "SENTINEL", "get-master-addr-by-name", master);
      String[] lines = out.strip().split("\\R");
      if (lines.length == 2) {
        return Integer.parseInt(lines[1].strip());
      }
    }
    return -1;
  }

  /**
   * Completes with the new primary's port when a Sentinel announces the next failover ({@code +switch-master}
   * on its Pub/Sub). Subscribe before causing the failover.
   */
  public CompletableFuture<Integer> nextSwitch() {
    CompletableFuture<Integer> switched = new CompletableFuture<>();
    RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinels.get(0).port()));
    StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub();
    pubSub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        String[] f = message.split(" "); // <name> <old ip> <old port> <new ip> <new port>
        if (f.length == 5 && f[0].equals(master)) {
          switched.complete(Integer.parseInt(f[4]));
        }
      }
    });
    pubSub.sync().subscribe("+switch-master");
    switched.whenComplete((port, e) -> {
      pubSub.closeAsync();
      client.shutdownAsync();
    });
    return switched;
  }

  /**
   * Waits until every replica has applied everything the primary had applied when this is called, and returns
   * how many did within {@code within}: writes a marker key on the primary, then sends {@code WAIT} on that same
   * connection. (WAIT counts the replicas that acknowledged the calling connection's last write: on a connection
   * that never wrote it counts every connected replica at once, and proves nothing.) Before a kill, this is what
   * makes a failover test about reconnection, not about what asynchronous replication may lose.
   */
  public int awaitReplicated(Duration within) {
    List<String> replies = send(primary.port(), within.plusSeconds(5),
        List.of("SET", "sesame:topology:replicated", Long.toString(System.nanoTime())),
        List.of("WAIT", Integer.toString(nodes.size() - 1), Long.toString(within.toMillis())));
    return replies.size() == 2 ? Integer.parseInt(replies.get(1).strip()) : -1;
  }

  /**
   * Each data node's state, one line each, for a failure message: port, alive or dead, role, replication offsets
   * (the primary's and, on a replica, how far it applied the stream), link status, full and partial resyncs
   * served, and how many keys it holds.
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (Node n : nodes) {
      out.append(n.port()).append(n.alive() ? " alive" : " dead");
      if (n.alive()) {
        String info = cli(n.port(), "INFO", "replication") + cli(n.port(), "INFO", "stats");
        info.lines().filter(l -> l.startsWith("role:") || l.startsWith("master_port:")
                || l.startsWith("master_link_status:") || l.startsWith("master_repl_offset:")
                || l.startsWith("slave_repl_offset:") || l.matches("slave\\d+:.*") || l.startsWith("sync_full:")
                || l.startsWith("sync_partial_ok:") || l.startsWith("sync_partial_err:"))
            .forEach(l -> out.append(' ').append(l.strip()));
        out.append(" keys:").append(cli(n.port(), "DBSIZE").strip());
      }
      out.append('\n');
    }
    return out.toString();
  }

  /**
   * Sends one command to the Redis (or Sentinel) on {@code port} and returns its reply as {@code redis-cli --raw}
   * prints it: one line per element of an array (nested ones flattened), integers as numbers, an error as
   * {@code ERR ...}; an empty string when it does not answer. Speaks RESP itself: no {@code redis-cli} needed.
   */
  public static String cli(int port, String... args) {
    List<String> replies = send(port, Duration.ofSeconds(10), List.of(args));
    return replies.isEmpty() ? "" : replies.get(0);
  }

  /**
   * Sends {@code commands} on one connection, in order, and returns their replies as {@link #cli} prints them;
   * fewer (none at worst) when the server stops answering within {@code timeout}.
   */
  @SafeVarargs
  private static List<String> send(int port, Duration timeout, List<String>... commands) {
    List<String> replies = new ArrayList<>();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      StringBuilder command = new StringBuilder();
      for (List<String> args : commands) {
        command.append('*').append(args.size()).append("\r\n");
        for (String arg : args) {
          byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
          command.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
      }
      out.write(command.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      for (int i = 0; i < commands.length; i++) {
        StringBuilder reply = new StringBuilder();
        readReply(in, reply);
        replies.add(reply.toString());
      }
    } catch (IOException e) {
      // what was answered so far
    }
    return replies;
  }

  private static void readReply(DataInputStream in, StringBuilder out) throws IOException {
    String line = readLine(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':', '-' -> out.append(rest).append('\n');
      case '$' -> {
        int n = Integer.parseInt(rest);
        if (n >= 0) {
          byte[] bytes = in.readNBytes(n);
          in.readNBytes(2);
          out.append(new String(bytes, StandardCharsets.UTF_8));
        }
        out.append('\n');
      }
      case '*' -> {
        int n = Integer.parseInt(rest);
        for (int i = 0; i < n; i++) {
          readReply(in, out);
        }
      }
      default -> throw new IOException("not a RESP reply: " + line);
    }
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\r') {
      line.append((char) c);
    }
    in.read(); // the '\n'
    if (c == -1) {
      throw new IOException("connection closed");
    }
    return line.toString();
  }

  /** The machine's {@code redis-server}, else the binary the embedded-redis artifact ships (Redis 6.2): its path. */
  public static String binary() {
    try {
      return ExecutableProvider.newExecutableInPath("redis-server").get().getAbsolutePath();
    } catch (IOException | RuntimeException notInstalled) {
      try {
        return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
      } catch (IOException e) {
        throw new UncheckedIOException("no redis-server installed and the embedded one could not be unpacked", e);
      }
    }
  }

  private Node server(List<String> extra) {
    int port = Ports.unused();
    List<String> command = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--repl-diskless-sync", "yes",
        "--repl-diskless-sync-delay", "0", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb",
        "--hash-max-ziplist-value", Integer.toString(LocalRedis.HASH_MAX_ZIPLIST_VALUE)));
    command.addAll(extra);
    Node node = new Node(port, launch(command, "redis-" + port + ".log"));
    nodes.add(node);
    awaitPing(port);
    return node;
  }

  private void sentinel(int quorum, Duration downAfter) {
    int port = Ports.unused();
    Path config = dir.resolve("sentinel-" + port + ".conf");
    try {
      Files.writeString(config, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "dir " + dir,
          "sentinel monitor " + master + " 127.0.0.1 " + primary.port() + " " + quorum,
          "sentinel down-after-milliseconds " + master + " " + downAfter.toMillis(),
          "sentinel failover-timeout " + master + " 10000",
          "sentinel parallel-syncs " + master + " 1", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Node node = new Node(port, launch(List.of(binary(), config.toString(), "--sentinel"),
        "sentinel-" + port + ".log"));
    sentinels.add(node);
    awaitPing(port);
  }

  private Process launch(List<String> command, String log) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve(log).toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  private static void awaitPing(int port) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (cli(port, "PING").strip().equals("PONG")) {
        return;
      }
      pause();
    }
    throw new IllegalStateException("redis on port " + port + " did not answer PING within 10 s");
  }

  /** Waits (start-up only) until the primary counts every replica online and each Sentinel knows them. */
  private void awaitReplicasInSync(int replicas, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      String info = cli(primary.port(), "INFO", "replication");
      long online = info.lines().filter(l -> l.startsWith("slave") && l.contains("state=online")).count();
      boolean sentinelsSee = sentinels.stream().allMatch(s -> cli(s.port(), "SENTINEL", "replicas", master)
          .lines().filter(l -> l.strip().equals("ip")).count() >= replicas);
      if (online >= replicas && sentinelsSee) {
        return;
      }
      pause();
    }
    throw new IllegalStateException("replicas not in sync within " + within.toSeconds() + " s");
  }

  private static void pause() {
    try {
      Thread.sleep(50); // start-up only: a process coming up has no event to wait on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stops every process (SIGKILL: they persist nothing) and deletes the working directory, unless
   * {@link #keepFiles()} was called.
   */
  @Override
  public void close() {
    List<Node> all = new ArrayList<>(sentinels);
    all.addAll(nodes);
    LocalProcesses.stopAndClean(all.stream().map(Node::process).toList(), dir, keepFiles);
  }
}
