package fr.sesame.gateway.http;

import fr.sesame.gateway.http.problem.FailureHandler;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Adds the shared handlers of a route: its name and, for JSON routes, the bounded body. The name labels the
 * route's metrics and access-log lines, is the route's {@link Route#setName name} in the router (so
 * {@link ApiRouter#table} lists it), and is the {@code operationId} of the route in {@code openapi.yaml}
 * ({@code OpenApiTest} checks both agree): one name per route, never two routes with one name.
 */
public final class Routes {
  static final String ROUTE = "routeName";
  private final BodyHandler body;
  private final int maxBodyBytes;
  private final java.util.Set<String> names = new java.util.HashSet<>();

  Routes(int maxJsonBytes) {
    this.maxBodyBytes = maxJsonBytes;
    this.body = BodyHandler.create(false).setBodyLimit(maxJsonBytes);
  }

  /**
   * A route whose body (if any) is JSON, read in memory up to the configured limit. A body of another type is
   * refused with 415 before it is read (a form body would otherwise be decoded by the body handler).
   */
  @SafeVarargs
  public final void json(Route route, String name, Handler<RoutingContext>... chain) {
    route.handler(JSON_ONLY);
    route.handler(body); // Vert.x wants body handlers first: a 413 is counted as "unmatched"
    route.handler(JSON_READ);
    named(route, name, chain);
  }

  /**
   * A route that takes no body: one announced is refused with 415. Over HTTP/2 a body may come with no
   * {@code Content-Length} (DATA frames are their own framing): the route then waits for the request's end, and
   * refuses it with 415 at its first byte of body.
   */
  @SafeVarargs
  public final void plain(Route route, String name, Handler<RoutingContext>... chain) {
    route.handler(ctx -> {
      if (hasBody(ctx)) {
        ctx.fail(new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "this request takes no body"));
        return;
      }
      HttpServerRequest req = ctx.request();
      if (req.version() != HttpVersion.HTTP_2 || req.isEnded()) {
        ctx.next();
        return;
      }
      boolean[] refused = {false};
      req.handler(data -> {
        if (data.length() > 0 && !refused[0]) {
          refused[0] = true;
          ctx.fail(new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "this request takes no body"));
        }
      });
      req.endHandler(end -> {
        if (!refused[0]) {
          ctx.next();
        }
      });
      req.resume();
    });
    named(route, name, chain);
  }

  /** The context key of a form route's parameters ({@code Map<String, List<String>>}). */
  public static final String FORM = "sesame.form";
  /** The context key of a form route's body as sent ({@code String}), for the OAuth SDK to parse again. */
  public static final String FORM_RAW = "sesame.formRaw";

  /**
   * A route whose body, if any, is {@code application/x-www-form-urlencoded} (an HTML form, an OAuth request),
   * read here up to the JSON limit and parsed here: a body of another type is refused with 415 before it is read,
   * a malformed %-escape with 400; neither the body nor the parse error is ever logged (the body handler's form
   * decoding put the whole body, secrets included, into its exception message).
   */
  @SafeVarargs
  public final void form(Route route, String name, Handler<RoutingContext>... chain) {
    route.handler(FORM_ONLY);
    route.handler(this::readForm);
    named(route, name, chain);
  }

  private static final io.vertx.ext.web.handler.PlatformHandler FORM_ONLY = ctx -> {
    String type = contentType(ctx.request());
    if ((hasBody(ctx) || type != null) && !isForm(type)) {
      ctx.fail(new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "send application/x-www-form-urlencoded (UTF-8)"));
      return;
    }
    ctx.next();
  };

  private void readForm(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    io.vertx.core.buffer.Buffer read = io.vertx.core.buffer.Buffer.buffer();
    boolean[] failed = {false};
    Runnable parse = () -> {
      String raw = read.toString(java.nio.charset.StandardCharsets.UTF_8);
      if (!raw.isEmpty() && !isForm(contentType(req))) {
        ctx.fail(new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
            "send application/x-www-form-urlencoded (UTF-8)"));
        return;
      }
      if (!HttpEdge.wellEscaped(raw)) {
        ctx.fail(new ProblemException(ProblemType.VALIDATION_FAILED, "the form has a malformed %-escape"));
        return;
      }
      java.util.Map<String, java.util.List<String>> params;
      try {
        params = new io.netty.handler.codec.http.QueryStringDecoder(raw, java.nio.charset.StandardCharsets.UTF_8,
            false, 256).parameters();
      } catch (IllegalArgumentException e) {
        ctx.fail(new ProblemException(ProblemType.VALIDATION_FAILED, "the form is not well-formed"));
        return;
      }
      ctx.put(FORM_RAW, raw);
      ctx.put(FORM, params);
      ctx.next();
    };
    if (req.isEnded()) {
      parse.run();
      return;
    }
    ctx.put(FailureHandler.READING_BODY, Boolean.TRUE);
    req.handler(data -> {
      if (failed[0]) {
        return;
      }
      if (read.length() + data.length() > maxBodyBytes) {
        failed[0] = true;
        ctx.fail(new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "the form is too large"));
        return;
      }
      read.appendBuffer(data);
    });
    req.endHandler(end -> {
      if (!failed[0]) {
        ctx.remove(FailureHandler.READING_BODY);
        parse.run();
      }
    });
    req.resume();
  }

  /** {@code application/x-www-form-urlencoded}, with no parameter but {@code charset=utf-8}. */
  static boolean isForm(String contentType) {
    return isType(contentType, "application/x-www-form-urlencoded");
  }

  /** A route that reads its body itself, streamed (it checks the type). */
  @SafeVarargs
  public final void streamed(Route route, String name, Handler<RoutingContext>... chain) {
    named(route, name, chain);
  }

  /**
   * Refuses a body that is not JSON before the body handler reads it: a platform handler, the only kind Vert.x
   * Web runs before a body handler; synchronous, so the body handler still finds the request unread.
   */
  private static final io.vertx.ext.web.handler.PlatformHandler JSON_ONLY = ctx -> {
    String type = contentType(ctx.request());
    if ((hasBody(ctx) || type != null) && !isJson(type)) {
      ctx.fail(new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send application/json (UTF-8)"));
      return;
    }
    ctx.put(FailureHandler.READING_BODY, Boolean.TRUE); // until the body handler is through (named clears it)
    ctx.next();
  };

  /**
   * Refuses a body read without being announced as JSON: over HTTP/2 a body may come with neither
   * {@code Content-Length} nor {@code Transfer-Encoding}, so {@link #JSON_ONLY} let it through untyped.
   */
  private static final Handler<RoutingContext> JSON_READ = ctx -> {
    io.vertx.core.buffer.Buffer read = ctx.body().buffer();
    if (read != null && read.length() > 0 && !isJson(contentType(ctx.request()))) {
      ctx.fail(new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send application/json (UTF-8)"));
      return;
    }
    ctx.next();
  };

  /** The request's {@code Content-Type}, null if none; several read as one that is not JSON (""). */
  static String contentType(HttpServerRequest req) {
    java.util.List<String> all = req.headers().getAll("Content-Type");
    return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : "";
  }

  /** Whether the request announces a body: a non-zero Content-Length, or any Transfer-Encoding. */
  static boolean hasBody(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    if (ctx.request().getHeader("Transfer-Encoding") != null) {
      return true; // chunked: announced, even if its first chunk is the last (a client that sends none omits it)
    }
    try {
      return length != null && Long.parseLong(length.strip()) > 0;
    } catch (NumberFormatException e) {
      return true; // Netty refuses such a length before this runs; counted as a body all the same
    }
  }

  /** {@code application/json}, with no parameter but {@code charset=utf-8}. */
  static boolean isJson(String contentType) {
    return isType(contentType, "application/json");
  }

  private static boolean isType(String contentType, String expected) {
    if (contentType == null) {
      return false;
    }
    if (contentType.length() == expected.length() && contentType.equalsIgnoreCase(expected)) {
      return true; // as sent by most clients: no parameter, nothing to split
    }
    String[] parts = contentType.split(";");
    if (!parts[0].strip().equalsIgnoreCase(expected)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip().toLowerCase(java.util.Locale.ROOT).replace("\"", "");
      if (!p.equals("charset=utf-8")) {
        return false;
      }
    }
    return true;
  }

  @SafeVarargs
  private void named(Route route, String name, Handler<RoutingContext>... chain) {
    if (!names.add(name)) {
      throw new IllegalStateException("two routes are named " + name + ": a name is an operationId, give each its own");
    }
    route.setName(name);
    route.handler(ctx -> {
      ctx.remove(FailureHandler.READING_BODY);
      ctx.put(ROUTE, name);
      ctx.next();
    });
    for (Handler<RoutingContext> h : chain) {
      route.handler(h);
    }
  }
}
