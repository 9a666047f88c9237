package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.http.pages.Browser;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The roll import (organisers): a file upload streamed into an import job, then its progress page.
 */
final class ConsoleImport {
  private final ConsoleKit kit;
  private final fr.sesame.gateway.election.ElectionService elections;
  private final fr.sesame.gateway.roll.RollImportJobs imports;

  ConsoleImport(ConsoleKit kit, fr.sesame.gateway.election.ElectionService elections, fr.sesame.gateway.roll.RollImportJobs imports) {
    this.kit = kit;
    this.elections = elections;
    this.imports = imports;
  }

  void mount(Router router, Routes routes) {
    routes.plain(router.get("/console/e/:election/import"), "console-import", kit.signedIn(this::showImport));
    // a file upload (multipart/form-data), streamed into the import job: no form parsing, the CSRF token in the
    // action's query (a multipart body's fields come after its file)
    routes.streamed(router.post("/console/e/:election/import"), "console-import-post", this::startImport);
    routes.plain(router.get("/console/e/:election/import/:job"), "console-import-job", kit.signedIn(this::showJob));
  }

  private void showImport(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    imports.running(electionId).onSuccess(running -> {
      Map<String, Object> m = kit.model(ctx);
      m.put("action", "/console/e/" + electionId + "/import?csrf=" + m.get("csrf"));
      m.put("electionHref", "/console/e/" + electionId);
      running.ifPresent(job -> m.put("runningHref", "/console/e/" + electionId + "/import/" + job));
      String error = ctx.request().getParam("erreur");
      if (error != null && error.matches("[a-z-]{1,40}")) {
        m.put("importError", kit.pages.texts(lang).getOrDefault("c.import.err." + error, kit.pages.text(lang,
            "c.import.err.other")));
      }
      m.put("maxMb", Long.toString(imports.maxBytes() / (1024 * 1024)));
      kit.render(ctx, error == null ? 200 : 400, "console-import", lang, kit.pages.text(lang, "c.importTitle"), m, null);
    }).onFailure(ctx::fail);
  }

