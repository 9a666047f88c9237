package fr.sesame.gateway.domain;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A voter-roll import run as a job: its state and counts, as any gateway instance reads them back.
 *
 * @param jobId      the job's id (random, URL-safe), unique within its election
 * @param electionId the election whose roll it imports
 * @param status     running, done or failed
 * @param counts     what it has read and written so far (the final counts once it ended)
 * @param startedAt  when its roll's header was read and it was registered
 * @param finishedAt when it ended; null while it runs
 * @param report     the final report (the synchronous import's JSON) once done; null otherwise
 * @param error      why it failed ({@code type}, {@code title}, {@code detail}) once failed; null otherwise
 */
public record ImportJob(String jobId, String electionId, Status status, Counts counts, Instant startedAt,
                        Instant finishedAt, JsonObject report, JsonObject error) {
  public ImportJob {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(electionId, "electionId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(startedAt, "startedAt");
  }

  /** A job's state; its JSON and stored name is the lower-case constant name. */
  public enum Status {
    RUNNING, DONE, FAILED;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is not a status (a stored value gone wrong: a bug) */
    public static Status of(String json) {
      return valueOf(json.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * An import's counts at one point.
   * @param linesRead   lines of the file read so far, the header included (the last line number read)
   * @param imported    voters written (created + updated)
   * @param created     voters that were not on the roll before
   * @param rejected    lines rejected, each with its reason in the line report
   * @param unreachable voters imported whom no channel of their college reaches from the roll's contacts
   */
  public record Counts(long linesRead, long imported, long created, long rejected, long unreachable) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0);

    public long updated() {
      return imported - created;
    }
  }

  /** The same job, ended as failed with {@code error} at {@code at} (its counts as they stood). */
  public ImportJob failed(JsonObject error, Instant at) {
    return new ImportJob(jobId, electionId, Status.FAILED, counts, startedAt, at, null, error);
  }

  /**
   * The API's view: {@code jobId, status, linesRead, imported, created, updated, rejected, unreachable, startedAt,
   * finishedAt} (null while running), {@code report} once done, {@code error} once failed.
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("jobId", jobId).put("status", status.json())
        .put("linesRead", counts.linesRead()).put("imported", counts.imported()).put("created", counts.created())
        .put("updated", counts.updated()).put("rejected", counts.rejected()).put("unreachable", counts.unreachable())
        .put("startedAt", startedAt.toString()).put("finishedAt", finishedAt == null ? null : finishedAt.toString());
    if (report != null) {
      json.put("report", report);
    }
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }
}
