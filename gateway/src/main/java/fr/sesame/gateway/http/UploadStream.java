package fr.sesame.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * A request's body, paused, for a reader that comes after an asynchronous step (the election's lookup, the import
 * lock): a failure of the request before the reader came (broken framing, a connection cut) is not lost. Vert.x
 * tells it to the request's exception handler once, as it closes the connection: a reader that sets its handler
 * later got nothing, waited for an end that never came, and an import held its lock for as long as the gateway
 * ran. Here the failure is answered at once ({@code early}: the connection is closing, an answer written later is
 * lost) and handed to the reader as soon as it sets its exception handler. Everything else is the request's.
 * Runs on the request's event loop.
 */
final class UploadStream implements ReadStream<Buffer> {
  private final HttpServerRequest request;
  private final Handler<Throwable> early;
  private Handler<Throwable> exceptionHandler;
  private Throwable failed;

  /** @param early told of a failure that comes before the reader has set its exception handler, at once */
  UploadStream(HttpServerRequest request, Handler<Throwable> early) {
    this.request = request;
    this.early = early;
    request.pause();
    request.exceptionHandler(this::failed);
  }

  private void failed(Throwable e) {
    if (exceptionHandler != null) {
      exceptionHandler.handle(e);
    } else if (failed == null) {
      failed = e;
      early.handle(e);
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    if (handler != null && failed != null) {
      Throwable e = failed;
      failed = null;
      Vertx.currentContext().runOnContext(v -> handler.handle(e)); // once the reader is set up
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    request.handler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    request.endHandler(endHandler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    request.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    request.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    request.fetch(amount);
    return this;
  }
}
