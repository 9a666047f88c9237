package fr.sesame.gateway.http;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditExport;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.audit.AuditVerifier;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.roll.RollImport;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Locale;

/** Organisers' API: elections, the voter roll, the audit trail. */
public final class AdminHandlers implements RouteGroup {
  private final ElectionService elections;
  private final AuditTrail audit;
  private final AuditExport auditExport;
  private final AuditVerifier verifier;
  private final RollImport rolls;
  private final Clock clock;
  private final ApiKeyAuth auth;

  public AdminHandlers(ElectionService elections, AuditTrail audit, AuditExport auditExport, AuditVerifier verifier,
                       RollImport rolls, Clock clock, ApiKeyAuth auth) {
    this.elections = elections;
    this.audit = audit;
    this.auditExport = auditExport;
    this.verifier = verifier;
    this.rolls = rolls;
    this.clock = clock;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    String base = "/v1/admin/elections/:electionId";
    routes.json(router.put(base), "election-put", auth.require(Role.ADMIN), this::put);
    routes.plain(router.get(base), "election-get", auth.require(Role.ADMIN), this::get);
    routes.streamed(router.post(base + "/voters"), "roll-import", auth.require(Role.ADMIN), this::importRoll);
    routes.plain(router.get(base + "/audit"), "audit-export", auth.require(Role.ADMIN), this::export);
    routes.plain(router.get(base + "/audit/verify"), "audit-verify", auth.require(Role.ADMIN), this::verify);
  }

  private void put(RoutingContext ctx) {
    String id = ctx.pathParam("electionId");
    if (!Election.ID.matcher(id).matches()) {
      throw JsonInput.invalid("the election id must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    Election election = ElectionRequest.parse(id, JsonInput.read(ctx, ElectionRequest.FIELDS));
    var client = ApiKeyAuth.client(ctx);
    elections.put(election).compose(created -> audit.record(id, AuditEvent.of(clock.instant(), "election.put",
            client.actor(), client.ip(), created ? "created" : "updated", "election", election.toJson()))
        .map(created))
        .onSuccess(created -> ApiRouter.json(ctx, created ? 201 : 200, election.toJson()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    Paths.election(ctx, elections).onSuccess(e -> ApiRouter.json(ctx, 200, e.toJson())).onFailure(ctx::fail);
  }

  /**
   * {@code text/csv}, streamed ({@link RollImport}). A roll that cannot be read to its end is answered at once
   * and the connection closed, as the rest of the upload is not read.
   */
  private void importRoll(RoutingContext ctx) {
    ctx.request().pause();
    try {
      requireCsvWithin(ctx, rolls.maxBytes());
    } catch (ProblemException e) {
      // refused before a byte of the body is read: the rest of the upload is never read, so the connection
      // closes after the answer (without it, a client still sending a large body waited for an answer that
      // never came: HostileRequestFuzzTest, a 200 KB body without a content type)
      closeAfterAnswer(ctx);
      throw e;
    }
    var client = ApiKeyAuth.client(ctx);
    Paths.election(ctx, elections).compose(e -> rolls.run(e, ctx.request(), client))
        .onSuccess(report -> ApiRouter.json(ctx, 200, report))
        .onFailure(e -> {
          if (!ctx.request().isEnded()) { // the rest of the upload is not read
            closeAfterAnswer(ctx);
          }
          ctx.fail(e);
        });
  }

  /** The request's body is left unread: its HTTP/1.x connection closes once the answer is written. */
  private static void closeAfterAnswer(RoutingContext ctx) {
    HttpEdge.closeAfterAnswer(ctx.request());
    if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      // the request stays unfinished: Vert.x would keep the connection open for its end
      ctx.addBodyEndHandler(v -> ctx.request().connection().close());
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

  private void verify(RoutingContext ctx) {
    Paths.election(ctx, elections).compose(e -> verifier.verify(e.id()))
        .onSuccess(v -> ApiRouter.json(ctx, 200, v.toJson())).onFailure(ctx::fail);
  }

  /** JSON lines, oldest first ({@link AuditExport}). */
  private void export(RoutingContext ctx) {
    Paths.election(ctx, elections).onSuccess(e -> {
      ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
      auditExport.export(e.id(), ApiRouter.chunks(ctx))
          .onSuccess(v -> ctx.response().end()).onFailure(err -> ctx.response().reset());
    }).onFailure(ctx::fail);
  }
}
