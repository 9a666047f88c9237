package fr.sesame.gateway.http.problem;

import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
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

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException p) {
      if (p.type().status() >= 500) { // a dependency failed: operators must see it (the detail holds no personal data)
        LOG.warn("request {} failed: {} {}", requestId(ctx), p.type().status(), p.getMessage());
      }
      if (!ctx.response().headWritten()) {
        p.headers().forEach(ctx.response()::putHeader);
      }
      write(ctx, p.type(), p.getMessage(), p.extensions());
    } else if (failure instanceof StoreUnconfirmedException) {
      // applied by the primary, not confirmed by its replicas: the client retries (docs/design.md, "Durability")
      LOG.warn("request {} failed: {}", requestId(ctx), failure.getMessage());
      write(ctx, ProblemType.WRITE_UNCONFIRMED, null, new JsonObject().put("retryAfterSeconds", 1));
    } else if (failure instanceof StoreUnavailableException || failure instanceof NotificationException) {
      LOG.warn("request {} failed: {}", requestId(ctx), failure.getMessage());
      write(ctx, ProblemType.DEPENDENCY_UNAVAILABLE, null, new JsonObject());
    } else if (failure == null || isStatusOnly(failure)) {
      write(ctx, fromStatus(ctx.statusCode()), null, new JsonObject());
    } else {
      LOG.error("request {} failed unexpectedly", requestId(ctx), failure);
      write(ctx, ProblemType.INTERNAL, null, new JsonObject());
    }
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
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case 503 -> ProblemType.DEPENDENCY_UNAVAILABLE;
      default -> status >= 400 && status < 500 ? ProblemType.VALIDATION_FAILED : ProblemType.INTERNAL;
    };
  }

  /** Writes a problem response (if the response has not started). */
  public static void write(RoutingContext ctx, ProblemType type, String detail, JsonObject extensions) {
    HttpServerResponse res = ctx.response();
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
    body.put("instance", "urn:request:" + requestId(ctx));
    body.mergeIn(extensions);
    Object retry = extensions.getValue("retryAfterSeconds");
    if (retry != null) {
      res.putHeader("Retry-After", retry.toString());
    }
    if (type == ProblemType.UNAUTHORIZED) {
      res.putHeader("WWW-Authenticate", "Bearer");
    }
    res.setStatusCode(type.status()).putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }

  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    if (id == null) {
      id = UUID.randomUUID().toString();
      ctx.put(REQUEST_ID, id);
    }
    return id;
  }
}
