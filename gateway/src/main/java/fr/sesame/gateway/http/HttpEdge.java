package fr.sesame.gateway.http;

import fr.sesame.gateway.http.problem.FailureHandler;
import fr.sesame.gateway.problem.ProblemType;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What every request meets before the router: the checks a router cannot make, or makes with a 500. A
 * request that is not well-formed HTTP gets a 400 problem+json here (RFC 9112: a missing or repeated
 * {@code Host}; over HTTP/2, an {@code :authority} with no host; an unknown protocol version, a malformed %-escape in its target) and its connection is closed;
 * the server's own refusals (bad framing, a request line over 4 KB: 414, headers over 8 KB: 431) are
 * problem+json too. Nothing of the request is logged.
 */
public final class HttpEdge {
  private HttpEdge() {}

  /** {@code router}, behind the request-line and {@code Host} checks. */
  public static Handler<HttpServerRequest> guard(Handler<HttpServerRequest> router) {
    return req -> {
      long start = System.nanoTime();
      String why = malformed(req);
      if (why == null) {
        router.handle(req);
      } else {
        refuse(req, ProblemType.MALFORMED_REQUEST, why, start);
      }
    };
  }

  /**
   * The server's invalid-request handler (Vert.x core calls it when Netty could not decode the request): the
   * same statuses as Vert.x's default (414, 431, else 400), as problem+json, then the connection closes.
   */
  public static void invalid(HttpServerRequest req) {
    DecoderResult result = req.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    if (cause instanceof TooLongHttpLineException) {
      refuse(req, ProblemType.URI_TOO_LONG, null, System.nanoTime());
    } else if (cause instanceof TooLongHttpHeaderException) {
      refuse(req, ProblemType.HEADERS_TOO_LARGE, null, System.nanoTime());
    } else {
      refuse(req, ProblemType.MALFORMED_REQUEST, null, System.nanoTime());
    }
  }

  /**
   * The server's WebSocket handshake handler: the API has no WebSocket, so every upgrade is refused (400).
   * Having one also routes every other request to {@link #guard} first: without it, Vert.x core answers a
   * request line naming any version but HTTP/1.0 or 1.1 ({@code HTTP/9.9}) itself, 501 with an empty body,
   * before any handler of ours runs ({@code Http1ServerRequestHandler}; a Netty handler added from the
   * connection handler comes too late for the first request). The price: a request with
   * {@code Upgrade: websocket} is answered by Vert.x core's handshake code, a 400 in plain text, not a problem.
   */
  public static void noWebSocket(io.vertx.core.http.ServerWebSocketHandshake handshake) {
    handshake.reject(400);
  }

  private static String malformed(HttpServerRequest req) {
    if (req.version() == null) {
      return "HTTP/1.0 and HTTP/1.1 only";
    }
    List<String> hosts = req.headers().getAll("Host");
    if (hosts.size() > 1 || req.version() == HttpVersion.HTTP_1_1 && (hosts.isEmpty() || hosts.get(0).isBlank())) {
      return "one Host header is required";
    }
    if (req.version() == HttpVersion.HTTP_2) {
      // no Host in HTTP/2 but :authority; an https URI with an empty host is invalid (RFC 9110 §4.2.2)
      io.vertx.core.net.HostAndPort authority = req.authority();
      if (authority == null || authority.host().isEmpty() || !HOST.matcher(authority.host()).matches()) {
        return "a host in :authority is required";
      }
    }
    String target = req.uri();
    if (!target.startsWith("/") && !target.regionMatches(true, 0, "http://", 0, 7)
        && !target.regionMatches(true, 0, "https://", 0, 8)) {
      return "the request target must be a path (or an absolute URI)";
    }
    if (req.path() == null || !req.path().startsWith("/")) {
      return "the request target has no path";
    }
    String host = req.headers().get("Host");
    if (host != null && !HOST.matcher(host).matches()) {
      return "the Host header is not a host[:port]";
    }
    if (!wellEscaped(req.uri())) {
      return "the request target has a malformed %-escape";
    }
    return null;
  }

  /** RFC 3986 host (a reg-name, IPv4 or a bracketed IPv6 literal) with an optional port. */
  private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
      "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]{0,5})?");

  /** Every {@code %} followed by two hex digits, and every escape decoding to valid UTF-8 is the router's job. */
  static boolean wellEscaped(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      if (uri.charAt(i) == '%') {
        if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
            || Character.digit(uri.charAt(i + 2), 16) < 0) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }

  /**
   * Closes an HTTP/1.x connection once the answer is written ({@code Connection: close}): what follows on it
   * cannot be framed. Over HTTP/2 only the stream ends: {@code Connection} is a connection-specific header that
   * RFC 9113 §8.2.2 forbids, and a client (Netty's codec) refuses the whole answer that carries it.
   */
  public static void closeAfterAnswer(HttpServerRequest req) {
    if (req.version() != HttpVersion.HTTP_2) {
      req.response().putHeader("Connection", "close");
    }
  }

  private static void refuse(HttpServerRequest req, ProblemType type, String detail, long start) {
    if (req.response().headWritten() || req.response().closed()) {
      // the framing broke mid-body, after the route had answered (its failure handler did): only close
      req.connection().close();
      return;
    }
    closeAfterAnswer(req);
    req.response().putHeader("X-Content-Type-Options", "nosniff");
    String id = FailureHandler.newRequestId();
    ApiRouter.access(req.method() == null ? "OTHER" : ApiRouter.method(req.method()), "malformed", type.status(),
        System.nanoTime() - start, id);
    req.response().putHeader("X-Request-Id", id);
    // HTTP/1.x "Connection: close": Vert.x closes the connection once the answer is written
    FailureHandler.write(req.response(), id, type, detail, new JsonObject());
  }
}
