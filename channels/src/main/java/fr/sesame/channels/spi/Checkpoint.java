package fr.sesame.channels.spi;

import io.vertx.core.Future;

/**
 * Where a provider that builds a send in steps reports what it built, before the step that makes the send
 * irreversible (Maileva's {@code /submit}). A durable outbox records the reference, so that after a crash it can
 * ask the provider ({@link ChannelProvider#resume}) whether the send went out instead of sending it again.
 */
@FunctionalInterface
public interface Checkpoint {
  /** Records nothing: a send nobody will resume. */
  Checkpoint NONE = reference -> Future.succeededFuture();

  /**
   * @param reference the provider's own id for what it built (a sending id)
   * @return completes once the reference is recorded; the provider goes on only then, and gives up (undoing what
   *     it built) when it fails
   */
  Future<Void> built(String reference);
}
