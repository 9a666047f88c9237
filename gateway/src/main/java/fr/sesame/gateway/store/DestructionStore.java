package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.Map;

/**
 * What the destruction of an election's data (issue 16 point 6) reads and removes: its job record (the request,
 * the approval, how far the sweep went) and, a page at a time, every key that belongs to the election.
 */
public interface DestructionStore {
  /** The job record; empty when there is none. */
  Future<Map<String, String>> job(String electionId);

  /** Creates the job record with {@code fields} unless there is one. @return false when there was one */
  Future<Boolean> create(String electionId, Map<String, String> fields);

  /** Sets the approver unless one is set (the first approval wins). @return false when one was set */
  Future<Boolean> claimApproval(String electionId, String approverId);

  Future<Void> update(String electionId, Map<String, String> fields);

  /** Removes the job record (once the certificate is written). */
  Future<Void> deleteJob(String electionId);

  /**
   * One page of the sweep: examines the keys the keyspace scan from {@code cursor} returns and removes those of
   * the election (its own keys but its definition, roll index and team set, which {@link #finish} removes last;
   * its voters' keys, found in its roll index; their phone claims; its rate-limit states; its notifications'
   * records, contents, attempts, idempotency keys and provider ids; its campaigns' delivery counters; its OpenID
   * Connect relying parties).
   *
   * @return the next cursor ("0" when the scan is over) and the number removed, by kind
   */
  Future<Page> sweep(String electionId, String cursor);

  /** What one page of the sweep did. */
  record Page(String cursor, Map<String, Long> removed) {}

  /** Removes the election's definition, roll index and team set, and its entries in the cross-election sets. */
  Future<Map<String, Long>> finish(String electionId);

  /** The staff ids with a role in the election (its team set). */
  Future<java.util.Set<String>> team(String electionId);
}
