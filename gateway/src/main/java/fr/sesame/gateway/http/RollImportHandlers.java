package fr.sesame.gateway.http;

import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.ImportJob;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.problem.FailureHandler;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.roll.RollImport;
import fr.sesame.gateway.roll.RollImportJobs;
import io.vertx.core.Future;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Organisers' voter-roll imports ({@link RollImportJobs}): synchronous ({@code POST .../voters}: the report once
 * the upload is imported) or as a job ({@code POST .../imports}: 202 with the job's id, then its progress, its
 * report and its line report from any gateway instance).
 *
 * <p>How a job's upload is handled: the request streams into the job. Once the election's import lock is taken
 * and the roll's header line read and valid, the job is recorded and the 202 answered, while the rest of the body
 * is still arriving. The body is read as fast as it comes into the job's spool (a temporary file, encrypted with a
 * key held in memory, deleted at the end: {@code RollSpool}), which the import reads back batch by batch,
 * recording its progress as it goes. So the job's id, and its progress from any connection and any gateway
 * instance, are there while the upload and the import run; the upload takes the network's time, not the
 * import's, and a large roll holds no request open for minutes. Why a spool rather than the request itself:
 * the import pauses its input while it writes a batch; reading the request directly, the end of the body waited
 * in the connection's buffers, and a client that closes once it has sent everything and got its answer (curl
 * does) had Vert.x report the close before that end, failing a job whose roll was whole. Memory stays bounded
 * (at most 8 MiB of writes queued while the disk catches up), and Redis holds the job's record and line report,
 * never the roll.
 * HTTP allows a final answer before the request's end when it does not depend on the rest (RFC 9113 §8.1; per
 * RFC 9110 §10.1.1 the answer says the server reads on: no {@code Connection: close}); a client that reads the
 * answer only once it has sent the whole body finds it waiting. A roll refused at its first line (no header,
 * UTF-16, empty, too large) and a second import while one runs are answered with their problem as the
 * synchronous route answers them, and nothing is recorded. A roll that breaks later (a line too long, the upload
 * cut, over {@code http.maxRollBytes}) fails the job, whose record says why; the rest of its upload is not read
 * (the HTTP/1.x connection is closed, an HTTP/2 stream reset).
 */
public final class RollImportHandlers implements RouteGroup {
  private final RollImportJobs rolls;
  private final ElectionService elections;
  private final ApiKeyAuth auth;

  public RollImportHandlers(RollImportJobs rolls, ElectionService elections, ApiKeyAuth auth) {
    this.rolls = rolls;
    this.elections = elections;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    String base = "/v1/admin/elections/:electionId";
    routes.streamed(router.post(base + "/voters"), "roll-import", auth.require(Role.ADMIN), this::importRoll);
    routes.streamed(router.post(base + "/imports"), "roll-import-start", auth.require(Role.ADMIN), this::start);
    routes.plain(router.get(base + "/imports/:jobId"), "roll-import-job", auth.require(Role.ADMIN), this::job);
    routes.plain(router.get(base + "/imports/:jobId/report.csv"), "roll-import-report", auth.require(Role.ADMIN),
        this::report);
  }

  /**
   * {@code text/csv}, streamed ({@link RollImport}). A roll that cannot be read to its end is answered at once
   * and the connection closed, as the rest of the upload is not read.
   */
  private void importRoll(RoutingContext ctx) {
    Future<Election> election = acceptCsv(ctx);
    UploadStream body = new UploadStream(ctx.request(), e -> brokenUpload(ctx, e));
    var client = ApiKeyAuth.client(ctx);
    election.compose(e -> rolls.importNow(e, body, client))
        .onSuccess(report -> ApiRouter.json(ctx, 200, report))
        .onFailure(e -> refuse(ctx, e));
  }

  /** {@code text/csv}: 202 once the job is recorded (see the class's comment), the import going on. */
  private void start(RoutingContext ctx) {
    Future<Election> election = acceptCsv(ctx);
    UploadStream body = new UploadStream(ctx.request(), e -> brokenUpload(ctx, e));
    var client = ApiKeyAuth.client(ctx);
    election.compose(e -> rolls.start(e, body, client)).onSuccess(started -> {
      started.report().onFailure(e -> {
        if (!ctx.request().isEnded()) { // the rest of the upload is not read: stop it
          stopUpload(ctx);
        }
      });
      ctx.response().putHeader("Location", jobPath(ctx.pathParam("electionId"), started.jobId()));
      ApiRouter.json(ctx, 202, new JsonObject().put("jobId", started.jobId())
          .put("status", ImportJob.Status.RUNNING.json()));
    }).onFailure(e -> refuse(ctx, e));
  }

