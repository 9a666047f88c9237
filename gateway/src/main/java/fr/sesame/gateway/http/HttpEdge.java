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
 * {@code Host}; over HTTP/2, an {@code :authority} with no host; an unknown protocol version, a malformed
 * %-escape in its target; a WebSocket upgrade, which the gateway does not serve) and its connection is closed;
 * the server's own refusals (bad framing, a request line over 4 KB: 414, headers over 8 KB: 431, over HTTP/1.x
 * and HTTP/2 alike) are problem+json too. Nothing of the request is logged.
 */
public final class HttpEdge {
  /**
   * The largest header block a request may carry: 8 KB, Vert.x's HTTP/1.x limit ({@code maxHeaderSize}), which
   * Netty enforces there (431 through {@link #invalid}). Over HTTP/2 the codec's own limit is set higher
   * ({@link #H2_HEADER_LIST_LIMIT}) and this one is checked here, so the 431 is a problem too.
   */
  public static final int HEADER_LIST_LIMIT = 8_192;
  /**
   * SETTINGS_MAX_HEADER_LIST_SIZE announced over HTTP/2: a header block over it is answered by Netty's codec, a
   * bare 431 before any handler runs; one between {@link #HEADER_LIST_LIMIT} and this gets a 431 problem.
   */
  public static final int H2_HEADER_LIST_LIMIT = 65_536;
  /** Vert.x core's switch (read once, when its HTTP server class loads) that hands every request to us. */
  static final String DISABLE_WEBSOCKETS = "vertx.disableWebsockets";

  static {
    disableWebSockets();
  }

  private HttpEdge() {}

  /**
   * Turns Vert.x core's WebSocket dispatch off, so that every HTTP/1.x request reaches {@link #guard}: with it on,
   * Vert.x answers an upgrade request itself in plain text (400 or 405) and, without a WebSocket handler, a
   * request line naming a version other than HTTP/1.0 or 1.1 ({@code HTTP/9.9}) with an empty 501. Vert.x reads
   * the switch once, when its HTTP server class loads: this runs before the gateway creates its server
   * ({@code Gateway} calls it first thing); {@link #webSocketsDisabled()} tells whether it took effect.
   */
  public static void disableWebSockets() {
    if (System.getProperty(DISABLE_WEBSOCKETS) == null) {
      System.setProperty(DISABLE_WEBSOCKETS, "true");
    }
  }

  /** Whether Vert.x core took {@link #disableWebSockets()} (false when its HTTP server loaded before it). */
  public static boolean webSocketsDisabled() {
    try {
      java.lang.reflect.Field f = Class.forName("io.vertx.core.http.impl.tcp.TcpHttpServer")
          .getDeclaredField("DISABLE_WEBSOCKETS");
      f.setAccessible(true);
      return f.getBoolean(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** {@code router}, behind the request-line and {@code Host} checks. */
  public static Handler<HttpServerRequest> guard(Handler<HttpServerRequest> router) {
    return req -> {
      long start = System.nanoTime();
      String why = malformed(req);
      if (why != null) {
        refuse(req, ProblemType.MALFORMED_REQUEST, why, start);
      } else if (req.version() == HttpVersion.HTTP_2 && headerListSize(req) > HEADER_LIST_LIMIT) {
        refuse(req, ProblemType.HEADERS_TOO_LARGE, null, start);
      } else {
        router.handle(req);
      }
    };
  }

  /** The header list's size as HTTP/2 counts it (RFC 9113 §6.5.2: name, value and 32 octets per field). */
  static long headerListSize(HttpServerRequest req) {
    long size = 0;
    for (java.util.Map.Entry<String, String> h : req.headers()) {
      size += h.getKey().length() + h.getValue().length() + 32;
    }
    return size + req.uri().length() + 32;
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
   * The server's WebSocket handshake handler, used only if {@link #disableWebSockets()} came too late (Vert.x's
   * HTTP server class loaded before it, as in a JVM that ran another Vert.x server first): every upgrade is
   * refused (400, in Vert.x's plain text); having a handler at all still routes a request naming an unknown
   * HTTP version to {@link #guard} rather than to Vert.x's empty 501.
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
    if (req.headers().contains("Upgrade", "websocket", true)) {
      return "this server has no WebSocket";
    }
    if (req.version() == HttpVersion.HTTP_2) {
      // no Host in HTTP/2 but :authority; an https URI with an empty host is invalid (RFC 9110 §4.2.2)
      io.vertx.core.net.HostAndPort authority = req.authority();
      if (authority == null || authority.host().isEmpty() || !isHost(authority.host())) {
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
    if (host != null && !isHost(host)) {
      return "the Host header is not a host[:port]";
    }
    if (!wellEscaped(req.uri())) {
      return "the request target has a malformed %-escape";
    }
    return null;
  }

  /** RFC 3986 host (a reg-name, IPv4 or a bracketed IPv6 literal) with an optional port. */
  static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
      "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]{0,5})?");

  /** Whether {@code s} matches {@link #HOST}, checked without a regex (once per request; HttpEdgeHostTest). */
  static boolean isHost(String s) {
    int i = 0;
    int n = s.length();
    if (n > 0 && s.charAt(0) == '[') {
      i = 1;
      while (i < n && isHexColonDot(s.charAt(i))) {
        i++;
      }
      if (i == 1 || i >= n || s.charAt(i) != ']') {
        return false;
      }
      i++;
    } else {
      while (i < n && isRegNameChar(s.charAt(i))) {
        i++;
      }
    }
    if (i == n) {
      return true;
    }
    if (s.charAt(i) != ':' || n - i - 1 > 5) {
      return false;
    }
    for (int j = i + 1; j < n; j++) {
      char c = s.charAt(j);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHexColonDot(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.';
  }

  private static boolean isRegNameChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "._~!$&'()*+,;=%-".indexOf(c) >= 0;
  }

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
   * Says in the answer that an HTTP/1.x connection closes after it ({@code Connection: close}): what follows on
   * it cannot be framed. The caller closes it (Vert.x does only when the request asked to). Over HTTP/2 only the stream ends: {@code Connection} is a connection-specific header that
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
    if (req.version() != HttpVersion.HTTP_2) {
      // Vert.x closes on its own only when the request asked to ("Connection: close", HTTP/1.0); a
      // "Connection: close" in the answer alone leaves a keep-alive connection open after it
      req.response().endHandler(v -> req.connection().close());
    }
    FailureHandler.write(req.response(), id, type, detail, new JsonObject());
  }
}
