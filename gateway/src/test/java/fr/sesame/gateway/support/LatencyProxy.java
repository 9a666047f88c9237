package fr.sesame.gateway.support;

import fr.sesame.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A TCP proxy in front of Redis that delays every chunk by {@code delayMs} each way, keeping order, as a
 * network between two machines does. Through it, commands sent without waiting for each other are in flight
 * together, and every wait for a reply shows as a round trip: what a round-trip count is meant to measure.
 */
public final class LatencyProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  /**
   * One client, held: Vert.x closes a client once nothing references it, and its connections with it (the
   * gateway then saw Redis drop; its client re-sent the commands then, and answers 503 now).
   */
  private final NetClient upstreams;

  public LatencyProxy(String redisUrl, long delayMs) {
    URI target = URI.create(redisUrl);
    this.upstreams = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(client -> {
      client.pause();
      upstreams.connect(target.getPort(), target.getHost()).onSuccess(upstream -> {
        pipe(client, upstream, delayMs);
        pipe(upstream, client, delayMs);
        client.resume();
      }).onFailure(e -> client.close());
    });
    Await.await(server.listen(0, "127.0.0.1"), Duration.ofSeconds(10));
  }

  /** Forwards {@code from} to {@code to}, each chunk {@code delayMs} later, in order. */
  private void pipe(NetSocket from, NetSocket to, long delayMs) {
    Deque<Buffer> queue = new ArrayDeque<>();
    from.handler(chunk -> {
      queue.addLast(chunk);
      vertx.setTimer(delayMs, t -> to.write(queue.pollFirst()));
    });
    from.closeHandler(v -> to.close());
  }

  public String url() {
    return "redis://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
