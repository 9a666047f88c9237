package fr.sesame.gateway.store;

import fr.sesame.gateway.domain.ImportJob;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Roll imports (port): each election's import lock, which lets one import of its roll run at a time across
 * gateway instances, and the import jobs' records and line reports, which any instance reads back. The lock is a
 * lease: its holder extends it while it runs ({@link #renew}), and one whose lease is over (its gateway stopped
 * without releasing it) is taken over by the next import. Every decision compares the caller's {@code nowMs}; a
 * key's TTL only garbage-collects. Every method fails with the store's exception when the store is unreachable.
 */
public interface ImportJobStore {
  /** Who holds an election's import lock: a token, whether it is a job's id, and the lease's end (ms). */
  record Lease(String token, boolean job, long untilMs) {}

  /**
   * Takes the election's import lock for {@code token} until {@code untilMs}, unless another import holds a
   * lease that runs past {@code nowMs}.
   * @return empty when taken; else the holder's job id, "" when the holder is not a job (a synchronous import,
   *     or a job whose header is still being read)
   */
  Future<Optional<String>> lock(String electionId, String token, long nowMs, long untilMs);

  /** Extends the lease to {@code untilMs}. @return false when the lock is no longer {@code token}'s */
  Future<Boolean> renew(String electionId, String token, long nowMs, long untilMs);

  /** Releases the lock if {@code token} still holds it (an import that ends without a job record). */
  Future<Void> unlock(String electionId, String token);

  /**
   * Records the job {@code jobId} (the lock's token) as running, kept {@code keepMs}, and marks the lock as held
   * by that job.
   * @return false, with nothing written, when the lock is no longer the job's
   */
  Future<Boolean> begin(String electionId, String jobId, long startedMs, long keepMs);

  /**
   * A running job's counts so far, and its line report's next lines ({@code csvLines}, "" for none), kept
   * {@code keepMs}. Nothing is written once the job has ended.
   */
  Future<Void> progress(String electionId, String jobId, ImportJob.Counts counts, String csvLines, long keepMs);

  /**
   * Records how the job ended ({@code job}'s status, counts, end, report or error), keeps it and its line report
   * {@code keepMs} from now, and releases the lock if the job still holds it: all at once.
   */
  Future<Void> finish(ImportJob job, long keepMs);

  /** The job as stored (a running job's lease is {@link #lease}'s to check); empty when unknown or expired. */
  Future<Optional<ImportJob>> find(String electionId, String jobId);

  /** The election's import lock, empty when none is held (a lease that has run out is returned as it is). */
  Future<Optional<Lease>> lease(String electionId);

  /** The job's line report from its {@code from}-th chunk (0-based), at most {@code count} chunks of CSV lines. */
  Future<List<String>> lineReport(String electionId, String jobId, long from, int count);
}
