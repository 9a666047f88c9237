package fr.sesame.gateway.roll;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.ImportJob;
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
 * Imports a voter roll (CSV, header {@link RollLineParser#HEADER}, optionally {@code ,postalAddress}, separated by
 * {@code ,} or {@code ;}, in UTF-8
 * or Windows-1252: {@link RollCharset}) read as a stream, line by line: valid voters are written in pipelined
 * batches of {@value #BATCH}, one parsed while the one before it is written, the stream paused while two are
 * ({@link Upload#take}), so a roll of any size is never held in memory. The
 * report ({@link RollReport}) counts what was imported, lists rejected lines with their number and reason and the
 * imported voters no channel of their college reaches, and says which encoding and separator were read; the
 * import is audited. A roll that cannot be read fails with a {@link ProblemException}: too large
 * ({@code payload-too-large}), no header, UTF-16 or a line too long ({@code validation-failed}); voters written
 * before that stay written (a re-import is idempotent). An import run as a job ({@link RollImportJobs}) also
 * tells a {@link Listener} how it goes.
 */
public final class RollImport {
  static final int BATCH = 500;
  /** Batches taken and not written yet: one being written, one being parsed. */
  private static final int MAX_IN_FLIGHT = 2;
  /** With a listener, it is told how the import goes at least every this many lines (rejected lines make no batch). */
  static final int PROGRESS_LINES = 2_000;
  private static final int MAX_LINE_BYTES = 8 * 1024;
  /**
   * What the line parser may hold unread: a line being received, and the lines that came with it in one buffer
   * while the import is paused (a batch being written). Its own limit checks all it holds, complete lines
   * included: at {@link #MAX_LINE_BYTES} a pause in a large buffer (an HTTP/2 DATA frame holds up to 16 KiB)
   * failed a roll whose lines were all short. Each line is checked against {@link #MAX_LINE_BYTES} as it comes.
   */
  private static final int MAX_HELD_BYTES = 64 * 1024;

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
    return new Upload(election, body, client, null).start();
  }

  /** As {@link #run(Election, ReadStream, ClientInfo)}, telling {@code listener} how the import goes. */
  Future<JsonObject> run(Election election, ReadStream<Buffer> body, ClientInfo client, Listener listener) {
    return new Upload(election, body, client, listener).start();
  }

  /**
   * What an import tells as it goes, on its event loop. The import waits for each call's future before it reads
   * on; a failed one stops it with that failure.
   */
  interface Listener {
    /** The job's id, named in the import's audit event. */
    String jobId();

    /** The header line is read and valid: the roll is being imported. */
    Future<Void> started();

    /**
     * The counts so far and the line report's lines since the last call ({@link LineReport}, "" for none): after
     * each batch is written, at least every {@value #PROGRESS_LINES} lines, and once at the end, before the
     * import ends (so the last counts told are the final ones).
     */
    Future<Void> progress(ImportJob.Counts counts, String lines);
  }

  /** A line as read, before its decoding. */
  private record Raw(long line, byte[] bytes) {}

  /**
   * A line decoded and parsed ({@code result} null for a blank line), or not decoded ({@code invalidReason}).
   */
  private record Parsed(long line, boolean decoded, RollLineParser.Result result, String invalidReason) {}

  /** A line told to the listener: a voter's outcome is known once its batch is written ({@code row}). */
  private record Pending(long line, String identifier, String reason, boolean row) {}

  /** One import in progress; everything runs on the caller's event loop. */
  private final class Upload {
    private final Election election;
    private final ClientInfo client;
    private final Listener listener; // null: nothing is told as it goes, and no line report is kept
    private final RecordParser lines;
    private final Promise<JsonObject> result = Promise.promise();
    private final RollCharset charset = new RollCharset();
    private final RollReport report = new RollReport();
    private RollLineParser parser; // once the header has told the separator
    private char separator;
    private List<Raw> raw = new ArrayList<>(BATCH); // lines read, not parsed yet
    private List<VoterStore.VoterRow> batch = new ArrayList<>(BATCH);
    private List<Pending> pending = new ArrayList<>(); // with a listener: the lines not told yet, in order
    private long lineNo;
    private long toldAt; // lineNo when the listener was last told
    private long takenAt; // lineNo when the last batch was taken
    private int inFlight; // batches taken and not written yet: the stream is paused at MAX_IN_FLIGHT
    private Future<Void> parseTail = Future.succeededFuture(); // the last batch's parsing: they run in order
    private Future<Void> writeTail = Future.succeededFuture(); // the last batch's writing: they run in order
    private long bytes;
    private long imported;
    private long created;
    private boolean starting; // the listener's start: the stream is paused until it is over
    private boolean ended;
    private boolean done;

    Upload(Election election, ReadStream<Buffer> body, ClientInfo client, Listener listener) {
      this.election = election;
      this.client = client;
      this.listener = listener;
      this.lines = RecordParser.newDelimited("\n", body);
      lines.maxRecordSize(MAX_HELD_BYTES);
    }

    Future<JsonObject> start() {
      lines.handler(this::line);
      // the parser's own limit (a line with no end in sight), a problem the stream names (a job's spool: too
      // large, or not spooled), or the upload's failure
      lines.exceptionHandler(e -> abort(e instanceof ProblemException p ? p : invalid(e instanceof IllegalStateException
          ? tooLong(lineNo + 1) : "the upload broke off after line " + lineNo)));
      lines.endHandler(v -> {
        ended = true;
        take();
        maybeFinish();
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
      if (buf.length() > MAX_LINE_BYTES) {
        abort(invalid(tooLong(lineNo)));
        return;
      }
      byte[] text = buf.getBytes();
      if (lineNo == 1) {
        header(text);
        return;
      }
      raw.add(new Raw(lineNo, text));
      if (raw.size() >= BATCH || listener != null && lineNo - takenAt >= PROGRESS_LINES) {
        take();
      }
    }

    private static String tooLong(long line) {
      return "line " + line + " is longer than " + MAX_LINE_BYTES + " bytes";
    }

    /**
     * Decodes and parses lines (the charset's detection, the keyed hashes and encryptions of each voter): on a worker
     * thread, so that a large import leaves the event loop to the requests it serves. One batch at a time, in order
     * ({@link #take}), so the charset's and parser's state pass from one worker to the next in order.
     */
    private List<Parsed> parse(List<Raw> lines) {
      List<Parsed> out = new ArrayList<>(lines.size());
      for (Raw l : lines) {
        Optional<String> text = charset.decode(l.bytes());
        out.add(text.isEmpty() ? new Parsed(l.line(), false, null, charset.invalidReason())
            : new Parsed(l.line(), true, parser.parse(text.get()), null));
      }
      return out;
    }

    /** What {@link #parse} found, told on the event loop: rejections, unreachable voters, rows for the batch. */
    private void apply(List<Parsed> parsed) {
      for (Parsed p : parsed) {
        RollLineParser.Result r = p.result();
        if (!p.decoded()) {
          rejected(p.line(), "", p.invalidReason());
        } else if (r == null) {
          continue; // a blank line
        } else if (r.rejection() != null) {
          rejected(p.line(), r.identifier(), r.rejection());
        } else {
          String note = null;
          if (r.unreachable() != null) {
            report.unreachable(p.line(), r.unreachable());
            note = LineReport.unreachable(r.unreachable().phoneAtLogin());
          }
          batch.add(r.row());
          if (listener != null) {
            pending.add(new Pending(p.line(), r.identifier(), note, true));
          }
        }
      }
    }

    private void rejected(long line, String identifier, String reason) {
      report.rejected(line, reason);
      if (listener != null) {
        pending.add(new Pending(line, identifier, reason, false));
      }
    }

    /** The header line tells the separator (and may carry a UTF-8 byte-order mark). */
    private void header(byte[] raw) {
      if (RollCharset.isUtf16(raw)) {
        abort(invalid("the roll is in UTF-16 (\"Unicode text\"): save it as CSV, in UTF-8 or Windows-1252"));
        return;
      }
      Optional<RollLineParser.Header> found = charset.header(raw).flatMap(RollLineParser::headerOf);
      if (found.isEmpty()) {
        abort(invalid(HEADER_EXPECTED));
        return;
      }
      separator = found.get().separator();
      parser = new RollLineParser(election, keys, hasher, cipher, found.get());
      if (listener != null) {
        hold(listener.started());
      }
    }

    /** Pauses the stream until the listener's start is over, then reads on (or ends); a failure stops the import. */
    private void hold(Future<?> work) {
      starting = true;
      lines.pause();
      work.onSuccess(v -> {
        starting = false;
        if (ended) {
          maybeFinish();
        } else if (!done) {
          lines.resume();
        }
      }).onFailure(this::abort);
    }

    /**
     * Takes the lines read as a batch: parsed on a worker thread (the charset's detection, keyed hashes and
     * encryptions) while the batch before it is written, then written once that one is: so that the worker and the
     * event loop with Redis work at the same time, on two cores. Batches are parsed in order and written in order
     * (the charset's and parser's state pass from one to the next; the listener is told in order). At most
     * {@value #MAX_IN_FLIGHT} batches are taken and not yet written: the stream is paused until one is.
     */
    private void take() {
      if (done || raw.isEmpty()) {
        return;
      }
      List<Raw> taken = raw;
      raw = new ArrayList<>(BATCH);
      long at = lineNo;
      takenAt = at;
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      Future<List<Parsed>> parsed = parseTail.compose(v -> context == null ? Future.succeededFuture(parse(taken))
          : context.executeBlocking(() -> parse(taken), false));
      parseTail = parsed.mapEmpty();
      inFlight++;
      if (inFlight >= MAX_IN_FLIGHT) {
        lines.pause();
      }
      writeTail = writeTail.compose(v -> parsed).compose(p -> {
        apply(p);
        return write(at);
      });
      writeTail.onComplete(this::written);
    }

    /** A batch (or the last progress) is written: reads on, or finishes once the stream has ended. */
    private void written(io.vertx.core.AsyncResult<Void> outcome) {
      inFlight--;
      if (outcome.failed()) {
        abort(outcome.cause());
        return;
      }
      if (done) {
        return;
      }
      if (ended) {
        maybeFinish();
      } else if (inFlight < MAX_IN_FLIGHT && !starting) {
        lines.resume();
      }
    }

    /**
     * Once the stream has ended and every batch is written: tells the listener of the lines no batch told (blank
     * lines at the end), then finishes.
     */
    private void maybeFinish() {
      if (done || starting || inFlight > 0) {
        return;
      }
      if (!raw.isEmpty()) {
        take();
        return;
      }
      if (listener != null && (!pending.isEmpty() || toldAt < lineNo)) {
        inFlight++;
        writeTail = writeTail.compose(v -> write(lineNo));
        writeTail.onComplete(this::written);
        return;
      }
      finish();
    }

    /**
     * Writes the batch and tells the listener how the import goes.
     * @param at the line the batch ends with: the lines told as read
     */
    private Future<Void> write(long at) {
      List<VoterStore.VoterRow> rows = batch;
      List<Pending> told = pending;
      boolean tell = listener != null && (!told.isEmpty() || ended && toldAt < at);
      if (rows.isEmpty() && !tell) {
        return Future.succeededFuture();
      }
      batch = new ArrayList<>(BATCH);
      pending = new ArrayList<>();
      Future<List<Boolean>> written = rows.isEmpty() ? Future.succeededFuture(List.of()) : voters.importVoters(rows);
      return written.compose(outcomes -> {
        imported += outcomes.size();
        for (boolean isNew : outcomes) {
          created += isNew ? 1 : 0;
        }
        if (!tell) {
          return Future.succeededFuture();
        }
        toldAt = at;
        return listener.progress(new ImportJob.Counts(at, imported, created, report.rejected(),
            report.unreachableCount()), csv(told, outcomes));
      });
    }

    /** The line report's lines of {@code told}, each voter with its batch's outcome. */
    private String csv(List<Pending> told, List<Boolean> outcomes) {
      StringBuilder out = new StringBuilder();
      int next = 0;
      for (Pending p : told) {
        String outcome = !p.row() ? LineReport.REJECTED : outcomes.get(next++) ? LineReport.CREATED : LineReport.UPDATED;
        out.append(LineReport.line(p.line(), p.identifier(), outcome, p.reason()));
      }
      return out.toString();
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
              "separator", String.valueOf(separator), "jobId", listener == null ? null : listener.jobId()))
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
      + " (or the same names separated by ;), optionally followed by a column " + RollLineParser.POSTAL_COLUMN;

  private static ProblemException invalid(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail);
  }

  /** The problem of a roll over {@code maxBytes}. */
  public static ProblemException tooLarge(long maxBytes) {
    return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "a roll may be at most " + maxBytes + " bytes");
  }
}
