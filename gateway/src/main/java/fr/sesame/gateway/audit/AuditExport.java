package fr.sesame.gateway.audit;

import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * An election's audit trail as JSON lines, oldest first: {@code {"id":..,"hash":..,"event":{..}}}. {@code hash}
 * is the SHA-256 (hex) of the exact bytes of {@code event} as written, so anyone can re-check the chains.
 * Read page by page ({@value #PAGE} events), each page written before the next is read.
 */
public final class AuditExport {
  private static final int PAGE = 1000;
  private final AuditStore store;

  public AuditExport(AuditStore store) {
    this.store = store;
  }

  /** Writes every event through {@code sink} (one chunk per page); fails when the store or the sink fails. */
  public Future<Void> export(String electionId, Function<String, Future<Void>> sink) {
    return page(electionId, "-", sink);
  }

  /**
   * Writes every event through {@code sink} as {@link #export} does, each line starting with {@code prefix}
   * (e.g. {@code "kind":"event",}) before its {@code id}.
   */
  public Future<Void> export(String electionId, String prefix, Function<String, Future<Void>> sink) {
    return page(electionId, "-", prefix, sink);
  }

  private Future<Void> page(String electionId, String after, Function<String, Future<Void>> sink) {
    return page(electionId, after, "", sink);
  }

  private Future<Void> page(String electionId, String after, String prefix, Function<String, Future<Void>> sink) {
    return store.range(electionId, after, PAGE).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture();
      }
      return sink.apply(lines(events, prefix)).compose(v -> events.size() < PAGE ? Future.succeededFuture()
          : page(electionId, events.get(events.size() - 1).id(), prefix, sink));
    });
  }

  private static String lines(List<AuditStore.Stored> events, String prefix) {
    StringBuilder out = new StringBuilder();
    for (AuditStore.Stored s : events) {
      out.append("{").append(prefix).append("\"id\":\"").append(s.id()).append("\",\"hash\":\"").append(s.hash())
          .append("\",\"event\":").append(s.json()).append("}\n");
    }
    return out.toString();
  }
}
