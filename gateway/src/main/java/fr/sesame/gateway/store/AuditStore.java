package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** Storage of audit chains (port). */
public interface AuditStore {
  /** One stored event: its position in the election's stream, its JSON text and its hash. */
  record Stored(String id, String json, String hash) {}

  /**
   * Appends (json, hash) pairs to {@code writer}'s chain if its stored head is {@code expectedHead}.
   * @return true when appended, false when the head differed (nothing written)
   */
  Future<Boolean> append(String electionId, String writer, String expectedHead, List<String> jsonHashPairs);

  /** Events after {@code afterId} ("-" for the start), oldest first, at most {@code count}. */
  Future<List<Stored>> range(String electionId, String afterId, int count);

  /** Events before {@code beforeId} ("+" for the end), newest first, at most {@code count} (XREVRANGE). */
  Future<List<Stored>> before(String electionId, String beforeId, int count);

  /** Like {@link #range}, among the {@code alert.*} events only (same ids as in the whole trail). */
  Future<List<Stored>> alertsAfter(String electionId, String afterId, int count);

  /** Like {@link #before}, among the {@code alert.*} events only (same ids as in the whole trail). */
  Future<List<Stored>> alertsBefore(String electionId, String beforeId, int count);

  /** Every writer's head. */
  Future<Map<String, String>> heads(String electionId);

  /** Adds events (their stored JSON text) to the election's incident log, after they were appended to its chain. */
  Future<Void> addIncidents(String electionId, List<String> eventJson);

  /** The election's incident log, oldest first: the events' JSON texts. */
  Future<List<String>> incidents(String electionId);

  /** The elections that have audit events (recorded since this index existed). */
  Future<java.util.Set<String>> elections();

  /**
   * Takes the checkpoint lease for {@code ms} if nobody holds it: so that one gateway instance at a time takes the
   * audit checkpoints. It is not renewed: it runs out by itself.
   * @return true when taken
   */
  Future<Boolean> checkpointLease(String holder, long ms);
}
