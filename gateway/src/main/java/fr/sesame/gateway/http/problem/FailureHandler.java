package fr.sesame.gateway.http.problem;

import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.problem.RedactedException;
import fr.sesame.gateway.problem.UnavailableLog;
import fr.sesame.channels.NotificationException;
import fr.sesame.redis.StoreUnavailableException;
import fr.sesame.redis.StoreUnconfirmedException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that turns failures into responses: RFC 9457 {@code application/problem+json}, with the
 * request id as {@code instance}. Unexpected exceptions are logged (type and request id, never a body) and
 * answered 500 without details.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  public static final String REQUEST_ID = "requestId";
  /** Set while a route's body is being read: a failure then is the request's framing, not the gateway. */
  public static final String READING_BODY = "readingBody";

  @Override
  public void handle(RoutingContext ctx) {
    handle(ctx, -1);
  }

  /**
   * The error handler of {@code status}: Vert.x Web calls a status's error handler without always setting the
   * status (a malformed %-escape in the path reaches the 400 handler with none), so each knows its own.
   */
  public Handler<RoutingContext> forStatus(int status) {
    return ctx -> handle(ctx, status);
  }

  private void handle(RoutingContext ctx, int status) {
    Throwable failure = ctx.failure();
    if (ctx.response().closed()) {
      // the client went away (mid-body, or before its answer): nothing to answer, nothing the operator must do
      LOG.debug("request {}: client gone before its answer ({})", requestId(ctx),
          failure == null ? "no failure" : failure.getClass().getSimpleName());
      return;
    }
    if (failure instanceof ProblemException p) {
      if (p.type().status() >= 500) { // a dependency failed: operators must see it (the detail holds no personal data)
        UnavailableLog.warn(requestId(ctx), p.type().status(), p.type(), p);
      }
      if (!ctx.response().headWritten()) {
        p.headers().forEach(ctx.response()::putHeader);
      }
      write(ctx, p.type(), p.getMessage(), p.extensions());
    } else if (failure instanceof StoreUnconfirmedException) {
      // applied by the primary, not confirmed by its replicas: the client retries (docs/design.md, "Durability")
      UnavailableLog.warn(requestId(ctx), ProblemType.WRITE_UNCONFIRMED.status(), ProblemType.WRITE_UNCONFIRMED,
          failure);
      write(ctx, ProblemType.WRITE_UNCONFIRMED, null, new JsonObject().put("retryAfterSeconds", 1));
    } else if (failure instanceof StoreUnavailableException || failure instanceof NotificationException) {
      UnavailableLog.warn(requestId(ctx), 503, ProblemType.DEPENDENCY_UNAVAILABLE, failure);
      // Retry-After: 1, as for an unconfirmed write: a dropped connection, a Redis Cluster primary being replaced
      // (a few seconds) is over soon, and a client that honours it does not hammer the gateway meanwhile
      write(ctx, ProblemType.DEPENDENCY_UNAVAILABLE, null, new JsonObject().put("retryAfterSeconds", 1));
    } else if (failure == null || isStatusOnly(failure)) {
      int code = ctx.statusCode() > 0 ? ctx.statusCode() : status > 0 ? status : 400;
      // no status at all: Vert.x Web could not even decode the request's path
      write(ctx, ctx.statusCode() <= 0 && code == 400 ? ProblemType.MALFORMED_REQUEST : fromStatus(code), null,
          new JsonObject());
    } else if (isMalformedHttp(failure) || Boolean.TRUE.equals(ctx.get(READING_BODY))) {
      // the request's framing broke mid-body (bad chunk size, a body that is not what its headers say)
      // what follows on an HTTP/1.x connection cannot be framed; over HTTP/2 only the stream ends, and a
      // "Connection" header would make the answer malformed (RFC 9113 §8.2.2): the client would refuse it
      if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
        ctx.response().putHeader("Connection", "close");
      }
      write(ctx, ProblemType.MALFORMED_REQUEST, null, new JsonObject());
    } else {
      // without messages: a parser's or a driver's may quote the request (a body sent as a form, with its secret)
      LOG.error("request {} failed unexpectedly", requestId(ctx), RedactedException.of(failure));
      write(ctx, ProblemType.INTERNAL, null, new JsonObject());
    }
  }

  /** Netty's decoders fail a request's body with a codec exception when its framing is broken. */
  private static boolean isMalformedHttp(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof io.netty.handler.codec.CodecException) {
        return true;
      }
    }
    return false;
  }

  private static boolean isStatusOnly(Throwable t) {
    return t instanceof io.vertx.ext.web.handler.HttpException;
  }

  static ProblemType fromStatus(int status) {
    return switch (status) {
      case 400 -> ProblemType.VALIDATION_FAILED;
      case 401 -> ProblemType.UNAUTHORIZED;
      case 403 -> ProblemType.FORBIDDEN;
      case 404 -> ProblemType.NOT_FOUND;
      case 405 -> ProblemType.METHOD_NOT_ALLOWED;
      case 406 -> ProblemType.NOT_ACCEPTABLE;
      case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
      case 414 -> ProblemType.URI_TOO_LONG;
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case 431 -> ProblemType.HEADERS_TOO_LARGE;
      case 501 -> ProblemType.METHOD_NOT_ALLOWED; // Vert.x Web's answer to a method it does not know
      case 503 -> ProblemType.DEPENDENCY_UNAVAILABLE;
      default -> status >= 400 && status < 500 ? ProblemType.VALIDATION_FAILED : ProblemType.INTERNAL;
    };
  }

  /** Writes a problem response (if the response has not started). */
  public static void write(RoutingContext ctx, ProblemType type, String detail, JsonObject extensions) {
    write(ctx.response(), requestId(ctx), type, detail, extensions);
  }

  /** Writes a problem response on a bare response (before any router: the HTTP edge), if it has not started. */
  public static void write(HttpServerResponse res, String requestId, ProblemType type, String detail,
                           JsonObject extensions) {
    if (res.headWritten() || res.closed()) {
      if (!res.ended() && !res.closed()) {
        res.reset();
      }
      return;
    }
    JsonObject body = new JsonObject().put("type", type.uri()).put("title", type.title()).put("status", type.status());
    if (detail != null) {
      body.put("detail", detail);
    }
    body.put("instance", "urn:request:" + requestId);
    body.mergeIn(extensions);
    Object retry = extensions.getValue("retryAfterSeconds");
    if (retry != null) {
      res.putHeader("Retry-After", retry.toString());
    }
    if (type == ProblemType.UNAUTHORIZED) {
      res.putHeader("WWW-Authenticate", "Bearer");
    }
    res.setStatusCode(type.status()).putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store").end(fr.sesame.gateway.domain.JsonText.encode(body));
  }

  /** A new request id (the edge's, for requests no router saw). */
  /**
   * A random (version 4) UUID naming one request in the logs and in its answer. It is no secret and grants nothing,
   * so it is drawn from the thread's fast generator rather than from {@link UUID#randomUUID()}'s shared
   * {@code SecureRandom} (a lock and kernel reads on every request).
   */
  public static String newRequestId() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    long most = random.nextLong() & ~0xF000L | 0x4000L; // version 4
    long least = random.nextLong() & ~(0xC000_0000_0000_0000L) | 0x8000_0000_0000_0000L; // IETF variant
    return new UUID(most, least).toString();
  }

  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    if (id == null) {
      id = newRequestId();
      ctx.put(REQUEST_ID, id);
    }
    return id;
  }
}
