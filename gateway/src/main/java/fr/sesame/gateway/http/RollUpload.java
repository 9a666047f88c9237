package fr.sesame.gateway.http;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.ClientInfo;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.election.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.problem.FailureHandler;
import fr.sesame.gateway.http.problem.ProblemException;
import fr.sesame.gateway.http.problem.ProblemType;
import fr.sesame.gateway.roll.RollLineParser;
import fr.sesame.gateway.store.VoterStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/admin/elections/{electionId}/voters} with a {@code text/csv} body. The body is read as a
 * stream, line by line: valid voters are written in pipelined batches while the upload is paused, so a
 * roll of any size is never held in memory. The answer counts what was imported and lists rejected lines
 * (the first {@value #MAX_LISTED} of them) with their number and reason.
 */
final class RollUpload {
  static final int BATCH = 500;
  static final int MAX_LISTED = 1000;
  private static final int MAX_LINE_BYTES = 8 * 1024;

  private final ElectionService elections;
  private final VoterStore voters;
  private final VoterKeys keys;
  private final KeyedHasher hasher;
  private final FieldCipher cipher;
  private final AuditTrail audit;
  private final Clock clock;
  private final long maxBytes;

  RollUpload(ElectionService elections, VoterStore voters, VoterKeys keys, KeyedHasher hasher, FieldCipher cipher,
             AuditTrail audit, Clock clock, long maxBytes) {
    this.elections = elections;
    this.voters = voters;
    this.keys = keys;
    this.hasher = hasher;
    this.cipher = cipher;
    this.audit = audit;
    this.clock = clock;
    this.maxBytes = maxBytes;
  }

  void handle(RoutingContext ctx) {
    ctx.request().pause();
    String ct = ctx.request().getHeader("Content-Type");
    String mime = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mime.equals("text/csv")) {
      throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the roll as text/csv");
    }
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && parseLong(length) > maxBytes) {
      throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "a roll may be at most " + maxBytes + " bytes");
    }
    ClientInfo client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).onSuccess(e -> new Upload(ctx, e, client).start()).onFailure(ctx::fail);
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** One upload in progress; everything runs on the request's event loop. */
  private final class Upload {
    private final RoutingContext ctx;
    private final Election election;
    private final ClientInfo client;
    private final RollLineParser parser;
    private final RecordParser lines;
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

    Upload(RoutingContext ctx, Election election, ClientInfo client) {
      this.ctx = ctx;
      this.election = election;
      this.client = client;
      this.parser = new RollLineParser(election, keys, hasher, cipher);
      this.lines = RecordParser.newDelimited("\n", ctx.request());
      lines.maxRecordSize(MAX_LINE_BYTES);
    }

    void start() {
      lines.handler(this::line);
      lines.exceptionHandler(e -> abort(new ProblemException(ProblemType.VALIDATION_FAILED,
          "line " + (lineNo + 1) + " is longer than " + MAX_LINE_BYTES + " bytes, or the upload broke off")));
      lines.endHandler(v -> {
        ended = true;
        flushThenMaybeFinish();
      });
      lines.resume();
    }

    private void line(Buffer buf) {
      if (done) {
        return;
      }
      lineNo++;
      bytes += buf.length() + 1;
      if (bytes > maxBytes) {
        abort(new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "a roll may be at most " + maxBytes + " bytes"));
        return;
      }
      byte[] raw = buf.getBytes();
      if (lineNo == 1) {
        if (!RollLineParser.isHeader(raw)) {
          abort(new ProblemException(ProblemType.VALIDATION_FAILED,
              "the first line must be the header " + RollLineParser.HEADER));
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
        FailureHandler.write(ctx, ProblemType.VALIDATION_FAILED,
            "the roll is empty; the first line must be the header " + RollLineParser.HEADER, new JsonObject());
        return;
      }
      JsonObject report = new JsonObject().put("imported", imported).put("created", created)
          .put("updated", imported - created).put("rejected", rejected).put("rejections", rejections)
          .put("rejectionsTruncated", rejected > rejections.size());
      audit.record(election.id(), AuditEvent.of(clock.instant(), "roll.import", client.actor(), client.ip(),
              rejected == 0 ? "success" : "partial", "imported", imported, "created", created, "rejected", rejected))
          .onSuccess(v -> ApiRouter.json(ctx, 200, report))
          .onFailure(ctx::fail);
    }

    private void abort(Throwable failure) {
      if (done) {
        return;
      }
      done = true;
      // The rest of the upload is not read: close the connection once the answer is out.
      ctx.response().putHeader("Connection", "close");
      ctx.fail(failure);
    }
  }
}
