package fr.sesame.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import fr.sesame.gateway.http.problem.ProblemPages;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;

/**
 * The API's own documentation, public: the OpenAPI document ({@code GET /openapi.yaml}, and {@code /openapi.json}
 * converted from it at start-up) and the page of each problem type ({@code GET /problems/{name}}). Every answer
 * is prepared at start-up (a document that is not YAML stops it); each carries a Content-Security-Policy that
 * allows nothing to load, run or frame it.
 */
public final class DocsHandlers implements RouteGroup {
  static final String OPENAPI = "fr/sesame/gateway/openapi.yaml";
  /** No script, style, image, frame or form: the pages are plain HTML and the documents are data. */
  static final String CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private final byte[] yaml;
  private final byte[] json;
  private final ProblemPages problems;

  public DocsHandlers(ProblemPages problems) {
    this.problems = problems;
    this.yaml = resource(OPENAPI);
    try {
      // duplicate keys refused: a path written twice would otherwise hide the first one
      JsonNode tree = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build()
          .readTree(yaml);
      this.json = new ObjectMapper().writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new IllegalStateException(OPENAPI + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get("/openapi.yaml"), "openapi-yaml", ctx -> send(ctx, "application/yaml", yaml));
    routes.plain(router.get("/openapi.json"), "openapi-json", ctx -> send(ctx, "application/json", json));
    routes.plain(router.get("/problems/:name"), "problem-page", ctx -> send(ctx, "text/html; charset=utf-8",
        problems.page(ctx.pathParam("name")).orElseThrow(() ->
            new ProblemException(ProblemType.NOT_FOUND, "no such problem type"))));
  }

  private static void send(RoutingContext ctx, String type, byte[] body) {
    ctx.response().putHeader("Content-Type", type).putHeader("Content-Security-Policy", CSP)
        .putHeader("Referrer-Policy", "no-referrer").putHeader("Cache-Control", "public, max-age=3600")
        .end(Buffer.buffer(body));
  }

  private static byte[] resource(String name) {
    try (InputStream in = DocsHandlers.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(name + " cannot be read", e);
    }
  }
}
