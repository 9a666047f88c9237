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
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Imports a voter roll (CSV, header {@link RollLineParser#HEADER}, separated by {@code ,} or {@code ;}, in UTF-8
 * or Windows-1252: {@link RollCharset}) read as a stream, line by line: valid voters are written in pipelined
 * batches of {@value #BATCH} while the stream is paused, so a roll of any size is never held in memory. The
 * report ({@link RollReport}) counts what was imported, lists rejected lines with their number and reason and the
 * imported voters no channel of their college reaches, and says which encoding and separator were read; the
 * import is audited. A roll that cannot be read fails with a {@link ProblemException}: too large
 * ({@code payload-too-large}), no header, UTF-16 or a line too long ({@code validation-failed}); voters written
 * before that stay written (a re-import is idempotent).
 */
public final class RollImport {
  static final int BATCH = 500;
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
   * @return the report ({@link RollReport#toJson})
   */
  public Future<JsonObject> run(Election election, ReadStream<Buffer> body, ClientInfo client) {
    return new Upload(election, body, client).start();
  }

  /** One import in progress; everything runs on the caller's event loop. */
  private final class Upload {
    private final Election election;
    private final ClientInfo client;
    private final RecordParser lines;
    private final Promise<JsonObject> result = Promise.promise();
    private final RollCharset charset = new RollCharset();
    private final RollReport report = new RollReport();
    private RollLineParser parser; // once the header has told the separator
    private char separator;
    private List<VoterStore.VoterRow> batch = new ArrayList<>(BATCH);
    private long lineNo;
    private long bytes;
    private long imported;
    private long created;
    private boolean writing;
    private boolean ended;
    private boolean done;

    Upload(Election election, ReadStream<Buffer> body, ClientInfo client) {
      this.election = election;
      this.client = client;
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
        header(raw);
        return;
      }
      Optional<String> text = charset.decode(raw);
      if (text.isEmpty()) {
        report.rejected(lineNo, charset.invalidReason());
        return;
      }
      RollLineParser.Result r = parser.parse(text.get());
      if (r == null) {
        return;
      }
      if (r.rejection() != null) {
        report.rejected(lineNo, r.rejection());
        return;
      }
      if (r.unreachable() != null) {
        report.unreachable(lineNo, r.unreachable());
      }
      batch.add(r.row());
      if (batch.size() >= BATCH) {
        flushThenMaybeFinish();
      }
    }

    /** The header line tells the separator (and may carry a UTF-8 byte-order mark). */
    private void header(byte[] raw) {
      if (RollCharset.isUtf16(raw)) {
        abort(invalid("the roll is in UTF-16 (\"Unicode text\"): save it as CSV, in UTF-8 or Windows-1252"));
        return;
      }
      Optional<Character> found = charset.header(raw).flatMap(RollLineParser::separatorOf);
      if (found.isEmpty()) {
        abort(invalid(HEADER_EXPECTED));
        return;
      }
      separator = found.get();
      parser = new RollLineParser(election, keys, hasher, cipher, separator);
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
        result.fail(invalid("the roll is empty; " + HEADER_EXPECTED));
        return;
      }
      JsonObject json = report.toJson(imported, created, charset, separator);
      audit.record(election.id(), AuditEvent.of(clock.instant(), "roll.import", client.actor(), client.ip(),
              report.rejected() == 0 ? "success" : "partial", "imported", imported, "created", created,
              "rejected", report.rejected(), "unreachable", report.unreachableCount(), "encoding", charset.name(),
              "separator", String.valueOf(separator)))
          .map(json).onComplete(result);
    }

    private void abort(Throwable failure) {
      if (!done) {
        done = true;
        result.fail(failure);
      }
    }
  }

  private static final String HEADER_EXPECTED = "the first line must be the header " + RollLineParser.HEADER
      + " (or the same names separated by ;)";

  private static ProblemException invalid(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail);
  }

  /** The problem of a roll over {@code maxBytes}. */
  public static ProblemException tooLarge(long maxBytes) {
    return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "a roll may be at most " + maxBytes + " bytes");
  }
}
