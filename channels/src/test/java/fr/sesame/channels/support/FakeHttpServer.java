package fr.sesame.channels.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A provider's HTTP API as tests script it: it records every request (method, URI, headers, body) and
 * answers with the next scripted reply (the last one repeats). A reply can be delayed past the client's
 * time limit.
 */
public final class FakeHttpServer implements AutoCloseable {
  /** A recorded request. */
  public record Request(String method, String uri, MultiMap headers, String body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  /** A scripted answer. */
  public record Reply(int status, String body, long delayMs, String retryAfter) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Deque<Reply> replies = new ArrayDeque<>();
  private Reply last = new Reply(200, "{}", 0, null);

  public FakeHttpServer(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
    await(server.listen(0, "127.0.0.1"));
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      requests.add(new Request(req.method().name(), req.uri(), MultiMap.caseInsensitiveMultiMap()
          .addAll(req.headers()), body.toString()));
      Reply r = next(req.uri());
      Runnable answer = () -> {
        var res = req.response().setStatusCode(r.status()).putHeader("Content-Type", "application/json");
        if (r.retryAfter() != null) {
          res.putHeader("Retry-After", r.retryAfter());
        }
        res.end(r.body());
      };
      if (r.delayMs() > 0) {
        vertx.setTimer(r.delayMs(), t -> answer.run());
      } else {
        answer.run();
      }
    });
  }

  /** Requests to {@code /auth/time} (OVH's clock) always get {@code timeAnswer}; others follow the script. */
  private String timeAnswer = null;

  private synchronized Reply next(String uri) {
    if (timeAnswer != null && uri.endsWith("/auth/time")) {
      return new Reply(200, timeAnswer, 0, null);
    }
    if (!replies.isEmpty()) {
      last = replies.pollFirst();
    }
    return last;
  }

  public synchronized FakeHttpServer answerTime(long epochSeconds) {
    timeAnswer = Long.toString(epochSeconds);
    return this;
  }

  public synchronized FakeHttpServer reply(int status, String body) {
    replies.addLast(new Reply(status, body, 0, null));
    return this;
  }

  public synchronized FakeHttpServer replyAfter(long delayMs, int status, String body) {
    replies.addLast(new Reply(status, body, delayMs, null));
    return this;
  }

  public synchronized FakeHttpServer replyRetryAfter(int status, String retryAfter) {
    replies.addLast(new Reply(status, "{}", 0, retryAfter));
    return this;
  }

  /** Requests other than OVH clock reads. */
  public List<Request> requests() {
    return requests.stream().filter(r -> !r.uri().endsWith("/auth/time")).toList();
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    await(server.close());
  }

  public static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The failure of a future that must fail. */
  public static Throwable failure(io.vertx.core.Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  /** A port where nothing listens. */
  public static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
