package fr.sesame.channels.fallback;

import fr.sesame.channels.WarnThrottle;
import fr.sesame.channels.AttemptListener;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.NotificationException;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.RejectedMessageException;
import fr.sesame.channels.spi.ProviderException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one channel, in order. A message goes to the first; when it fails for good (transient
 * failures after its retries, an open circuit, or a misconfiguration on our side) it goes to the next. A
 * rejection (invalid recipient or message) stops the chain: no other provider would accept it either.
 * When the chain is exhausted the send fails with {@link NotificationException}; nothing is silent.
 * Each fallback is a WARN line (channel, from, to, why in our words; never the recipient), identical ones kept to
 * one a second ({@link WarnThrottle}): with a provider down, every message falls back.
 */
public final class FallbackChain {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackChain.class);
  private final ChannelKind kind;
  private final List<GuardedProvider> providers;
  private final ChannelMetrics metrics;
  private final WarnThrottle throttle = new WarnThrottle();

  public FallbackChain(ChannelKind kind, List<GuardedProvider> providers, ChannelMetrics metrics) {
    if (providers.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one provider");
    }
    this.kind = kind;
    this.providers = List.copyOf(providers);
    this.metrics = metrics;
  }

  public ChannelKind kind() {
    return kind;
  }

  public List<GuardedProvider> providers() {
    return providers;
  }

  public Future<Receipt> send(Message message, AttemptListener attempts, Set<String> exclude) {
    return from(0, message, attempts, exclude, null);
  }

  /** The first provider at or after {@code i} not excluded, or the chain's size. */
  private int next(int i, Set<String> exclude) {
    while (i < providers.size() && exclude.contains(providers.get(i).name())) {
      i++;
    }
    return i;
  }

  private Future<Receipt> from(int i, Message message, AttemptListener attempts, Set<String> exclude,
                               ProviderException last) {
    i = next(i, exclude);
    if (i == providers.size()) {
      metrics.exhausted(kind);
      return Future.failedFuture(new NotificationException("every " + kind.wireName() + " provider failed"
          + (last == null ? "" : "; last: " + last.getMessage()), last));
    }
    GuardedProvider p = providers.get(i);
    int at = i;
    Future<Void> recorded = attempts.starting(p.name()).recover(e ->
        Future.failedFuture(new NotificationException("could not record the send to " + p.name(), e)));
    return recorded.compose(v -> p.send(message, attempts).recover(e -> {
      ProviderException failure = (ProviderException) e;
      if (failure.kind() == ProviderException.Kind.REJECTED) {
        return Future.failedFuture(new RejectedMessageException(failure.getMessage(), failure));
      }
      int to = next(at + 1, exclude);
      if (to < providers.size()) {
        String next = providers.get(to).name();
        metrics.fallback(p.name(), next);
        long skipped = throttle.admit(p.name() + '|' + next + '|' + failure.kind());
        if (skipped >= 0) { // the message is ours (ProviderException holds no recipient), the kind its class
          LOG.warn("{} fallback from {} to {}: {} ({}){}", kind.wireName(), p.name(), next,
              failure.kind().name().toLowerCase(java.util.Locale.ROOT), failure.getMessage(),
              WarnThrottle.skipped(skipped));
        }
      }
      return from(to, message, attempts, exclude, failure);
    }));
  }
}
