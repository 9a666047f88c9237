package fr.sesame.gateway.audit;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;

/**
 * What a signed checkpoint kept outside Redis says of an election's chains: each writer's head and count at a
 * moment. A chain rewritten with its head in Redis no longer leads to these heads.
 *
 * @param label   names the checkpoint in a verdict, e.g. {@code checkpoint 12 of 2026-11-30T01:00:00Z}
 * @param writers writer -> its head at the checkpoint
 * @param broken  why the anchor itself cannot be trusted, or null
 */
public record ChainAnchor(String label, Map<String, Head> writers, String broken) {
  public ChainAnchor(String label, Map<String, Head> writers) {
    this(label, writers, null);
  }

  /** An anchor that cannot be trusted (e.g. its signature is wrong): the verification fails, saying why. */
  public static ChainAnchor broken(String label, String why) {
    return new ChainAnchor(label, Map.of(), why);
  }

  /** A writer's last event at the checkpoint: its hash and sequence number (the chain's event count). */
  public record Head(String hash, long count) {}

  /** Where the latest anchor of an election comes from. */
  @FunctionalInterface
  public interface Source {
    Future<Optional<ChainAnchor>> latest(String electionId);

    /** No anchors: the chains are checked on their own. */
    Source NONE = electionId -> Future.succeededFuture(Optional.empty());
  }
}