  private void job(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> rolls.find(e.id(), ctx.pathParam("jobId")))
        .onSuccess(job -> {
          if (job.isEmpty()) {
            ctx.fail(new ProblemException(ProblemType.IMPORT_NOT_FOUND, null));
          } else {
            ApiRouter.json(ctx, 200, job.get().toJson());
          }
        }).onFailure(ctx::fail);
  }

  /** The line report, CSV, streamed page by page; while the job runs, the lines imported so far. */
  private void report(RoutingContext ctx) {
    String jobId = ctx.pathParam("jobId");
    Paths.election(ctx, elections).compose(e -> rolls.find(e.id(), jobId).map(job -> {
      if (job.isEmpty()) {
        throw new ProblemException(ProblemType.IMPORT_NOT_FOUND, null);
      }
      return e;
    })).onSuccess(e -> {
      ctx.response().setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"import-" + jobId + ".csv\"");
      rolls.lineReport(e.id(), jobId, ApiRouter.chunks(ctx))
          .onSuccess(v -> ctx.response().end()).onFailure(err -> ctx.response().reset());
    }).onFailure(ctx::fail);
  }

  private static String jobPath(String electionId, String jobId) {
    return "/v1/admin/elections/" + electionId + "/imports/" + jobId;
  }

  /**
   * The request, paused, once it is {@code text/csv} within the size limit and its election exists. Refused
   * before a byte of the body is read, the rest of the upload is never read: the connection closes after the
   * answer (without it, a client still sending a large body waited for an answer that never came:
   * HostileRequestFuzzTest, a 200 KB body without a content type).
   */
  private Future<Election> acceptCsv(RoutingContext ctx) {
    ctx.request().pause();
    try {
      requireCsvWithin(ctx, rolls.maxBytes());
    } catch (ProblemException e) {
      closeAfterAnswer(ctx);
      throw e;
    }
    return Paths.election(ctx, elections);
  }

  /**
   * Answers the problem, once; the rest of an upload not read to its end is not read: the connection closes.
   * An upload's own failure is answered as it happens ({@link UploadStream}), and met again when the import that
   * held the lock meanwhile stops on it: that second time finds the answer given.
   */
  private static void refuse(RoutingContext ctx, Throwable e) {
    if (ctx.response().headWritten() || ctx.response().closed()) {
      return;
    }
    if (!ctx.request().isEnded()) {
      closeAfterAnswer(ctx);
    }
    ctx.fail(e);
  }

  /**
   * The upload broke before the import read it (its framing, its connection): answered as a request whose
   * framing broke mid-body is ({@code malformed-request}), at once, as Vert.x closes the connection.
   */
  private static void brokenUpload(RoutingContext ctx, Throwable e) {
    ctx.put(FailureHandler.READING_BODY, Boolean.TRUE);
    refuse(ctx, e);
  }

  /** The request's body is left unread: its HTTP/1.x connection closes once the answer is written. */
  private static void closeAfterAnswer(RoutingContext ctx) {
    HttpEdge.closeAfterAnswer(ctx.request());
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      // the request stays unfinished: Vert.x would keep the connection open for its end
      ctx.addBodyEndHandler(v -> ctx.request().connection().close());
    }
  }

  /** A job's upload stopped after its answer: an HTTP/1.x connection closes, an HTTP/2 stream is reset. */
  private static void stopUpload(RoutingContext ctx) {
    if (ctx.request().version() == HttpVersion.HTTP_2) {
      ctx.response().reset();
    } else {
      ctx.request().connection().close();
    }
  }

  private static void requireCsvWithin(RoutingContext ctx, long maxBytes) {
    String ct = ctx.request().getHeader("Content-Type");
    String mime = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mime.equals("text/csv")) {
      throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the roll as text/csv");
    }
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && parseLong(length) > maxBytes) {
      throw RollImport.tooLarge(maxBytes);
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
