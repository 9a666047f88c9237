package fr.sesame.gateway.roll;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.store.VoterStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports a voter roll (CSV, header {@link RollLineParser#HEADER}) read as a stream, line by line: valid voters
 * are written in pipelined batches of {@value #BATCH} while the stream is paused, so a roll of any size is never
 * held in memory. The report counts what was imported and lists rejected lines (the first {@value #MAX_LISTED})
 * with their number and reason; the import is audited. A roll that cannot be read fails with a
 * {@link ProblemException}: too large ({@code payload-too-large}), no header or a line too long
 * ({@code validation-failed}); voters written before that stay written (a re-import is idempotent).
 */
public final class RollImport {
  static final int BATCH = 500;
  static final int MAX_LISTED = 1000;
  private static final int MAX_LINE_BYTES = 8 * 1024;

  private final VoterStore voters;
  private final VoterKeys keys;
  private final KeyedHasher hasher;
  private final FieldCipher cipher;
  private final AuditTrail audit;
  private final Clock clock;
  private final long maxBytes;

  /** @param maxBytes the largest roll accepted, in bytes */
  public RollImport(VoterStore voters, VoterKeys keys, KeyedHasher hasher, FieldCipher cipher, AuditTrail audit,
                    Clock clock, long maxBytes) {
    this.voters = voters;
    this.keys = keys;
    this.hasher = hasher;
    this.cipher = cipher;
    this.audit = audit;
    this.clock = clock;
    this.maxBytes = maxBytes;
  }

  /** The largest roll accepted, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Reads {@code body} (paused by the caller, resumed here) to its end.
   * @return the report: imported, created, updated, rejected, rejections [{line, reason}], rejectionsTruncated
   */
  public Future<JsonObject> run(Election election, ReadStream<Buffer> body, ClientInfo client) {
    return new Upload(election, body, client).start();
  }

  /** One import in progress; everything runs on the caller's event loop. */
  private final class Upload {
    private final Election election;
    private final ClientInfo client;
    private final RollLineParser parser;
    private final RecordParser lines;
    private final Promise<JsonObject> result = Promise.promise();
    private List<VoterStore.VoterRow> batch = new ArrayList<>(BATCH);
    private final JsonArray rejections = new JsonArray();
    private long lineNo;
    private long bytes;
    private long imported;
    private long created;
    private long rejected;
    private boolean writing;
    private boolean ended;
    private boolean done;

    Upload(Election election, ReadStream<Buffer> body, ClientInfo client) {
      this.election = election;
      this.client = client;
      this.parser = new RollLineParser(election, keys, hasher, cipher);
      this.lines = RecordParser.newDelimited("\n", body);
      lines.maxRecordSize(MAX_LINE_BYTES);
    }

    Future<JsonObject> start() {
      lines.handler(this::line);
      lines.exceptionHandler(e -> abort(invalid("line " + (lineNo + 1) + " is longer than " + MAX_LINE_BYTES
          + " bytes, or the upload broke off")));
      lines.endHandler(v -> {
        ended = true;
        flushThenMaybeFinish();
      });
      lines.resume();
      return result.future();
    }

    private void line(Buffer buf) {
      if (done) {
        return;
      }
      lineNo++;
      bytes += buf.length() + 1;
      if (bytes > maxBytes) {
        abort(tooLarge(maxBytes));
        return;
      }
      byte[] raw = buf.getBytes();
      if (lineNo == 1) {
        if (!RollLineParser.isHeader(raw)) {
          abort(invalid("the first line must be the header " + RollLineParser.HEADER));
        }
        return;
      }
      RollLineParser.Result r = parser.parse(raw);
      if (r == null) {
        return;
      }
      if (r.rejection() != null) {
        rejected++;
        if (rejections.size() < MAX_LISTED) {
          rejections.add(new JsonObject().put("line", lineNo).put("reason", r.rejection()));
        }
        return;
      }
      batch.add(r.row());
      if (batch.size() >= BATCH) {
        flushThenMaybeFinish();
      }
    }

    private void flushThenMaybeFinish() {
      if (writing || done) {
        return;
      }
      if (batch.isEmpty()) {
        if (ended) {
          finish();
        }
        return;
      }
      List<VoterStore.VoterRow> rows = batch;
      batch = new ArrayList<>(BATCH);
      writing = true;
      lines.pause();
      voters.importVoters(rows).onSuccess(n -> {
        writing = false;
        imported += rows.size();
        created += n;
        if (ended) {
          flushThenMaybeFinish();
        } else {
          lines.resume();
        }
      }).onFailure(this::abort);
    }

    private void finish() {
      if (done) {
        return;
      }
      done = true;
      if (lineNo == 0) {
        result.fail(invalid("the roll is empty; the first line must be the header " + RollLineParser.HEADER));
        return;
      }
      JsonObject report = new JsonObject().put("imported", imported).put("created", created)
          .put("updated", imported - created).put("rejected", rejected).put("rejections", rejections)
          .put("rejectionsTruncated", rejected > rejections.size());
      audit.record(election.id(), AuditEvent.of(clock.instant(), "roll.import", client.actor(), client.ip(),
              rejected == 0 ? "success" : "partial", "imported", imported, "created", created, "rejected", rejected))
          .map(report).onComplete(result);
    }

    private void abort(Throwable failure) {
      if (!done) {
        done = true;
        result.fail(failure);
      }
    }
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail);
  }

  /** The problem of a roll over {@code maxBytes}. */
  public static ProblemException tooLarge(long maxBytes) {
    return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "a roll may be at most " + maxBytes + " bytes");
  }
}