  /** An upload left unread: its HTTP/1.x connection closes once the answer is written (nothing else frames it). */
  private static void closeAfter(RoutingContext ctx) {
    fr.sesame.gateway.http.HttpEdge.closeAfterAnswer(ctx.request());
    if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      ctx.addBodyEndHandler(v -> ctx.request().connection().close());
    }
  }

  /** The upload, streamed into a new import job; then its progress page (or the form again with the refusal). */
  private void startImport(RoutingContext ctx) {
    io.vertx.core.http.HttpServerRequest req = ctx.request();
    req.pause();
    String lang = Pages.language(ctx, null);
    String browser = Browser.id(ctx);
    String given = req.getParam("csrf");
    if (browser == null || given == null || !KeyedHasher.equal(given.getBytes(java.nio.charset.StandardCharsets
        .US_ASCII), kit.csrfOf(browser).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      closeAfter(ctx);
      kit.message(ctx, 403, lang, "c.expiredTitle", List.of(kit.pages.text(lang, "err.csrf")), "/console/connexion",
          kit.pages.text(lang, "c.loginAgain"));
      return;
    }
    String type = req.getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      closeAfter(ctx);
      ctx.fail(new fr.sesame.gateway.problem.ProblemException(fr.sesame.gateway.problem.ProblemType
          .UNSUPPORTED_MEDIA_TYPE, "a file upload (multipart/form-data) is expected"));
      return;
    }
    Cookie c = req.getCookie(SESSION_COOKIE);
    String electionId = ctx.pathParam("election");
    kit.staff.session(c == null ? null : c.getValue()).compose(who -> {
      if (who.isEmpty()) {
        closeAfter(ctx);
        redirect(ctx, "/console/connexion");
        return Future.succeededFuture();
      }
      if (kit.organiser(ctx, who.get(), lang).isEmpty()) {
        closeAfter(ctx);
        return Future.succeededFuture();
      }
      return elections.find(electionId).compose(e -> {
        if (e.isEmpty()) {
          closeAfter(ctx);
          redirect(ctx, "/console");
          return Future.succeededFuture();
        }
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        boolean[] seen = {false};
        req.setExpectMultipart(true);
        req.uploadHandler(upload -> {
          if (seen[0]) { // one file only: any other is drained
            upload.handler(b -> {});
            return;
          }
          seen[0] = true;
          upload.pause();
          imports.start(e.get(), upload, from(ctx, who.get().actor()))
              .onSuccess(started -> redirect(ctx, "/console/e/" + electionId + "/import/" + started.jobId()))
              .onFailure(err -> {
                String code = err instanceof fr.sesame.gateway.problem.ProblemException p
                    ? p.type().kebabName() : "other";
                closeAfter(ctx);
                redirect(ctx, "/console/e/" + electionId + "/import?erreur=" + code);
              })
              .onComplete(x -> done.tryComplete());
        });
        req.endHandler(v -> {
          if (!seen[0] && !ctx.response().ended()) {
            redirect(ctx, "/console/e/" + electionId + "/import?erreur=no-file");
          }
        });
        req.resume();
        return done.future();
      });
    }).onFailure(err -> {
      if (!ctx.response().ended()) {
        ctx.fail(err);
      }
    });
  }

  private void showJob(RoutingContext ctx, StaffService.Staff who, String lang) {
    if (kit.organiser(ctx, who, lang).isEmpty()) {
      return;
    }
    String electionId = ctx.pathParam("election");
    imports.find(electionId, ctx.pathParam("job")).onSuccess(found -> {
      if (found.isEmpty()) {
        kit.message(ctx, 404, lang, "c.importTitle", List.of(kit.pages.text(lang, "c.import.unknown")),
            "/console/e/" + electionId + "/import", kit.pages.text(lang, "c.importAgain"));
        return;
      }
      fr.sesame.gateway.domain.ImportJob job = found.get();
      Map<String, Object> m = kit.model(ctx);
      JsonObject counts = job.toJson();
      m.put("status", kit.pages.text(lang, "c.import.status." + job.status().name().toLowerCase(Locale.ROOT)));
      m.put("running", job.status() == fr.sesame.gateway.domain.ImportJob.Status.RUNNING);
      if (job.status() == fr.sesame.gateway.domain.ImportJob.Status.RUNNING) {
        m.put("refresh", "2"); // the page follows the job; it stops when the job ends
      }
      m.put("linesRead", String.valueOf(counts.getValue("linesRead", 0)));
      m.put("imported", String.valueOf(counts.getValue("imported", 0)));
      m.put("updated", String.valueOf(counts.getValue("updated", 0)));
      m.put("rejected", String.valueOf(counts.getValue("rejected", 0)));
      JsonObject report = job.report();
      if (report != null) {
        m.put("encoding", report.getString("encoding", ""));
        m.put("separator", report.getString("separator", ""));
        m.put("unreachableCount", String.valueOf(report.getValue("unreachableCount", 0)));
        List<String> unreachable = new ArrayList<>();
        io.vertx.core.json.JsonArray list = report.getJsonArray("unreachable");
        if (list != null) {
          for (int i = 0; i < list.size() && i < 50; i++) {
            JsonObject u = list.getJsonObject(i);
            unreachable.add(kit.pages.text(lang, "c.import.unreachableLine", u.getValue("line"), u.getString("identifier")));
          }
        }
        m.put("unreachable", unreachable);
        m.put("hasUnreachable", !unreachable.isEmpty());
        m.put("done", true);
      }
      m.put("reportHref", "/v1/admin/elections/" + electionId + "/imports/" + job.jobId() + "/report.csv");
      m.put("electionHref", "/console/e/" + electionId);
      kit.render(ctx, 200, "console-import-job", lang, kit.pages.text(lang, "c.importTitle"), m, null);
    }).onFailure(ctx::fail);
  }
}
