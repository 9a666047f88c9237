package fr.sesame.channels.spi;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** A provider SDK's asynchronous call seen from Vert.x. */
public final class SdkCalls {
  private SdkCalls() {}

  /**
   * @param classify turns the SDK's failure (unwrapped from {@link CompletionException}) into a
   *                 {@link ProviderException}
   * @return a future completing on the caller's Vert.x context (or any thread outside one)
   */
  public static <T> Future<T> onCaller(CompletionStage<T> stage, Function<Throwable, ProviderException> classify) {
    Context ctx = Vertx.currentContext();
    Future<T> f = ctx == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, ctx);
    return f.recover(e -> Future.failedFuture(classify.apply(
        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e)));
  }
}
