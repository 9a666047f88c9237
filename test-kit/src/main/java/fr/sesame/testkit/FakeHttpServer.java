package fr.sesame.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A provider's HTTP API as a test scripts it, on {@code 127.0.0.1} and a free port. It records every request
 * (method, URI, headers, body) and answers:
 * <ol>
 *   <li>requests an {@link #answerAside} selects (a provider's clock), with that answer, left out of
 *       {@link #requests()};</li>
 *   <li>requests a {@link #route} selects, with that route's answer (the first route added that matches);</li>
 *   <li>others with the next scripted reply ({@link #reply}; the last one repeats; 200 {@code {}} before
 *       any). A reply can be delayed past the client's time limit.</li>
 * </ol>
 * A test waits for a request with {@link #awaitRequest}, woken by its arrival.
 */
public final class FakeHttpServer implements AutoCloseable {
  /** How long {@link #awaitRequest(Predicate, String)} waits: 15 s. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(15);

  /** A recorded request. */
  public record Request(String method, String uri, MultiMap headers, String body) {
    public String header(String name) {
      return headers.get(name);
    }

    /** The URI without its query. */
    public String path() {
      int q = uri.indexOf('?');
      return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    public String toString() {
      return method + " " + uri;
    }
  }

  /**
   * A scripted answer, with {@code Content-Type: application/json}.
   * @param delayMs    how long to wait before answering
   * @param retryAfter a {@code Retry-After} header, or null
   */
  public record Reply(int status, String body, long delayMs, String retryAfter) {
    /** {@code status} with {@code body}, at once. */
    public static Reply of(int status, String body) {
      return new Reply(status, body, 0, null);
    }
  }

  /** @param aside the path suffix of an {@link #answerAside} route (not recorded), else null */
  private record Route(Predicate<Request> which, Function<Request, Reply> how, String aside) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final EventLog<Request> recorded = new EventLog<>();
  private final List<Route> routes = new CopyOnWriteArrayList<>();
  private final Deque<Reply> replies = new ArrayDeque<>(); // guarded by this
  private Reply last = Reply.of(200, "{}"); // guarded by this

  /** Starts listening on {@code vertx}; {@link #close()} stops. */
  public FakeHttpServer(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
    Await.await(server.listen(0, "127.0.0.1"));
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Request request = new Request(req.method().name(), req.uri(),
          MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString());
      Route route = routes.stream().filter(r -> r.which().test(request)).findFirst().orElse(null);
      if (route == null || route.aside() == null) {
        recorded.add(request);
      }
      Reply r = route != null ? route.how().apply(request) : next();
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

  private synchronized Reply next() {
    if (!replies.isEmpty()) {
      last = replies.pollFirst();
    }
    return last;
  }

  /**
   * Requests whose path ends with {@code pathSuffix} always get 200 and {@code body}, and are left out of
   * {@link #requests()}: the calls around the conversation a test checks (OVH's {@code /auth/time}). A new
   * answer for the same suffix replaces the previous one.
   */
  public synchronized FakeHttpServer answerAside(String pathSuffix, String body) {
    routes.removeIf(r -> pathSuffix.equals(r.aside()));
    routes.add(0, new Route(r -> r.path().endsWith(pathSuffix), r -> Reply.of(200, body), pathSuffix));
    return this;
  }

  /**
   * Requests {@code which} selects are answered by {@code how} (called on the event loop, so quick), and
   * recorded; the first matching route wins.
   */
  public FakeHttpServer route(Predicate<Request> which, Function<Request, Reply> how) {
    routes.add(new Route(Objects.requireNonNull(which), Objects.requireNonNull(how), null));
    return this;
  }

  public synchronized FakeHttpServer reply(int status, String body) {
    replies.addLast(Reply.of(status, body));
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

  /** The requests so far, in arrival order, but those {@link #answerAside} answered. */
  public List<Request> requests() {
    return recorded.all();
  }

  /**
   * The first recorded request, already there or still to come, that {@code which} accepts, within
   * {@link #DEFAULT_WAIT}.
   * @param what what the test waits for, for the failure message
   */
  public Request awaitRequest(Predicate<Request> which, String what) {
    return recorded.await(which, DEFAULT_WAIT, what);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    Await.await(server.close());
  }
}
