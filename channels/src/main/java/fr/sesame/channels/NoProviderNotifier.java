package fr.sesame.channels;

import io.vertx.core.Future;

/**
 * The notifier of a gateway with no provider configured: every send fails visibly (the caller answers
 * 503 and audits the failure); nothing is pretended sent.
 */
public final class NoProviderNotifier implements Notifier {
  @Override
  public Future<Receipt> send(Message message, AttemptListener attempts, java.util.Set<String> exclude) {
    return Future.failedFuture(new NotificationException("no provider is configured for " + message.kind().wireName()));
  }
}
