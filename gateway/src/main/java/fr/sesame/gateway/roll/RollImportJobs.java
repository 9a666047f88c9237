package fr.sesame.gateway.roll;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.ImportJob;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.store.ImportJobStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Voter-roll imports ({@link RollImport}), one at a time per election across gateway instances: each holds the
 * election's import lock, a lease it renews every {@link #RENEW_EVERY} while it runs and releases at its end, so
 * a second import meanwhile fails with {@code import-in-progress} (409), and one whose gateway stopped blocks the
 * next for {@link #LEASE} at most. An import runs either
 * <ul>
 * <li>synchronously ({@link #importNow}): its report once the whole upload is read and written; or
 * <li>as a job ({@link #start}): its id once the roll's header is read and the job recorded; the upload goes on
 *     being read and written, and the job's progress ({@link #find}: counts updated after every batch of
 *     {@value RollImport#BATCH} voters and at least every {@value RollImport#PROGRESS_LINES} lines) and its line
 *     report ({@link #lineReport}) are kept in the store, so any gateway instance answers them, for {@link #KEPT}.
 * </ul>
 * A job's start and end are audited ({@code roll.import.start}, then {@code roll.import} as a synchronous import
 * does, with outcome {@code failed} when it did not end well). Every method runs on the caller's event loop and
 * fails with the store's exception when the store is unreachable.
 */
public final class RollImportJobs {
  private static final Logger LOG = LoggerFactory.getLogger(RollImportJobs.class);
  /** How long an import's lock holds unrenewed: a gateway that stops mid-import blocks the next one this long. */
  public static final Duration LEASE = Duration.ofSeconds(60);
  /** How often a running import renews its lease (a quarter of it: three renewals may fail before it is lost). */
  public static final Duration RENEW_EVERY = LEASE.dividedBy(4);
  /** How long a job's record and line report are kept after its end. */
  public static final Duration KEPT = Duration.ofDays(7);
  /** What a job id is made of; any other names no job. */
  public static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** Chunks of the line report read at a time (each holds a batch's lines: about 500). */
  private static final int REPORT_PAGE = 20;

  private final RollImport rolls;
  private final ImportJobStore store;
  private final AuditTrail audit;
  private final RandomTokens random;
  private final Clock clock;
  private final Vertx vertx;
  private final fr.sesame.gateway.election.SealGate gate;

  /** @param vertx for the lease's renewal timer, set on the importing event loop */
  public RollImportJobs(RollImport rolls, ImportJobStore store, AuditTrail audit, RandomTokens random, Clock clock,
                        Vertx vertx) {
    this(rolls, store, audit, random, clock, vertx, fr.sesame.gateway.election.SealGate.NONE);
  }

  /** @param gate refuses the import into a sealed election ({@code election-sealed}), before a byte is read */
  public RollImportJobs(RollImport rolls, ImportJobStore store, AuditTrail audit, RandomTokens random, Clock clock,
                        Vertx vertx, fr.sesame.gateway.election.SealGate gate) {
    this.gate = gate;
    this.rolls = rolls;
    this.store = store;
    this.audit = audit;
    this.random = random;
    this.clock = clock;
    this.vertx = vertx;
  }

  /**
   * A job that has started: its id, and its end, which completes with the final report once it is done and
   * recorded, or fails with what stopped it (a {@link ProblemException} for a roll that cannot be read).
   */
  public record Started(String jobId, Future<JsonObject> report) {}

  /** The largest roll accepted, in bytes. */
  public long maxBytes() {
    return rolls.maxBytes();
  }

  /**
   * Imports the roll and completes with its report ({@link RollImport#run}) once {@code body} (paused by the
   * caller) is read and written, holding the election's import lock meanwhile. Keeps no job record and no line
   * report. Fails with {@code import-in-progress}, before a byte is read, while another import of the election
   * runs; else as {@link RollImport#run}.
   */
  public Future<JsonObject> importNow(Election election, ReadStream<Buffer> body, ClientInfo client) {
    String token = newId();
    return gate.unsealed(election.id()).compose(v -> acquire(election.id(), token))
        .compose(lease -> rolls.run(election, body, client)
        .transform(done -> {
          lease.stop();
          // the release is sent before the answer, so a client that imports again once answered finds the lock
          // free; a failure is answered without waiting for Redis: one of the upload (broken framing, a cut
          // connection) must be answered at once, before Vert.x closes the connection
          Future<Void> released = store.unlock(election.id(), token);
          return done.succeeded() ? released.map(done.result()) : Future.<JsonObject>failedFuture(done.cause());
        }));
  }

  /**
   * Starts importing the roll as a job. Completes once the job is recorded and its start audited: {@code body}
   * (paused by the caller) has been read up to its header line, which is valid; the rest is imported as the job
   * runs, its progress readable through {@link #find}. {@code body} is read as fast as it comes, into a spool
   * ({@link RollSpool}) the import reads back at its own pace: the caller may answer as soon as this completes,
   * and its client may close the connection once it has sent the whole roll. Fails, with nothing recorded and
   * the lock released, with {@code import-in-progress} while another import of the election runs (before a byte
   * is read; the problem's {@code jobId} names the running job when it is one), or with the problem of a roll
   * refused at its first line (empty, no header, UTF-16, too large). Call it on an event loop.
   */
  public Future<Started> start(Election election, ReadStream<Buffer> body, ClientInfo client) {
    String jobId = newId();
    return gate.unsealed(election.id()).compose(v -> acquire(election.id(), jobId)).compose(lease -> {
      Job job = new Job(election.id(), jobId, client, lease);
      return RollSpool.open(vertx, body, rolls.maxBytes(), job::uploadFailed)
          .recover(e -> {
            lease.stop();
            return store.unlock(election.id(), jobId).transform(released -> Future.failedFuture(e));
          })
          .compose(spool -> {
            job.spool = spool;
            rolls.run(election, spool, client, job).onComplete(job::end);
            return job.registered.future();
          });
    });
  }

  /**
   * The job as it stands: running, done (with its report) or failed (with its error). A job recorded as running
   * whose lease has run out (its gateway stopped before its end) is answered as failed.
   * @return empty when the election has no such job (an id of another election's job included), or it has
   *     expired ({@link #KEPT} after its end)
   */
  public Future<Optional<ImportJob>> find(String electionId, String jobId) {
    if (!JOB_ID.matcher(jobId).matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    Future<Optional<ImportJob>> job = store.find(electionId, jobId);
    Future<Optional<ImportJobStore.Lease>> lease = store.lease(electionId); // sent with the first: one round trip
    return job.compose(found -> lease.map(l -> found.map(j -> alive(j, l))));
  }

  /** The id of the election's import job running now; empty when none is (or a synchronous import runs). */
  public Future<Optional<String>> running(String electionId) {
    return store.lease(electionId).map(l -> l.filter(lease -> lease.job() && lease.untilMs() > clock.millis())
        .map(ImportJobStore.Lease::token));
  }

  /**
   * Writes the job's line report ({@link LineReport}) through {@code sink}: its header, then its lines, a page at
   * a time, each written before the next is read: those written so far while the job runs, all of them once it
   * has ended. The caller has checked the job exists ({@link #find}).
   */
  public Future<Void> lineReport(String electionId, String jobId, Function<String, Future<Void>> sink) {
    return sink.apply(LineReport.HEADER + "\r\n").compose(v -> reportPage(electionId, jobId, 0, sink));
  }

  private Future<Void> reportPage(String electionId, String jobId, long from, Function<String, Future<Void>> sink) {
    return store.lineReport(electionId, jobId, from, REPORT_PAGE).compose(chunks -> {
      if (chunks.isEmpty()) {
        return Future.succeededFuture();
      }
      return sink.apply(String.join("", chunks)).compose(v -> chunks.size() < REPORT_PAGE
          ? Future.succeededFuture() : reportPage(electionId, jobId, from + chunks.size(), sink));
    });
  }

  private ImportJob alive(ImportJob job, Optional<ImportJobStore.Lease> lease) {
    if (job.status() != ImportJob.Status.RUNNING) {
      return job;
    }
    boolean held = lease.isPresent() && lease.get().token().equals(job.jobId())
        && lease.get().untilMs() > clock.millis();
    return held ? job : job.failed(error(ProblemType.INTERNAL, "interrupted: the gateway running this import "
        + "stopped before its end; the voters written stay written: import the roll again"), null);
  }

  private Future<Lease> acquire(String electionId, String token) {
    long now = clock.millis();
    return store.lock(electionId, token, now, now + LEASE.toMillis()).compose(holder -> holder.isEmpty()
        ? Future.succeededFuture(new Lease(electionId, token))
        : Future.failedFuture(inProgress(holder.get())));
  }

  private static ProblemException inProgress(String holderJob) {
    return new ProblemException(ProblemType.IMPORT_IN_PROGRESS, "another import of this election's roll is "
        + "running: try again once it is over", holderJob.isEmpty() ? new JsonObject()
        : new JsonObject().put("jobId", holderJob));
  }

  private String newId() {
    return RandomTokens.base64Url(random.bytes(16));
  }

  private static JsonObject error(ProblemType type, String detail) {
    return new JsonObject().put("type", type.uri()).put("title", type.title()).put("detail", detail);
  }

  /** What stopped a job, as its record tells it: a problem as the API would answer it; anything else by its kind. */
  private static JsonObject errorOf(Throwable failure) {
    if (failure instanceof ProblemException p) {
      return error(p.type(), p.getMessage());
    }
    // the class only: a driver's message may quote what it was sending
    return error(ProblemType.INTERNAL, "the import stopped on " + failure.getClass().getSimpleName()
        + "; the voters written stay written: import the roll again");
  }

  /** An import's hold on the election's lock, renewed on the importing event loop until {@link #stop}. */
  private final class Lease {
    private final String electionId;
    private final String token;
    private final long timer;
    private boolean lost;

    Lease(String electionId, String token) {
      this.electionId = electionId;
      this.token = token;
      this.timer = vertx.setPeriodic(RENEW_EVERY.toMillis(), id -> renew());
    }

    private void renew() {
      long now = clock.millis();
      store.renew(electionId, token, now, now + LEASE.toMillis()).onSuccess(held -> {
        if (!held && !lost) {
          lost = true;
          LOG.warn("roll import {} of election {} lost its lock: its lease ran out unrenewed", token, electionId);
        }
      }).onFailure(e -> LOG.warn("roll import {} of election {}: lease not renewed ({}); trying again in {} s",
          token, electionId, e.getClass().getSimpleName(), RENEW_EVERY.toSeconds()));
    }

    void stop() {
      vertx.cancelTimer(timer);
    }
  }

  /** One job: what its import tells it goes to the store. Runs on the importing event loop. */
  private final class Job implements RollImport.Listener {
    private final String electionId;
    private final String jobId;
    private final ClientInfo client;
    private final Lease lease;
    private RollSpool spool; // once open
    private final Promise<Started> registered = Promise.promise();
    private final Promise<JsonObject> finished = Promise.promise();
    private ImportJob.Counts last = ImportJob.Counts.NONE;
    private Future<Void> starting; // the start being recorded, once the header is read
    private Instant startedAt; // once the start is recorded

    Job(String electionId, String jobId, ClientInfo client, Lease lease) {
      this.electionId = electionId;
      this.jobId = jobId;
      this.client = client;
      this.lease = lease;
    }

    /**
     * The upload failed (broken framing, a cut connection), as it happens: not recorded yet, the job is refused at
     * once with that failure, for the caller to answer before Vert.x closes the connection (an answer that waited
     * for the spool to be read back came too late). The import ends with it in its time, and releases the lock.
     */
    void uploadFailed(Throwable failure) {
      if (startedAt == null) {
        registered.tryFail(failure);
      }
    }

    @Override
    public String jobId() {
      return jobId;
    }

    @Override
    public Future<Void> started() {
      Instant now = clock.instant();
      starting = store.begin(electionId, jobId, now.toEpochMilli(), KEPT.toMillis()).compose(held -> {
        if (!held) {
          return Future.failedFuture(lost());
        }
        startedAt = now;
        return audit.record(electionId, AuditEvent.of(now, "roll.import.start", client.actor(), client.ip(),
            "started", "jobId", jobId));
      }).onSuccess(v -> registered.tryComplete(new Started(jobId, finished.future())));
      return starting;
    }

    @Override
    public Future<Void> progress(ImportJob.Counts counts, String lines) {
      if (lease.lost) {
        return Future.failedFuture(lost());
      }
      last = counts;
      return store.progress(electionId, jobId, counts, lines, KEPT.toMillis());
    }

    /**
     * The import is over: the job is recorded as done or failed and the lock released (or, never recorded, the
     * lock released). A start still being recorded (the import stopped meanwhile) is waited for first.
     */
    void end(AsyncResult<JsonObject> outcome) {
      lease.stop();
      spool.discard().onFailure(e -> LOG.warn("roll import {} of election {}: its spool file was not deleted ({})",
          jobId, electionId, e.getClass().getSimpleName()));
      Future<Void> recorded = starting == null ? Future.succeededFuture() : starting.otherwiseEmpty();
      recorded.onComplete(v -> record(outcome));
    }

    private void record(AsyncResult<JsonObject> outcome) {
      if (startedAt == null) { // refused before it was recorded (its header, the lock, the store): nothing to keep
        Throwable why = outcome.failed() ? outcome.cause() : new IllegalStateException("an import ended unstarted");
        store.unlock(electionId, jobId).onComplete(released -> registered.tryFail(why));
        finished.tryFail(why);
        return;
      }
      Instant now = clock.instant();
      if (outcome.succeeded()) {
        ImportJob done = new ImportJob(jobId, electionId, ImportJob.Status.DONE, last, startedAt, now,
            outcome.result(), null);
        store.finish(done, KEPT.toMillis()).onComplete(recorded -> {
          if (recorded.failed()) {
            LOG.warn("roll import {} of election {} ended, but its end was not recorded ({})", jobId, electionId,
                recorded.cause().getClass().getSimpleName());
          }
          finished.complete(outcome.result());
        });
        return;
      }
      JsonObject error = errorOf(outcome.cause());
      if (!(outcome.cause() instanceof ProblemException)) {
        LOG.warn("roll import {} of election {} stopped on {}", jobId, electionId,
            outcome.cause().getClass().getSimpleName());
      }
      ImportJob failed = new ImportJob(jobId, electionId, ImportJob.Status.FAILED, last, startedAt, now, null, error);
      store.finish(failed, KEPT.toMillis())
          .compose(v -> audit.record(electionId, AuditEvent.of(now, "roll.import", client.actor(), client.ip(),
              "failed", "imported", last.imported(), "created", last.created(), "rejected", last.rejected(),
              "unreachable", last.unreachable(), "problem", error.getString("type"), "jobId", jobId)))
          .onComplete(recorded -> finished.fail(outcome.cause()));
    }

    private ProblemException lost() {
      return new ProblemException(ProblemType.IMPORT_IN_PROGRESS, "this import lost the election's import lock "
          + "(its lease ran out unrenewed) and stopped, so as not to run beside another one: import the roll again");
    }
  }
}
