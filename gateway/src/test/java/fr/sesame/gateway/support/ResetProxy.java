package fr.sesame.gateway.support;

import fr.sesame.testkit.Await;
import fr.sesame.testkit.EventLog;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of Redis that drops a gateway's API connection at the worst moment: once armed, the
 * next reply Redis sends to an API connection is thrown away and both sides are closed. Redis has run the
 * command; the gateway never hears the answer. Connections that name themselves {@code ...-outbox...} at their
 * handshake (the outbox dispatcher's) are left alone: these tests are about the API's requests.
 */
public final class ResetProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  /** One client, held: Vert.x closes a client that is no longer referenced, and its connections with it. */
  private final NetClient upstreams;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger resets = new AtomicInteger();
  /** One entry per reset, in order: the reset's number. */
  public final EventLog<Integer> resetLog = new EventLog<>();
  private long chaosTimer = -1;

  public ResetProxy(String redisUrl) {
    URI target = URI.create(redisUrl);
    this.upstreams = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(client -> {
      client.pause();
      upstreams.connect(target.getPort(), target.getHost()).onSuccess(upstream -> {
        AtomicBoolean outbox = new AtomicBoolean();
        client.handler(chunk -> {
          if (chunk.toString().contains("-outbox")) {
            outbox.set(true); // its name, in the handshake
          }
          upstream.write(chunk);
        });
        upstream.handler(chunk -> {
          if (!outbox.get() && armed.compareAndSet(true, false)) {
            // Redis ran it; the answer is lost with the connection
            client.close();
            upstream.close();
            resetLog.add(resets.incrementAndGet());
            return;
          }
          client.write(chunk);
        });
        client.closeHandler(v -> upstream.close());
        upstream.closeHandler(v -> client.close());
        client.resume();
      }).onFailure(e -> client.close());
    });
    Await.await(server.listen(0, "127.0.0.1"), Duration.ofSeconds(10));
  }

  /** The next reply to an API connection is lost, and that connection with it. */
  public void resetOnNextReply() {
    armed.set(true);
  }

  /** Arms a reset every {@code every} (a drill), until {@link #calm()}. */
  public void resetEvery(Duration every) {
    vertx.runOnContext(v -> chaosTimer = vertx.setPeriodic(every.toMillis(), t -> armed.set(true)));
  }

  /** No more resets. */
  public void calm() {
    vertx.runOnContext(v -> {
      if (chaosTimer >= 0) {
        vertx.cancelTimer(chaosTimer);
      }
      armed.set(false);
    });
  }

  public int resets() {
    return resets.get();
  }

  public String url() {
    return "redis://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
