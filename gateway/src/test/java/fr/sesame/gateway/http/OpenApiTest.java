package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code openapi.yaml} against the gateway that serves it: read over real HTTP, it documents exactly the routes
 * the router has (method, path, route name as operationId), its dev-only operations are exactly the dev routes,
 * it holds together as an OpenAPI 3.1 document (every {@code $ref} resolves), each operation's {@code security}
 * is what the gateway enforces, and every problem type URI answers its page.
 */
class OpenApiTest {
  /** With the OpenID Connect provider and the login pages: every route production can mount but the dev ones. */
  @RegisterExtension
  static final TestGateway gw = TestGateway.withOidc();
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");
  private static JsonNode doc;

  /** One documented operation. */
  private record Operation(String method, String path, String operationId, boolean devOnly, JsonNode node,
                           JsonNode pathItem) {
    String route() {
      return method + " " + path + " " + operationId;
    }
  }

  @BeforeAll
  static void fetchTheDocument() throws Exception {
    Http.Res r = gw.http.get("/openapi.json", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.headers().get("Content-Security-Policy")).contains("default-src 'none'")
        .contains("frame-ancestors 'none'");
    doc = new ObjectMapper().readTree(r.body());
  }

  @Test
  void documentsExactlyTheRoutesTheGatewayServes() {
    List<ApiRouter.RouteEntry> served = gw.gateway.routes();
    assertThat(served).as("the router's routes").isNotEmpty();
    assertThat(served.stream().filter(e -> e.name() == null).toList())
        .as("routes mounted without Routes.json/plain/form/streamed (so with no name)").isEmpty();
    Set<String> routes = served.stream().map(OpenApiTest::route).collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = operations().stream().filter(o -> !o.devOnly()).map(Operation::route)
        .collect(Collectors.toCollection(TreeSet::new));
    assertRouteSets(routes, documented);
  }

  @Test
  void devOnlyOperationsAreTheDevRoutes() {
    // TestGateway runs without dev mode: the dev routes are read from a router they are mounted on alone
    Router router = Router.router(gw.gateway.vertx());
    new DevHandlers(new DevOutbox(gw.clock, 10)).mount(router, new Routes(1024));
    Set<String> routes = ApiRouter.table(router).stream().map(OpenApiTest::route)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = operations().stream().filter(Operation::devOnly).map(Operation::route)
        .collect(Collectors.toCollection(TreeSet::new));
    assertRouteSets(routes, documented);
    assertThat(gw.gateway.routes().stream().map(OpenApiTest::route).toList())
        .as("dev routes are not served outside dev mode").doesNotContainAnyElementsOf(routes);
  }

  @Test
  void operationIdsAreUniqueAndDescribed() {
    List<String> ids = operations().stream().map(Operation::operationId).toList();
    assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
    for (Operation o : operations()) {
      assertThat(o.node().path("summary").asText()).as(o.route() + " summary").isNotBlank();
      assertThat(o.node().has("security")).as(o.route() + ": security, [] when public").isTrue();
      JsonNode responses = o.node().path("responses");
      assertThat(responses.size()).as(o.route() + " responses").isPositive();
      responses.fieldNames().forEachRemaining(code ->
          assertThat(code).as(o.route() + " response code").matches("[1-5][0-9][0-9]|default"));
    }
  }

  @Test
  void yamlAndJsonAreOneDocument() throws Exception {
    Http.Res r = gw.http.get("/openapi.yaml", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/yaml");
    assertThat(r.headers().get("Content-Security-Policy")).contains("default-src 'none'");
    assertThat(r.body()).contains("OpenApiTest");
    assertThat(new YAMLMapper().readTree(r.body())).isEqualTo(doc);
  }

  @Test
  void documentRoutesKeepTheEdgeRules() {
    Http.Res body = gw.http.call(HttpMethod.GET, "/openapi.json", null, "application/json", Buffer.buffer("{}"));
    assertThat(body.status()).isEqualTo(415);
    assertThat(body.problemType()).isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE.uri());
    Http.Res post = gw.http.call(HttpMethod.POST, "/openapi.yaml", null, null, null);
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.contentType()).isEqualTo("application/problem+json");
  }

  @Test
  void isStructurallyAnOpenApi31Document() {
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    assertThat(doc.path("info").path("title").asText()).isNotBlank();
    assertThat(doc.path("info").path("version").asText()).isNotBlank();
    assertThat(doc.path("paths").isObject()).isTrue();
    List<String> refs = new ArrayList<>();
    collectRefs(doc, "#", refs);
    assertThat(refs).as("$refs").isNotEmpty();
    for (String at : refs) {
      String[] both = at.split(" -> ", 2);
      assertThat(both[1]).as("$ref at " + both[0]).startsWith("#/");
      assertThat(resolve(both[1])).as("$ref at " + both[0] + ": " + both[1]).isNotNull();
    }
    Set<String> schemes = new TreeSet<>();
    doc.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
    for (Operation o : operations()) {
      for (JsonNode requirement : o.node().path("security")) {
        requirement.fieldNames().forEachRemaining(name ->
            assertThat(schemes).as(o.route() + " security scheme").contains(name));
      }
      Map<String, JsonNode> pathParams = new TreeMap<>();
      for (JsonNode params : List.of(o.pathItem().path("parameters"), o.node().path("parameters"))) {
        for (JsonNode p : params) {
          JsonNode param = deref(p);
          assertThat(param.path("name").asText()).as(o.route() + " parameter name").isNotBlank();
          assertThat(param.path("in").asText()).as(o.route() + " parameter in")
              .isIn("path", "query", "header", "cookie");
          if (param.path("in").asText().equals("path")) {
            pathParams.put(param.path("name").asText(), param);
          }
        }
      }
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAM.matcher(o.path());
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      assertThat(pathParams.keySet()).as(o.route() + " path parameters").isEqualTo(inTemplate);
      pathParams.forEach((name, p) -> assertThat(p.path("required").asBoolean()).as(o.route() + " " + name
          + " required").isTrue());
    }
  }

  @Test
  void problemSchemaListsEveryProblemType() {
    JsonNode problem = doc.path("components").path("schemas").path("Problem");
    Set<String> documented = new TreeSet<>();
    problem.path("properties").path("type").path("enum").forEach(t -> documented.add(t.asText()));
    Set<String> types = new TreeSet<>();
    for (ProblemType t : ProblemType.values()) {
      types.add(t.uri());
    }
    assertThat(documented).isEqualTo(types);
  }

  /**
   * An operation with {@code security} refuses a request without a key (401) and one with a key of a role it
   * does not list (403), and lets a key of a listed role past the check (whatever the request then gets).
   */
  @Test
  void securityIsWhatTheGatewayEnforces() {
    Map<String, String> keys = Map.of("admin", TestGateway.ADMIN, "support", TestGateway.SUPPORT, "platform",
        TestGateway.PLATFORM);
    for (Operation o : operations()) {
      Set<String> roles = new TreeSet<>();
      o.node().path("security").forEach(req -> req.path("apiKey").forEach(role -> roles.add(role.asText())));
      if (o.devOnly() || roles.isEmpty()) {
        continue;
      }
      assertThat(keys.keySet()).as(o.route() + " roles").containsAll(roles);
      HttpMethod method = HttpMethod.valueOf(o.method());
      String path = TEMPLATE_PARAM.matcher(o.path()).replaceAll("x");
      Http.Res none = gw.http.call(method, path, null, null, null);
      assertThat(none.status()).as(o.route() + " without a key: " + none.body()).isEqualTo(401);
      assertThat(none.problemType()).isEqualTo(ProblemType.UNAUTHORIZED.uri());
      for (var k : keys.entrySet()) {
        Http.Res r = gw.http.call(method, path, k.getValue(), null, null);
        if (roles.contains(k.getKey())) {
          assertThat(r.status()).as(o.route() + " with a " + k.getKey() + " key: " + r.body())
              .isNotIn(401, 403);
        } else {
          assertThat(r.status()).as(o.route() + " with a " + k.getKey() + " key: " + r.body()).isEqualTo(403);
          assertThat(r.problemType()).isEqualTo(ProblemType.FORBIDDEN.uri());
        }
      }
    }
  }

  /**
   * The operations that authenticate OAuth clients are the endpoints the discovery document gives
   * authentication methods for, each with a scheme per method; each refuses an unknown client, sent with the
   * operation's documented form example: 401 {@code invalid_client} with {@code WWW-Authenticate} (RFC 6749 §5.2).
   */
  @Test
  void clientAuthenticationIsWhatTheGatewayEnforces() throws Exception {
    JsonNode discovery = new ObjectMapper().readTree(gw.http.get("/.well-known/openid-configuration", null).body());
    Map<String, String> schemeOf = Map.of("client_secret_basic", "clientSecretBasic", "client_secret_post",
        "clientSecretPost", "private_key_jwt", "privateKeyJwt");
    Map<String, Set<String>> expected = new TreeMap<>();
    for (String endpoint : List.of("token", "introspection", "revocation")) {
      Set<String> schemes = new TreeSet<>();
      discovery.path(endpoint + "_endpoint_auth_methods_supported").forEach(m -> schemes.add(schemeOf.get(m.asText())));
      assertThat(schemes).as(endpoint + " auth methods").isNotEmpty().doesNotContainNull();
      expected.put(java.net.URI.create(discovery.path(endpoint + "_endpoint").asText()).getPath(), schemes);
    }
    Map<String, Set<String>> documented = new TreeMap<>();
    for (Operation o : operations()) {
      Set<String> schemes = new TreeSet<>();
      o.node().path("security").forEach(req -> req.fieldNames().forEachRemaining(schemes::add));
      schemes.retainAll(schemeOf.values());
      if (schemes.isEmpty()) {
        continue;
      }
      documented.put(o.path(), schemes);
      JsonNode example = o.node().path("requestBody").path("content").path(FORM).path("example");
      assertThat(example.isObject()).as(o.route() + ": a form example").isTrue();
      String basic = java.util.Base64.getEncoder().encodeToString("no-such-client:wrong".getBytes(UTF_8));
      java.net.http.HttpResponse<String> r = send(o.method(), o.path(), encode(example),
          Map.of("Content-Type", FORM, "Authorization", "Basic " + basic));
      assertThat(r.statusCode()).as(o.route() + ": " + r.body()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).as(o.route()).hasValueSatisfying(v ->
          assertThat(v).startsWith("Basic"));
      assertThat(r.headers().firstValue("Cache-Control")).as(o.route()).hasValue("no-store");
      assertThat(new ObjectMapper().readTree(r.body()).path("error").asText()).as(o.route())
          .isEqualTo("invalid_client");
    }
    assertThat(documented).as("client-authenticated operations (path -> schemes)").isEqualTo(expected);
  }

  /**
   * An operation that needs the login pages' browser cookie answers a browser without it with the "page expired"
   * page (400, HTML), before looking at anything else (the CSRF field included).
   */
  @Test
  void loginPagesRefuseABrowserWithoutItsCookie() throws Exception {
    List<String> checked = new ArrayList<>();
    for (Operation o : operations()) {
      boolean cookie = false;
      for (JsonNode req : o.node().path("security")) {
        cookie |= req.has("browserCookie");
      }
      if (!cookie) {
        continue;
      }
      checked.add(o.operationId());
      String path = o.path().replace("{flow}", "A".repeat(32));
      java.net.http.HttpResponse<String> r = o.method().equals("GET") ? send("GET", path, null, Map.of())
          : send(o.method(), path, "csrf=x", Map.of("Content-Type", FORM));
      assertThat(r.statusCode()).as(o.route() + ": " + r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).as(o.route()).hasValue("text/html; charset=utf-8");
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(o.route()).hasValueSatisfying(v ->
          assertThat(v).contains("default-src 'none'").contains("frame-ancestors 'none'"));
    }
    assertThat(checked).as("operations with the browserCookie scheme").isNotEmpty();
  }

  @Test
  void everyProblemTypeUriAnswersItsPage() {
    for (ProblemType type : ProblemType.values()) {
      Http.Res r = gw.http.get(type.uri(), null);
      assertThat(r.status()).as(type.uri()).isEqualTo(200);
      assertThat(r.contentType()).isEqualTo("text/html; charset=utf-8");
      assertThat(r.headers().get("Content-Security-Policy")).contains("default-src 'none'")
          .contains("frame-ancestors 'none'").doesNotContain("unsafe");
      assertThat(r.body()).contains("<html lang=\"fr\">").contains("<section lang=\"en\"")
          .contains("<h2 id=\"en-title\">" + escaped(type.title()) + "</h2>");
    }
    Http.Res unknown = gw.http.get("/problems/no-such-problem", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).isEqualTo("application/problem+json");
    assertThat(unknown.problemType()).isEqualTo(ProblemType.NOT_FOUND.uri());
  }

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final java.nio.charset.Charset UTF_8 = java.nio.charset.StandardCharsets.UTF_8;

  /** A form body of an example's fields. */
  private static String encode(JsonNode example) {
    List<String> fields = new ArrayList<>();
    example.fields().forEachRemaining(f -> fields.add(java.net.URLEncoder.encode(f.getKey(), UTF_8) + "="
        + java.net.URLEncoder.encode(f.getValue().asText(), UTF_8)));
    return String.join("&", fields);
  }

  /** A request with headers the test kit's client does not send (Basic authentication, no cookie at all). */
  private static java.net.http.HttpResponse<String> send(String method, String path, String body,
                                                         Map<String, String> headers) throws Exception {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://localhost:" + gw.gateway.port() + path))
        .timeout(java.time.Duration.ofSeconds(10))
        .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(body, UTF_8));
    headers.forEach(b::header);
    return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
        .send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  /** As the page's template escapes text (JMustache's HTML escaper). */
  private static String escaped(String s) {
    return s.replace("&", "&amp;").replace("'", "&#39;").replace("\"", "&quot;").replace("<", "&lt;")
        .replace(">", "&gt;").replace("`", "&#x60;").replace("=", "&#x3D;");
  }

  private static void assertRouteSets(Set<String> routes, Set<String> documented) {
    Set<String> undocumented = new TreeSet<>(routes);
    undocumented.removeAll(documented);
    Set<String> notServed = new TreeSet<>(documented);
    notServed.removeAll(routes);
    if (!undocumented.isEmpty() || !notServed.isEmpty()) {
      fail("routes missing from openapi.yaml (or documented under another operationId): " + undocumented
          + "\noperations in openapi.yaml that the gateway does not serve (or names otherwise): " + notServed);
    }
  }

  /** {@code METHOD /path/{param} name}, from a router's route. */
  private static String route(ApiRouter.RouteEntry e) {
    return e.method() + " " + e.path().replaceAll(":([A-Za-z0-9_]+)", "{$1}") + " " + e.name();
  }

  private static List<Operation> operations() {
    List<Operation> all = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (METHODS.contains(op.getKey())) {
          JsonNode node = op.getValue();
          all.add(new Operation(op.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(),
              node.path("operationId").isTextual() ? node.path("operationId").asText() : null,
              node.path("x-sesame-dev-only").asBoolean(false), node, path.getValue()));
        }
      }
    }
    return all;
  }

  /** Every {@code $ref}, as {@code where -> target}. */
  private static void collectRefs(JsonNode node, String where, List<String> refs) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> {
        if (f.getKey().equals("$ref") && f.getValue().isTextual()) {
          refs.add(where + " -> " + f.getValue().asText());
        } else {
          collectRefs(f.getValue(), where + "/" + f.getKey(), refs);
        }
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectRefs(node.get(i), where + "/" + i, refs);
      }
    }
  }

  /** The node a local reference ({@code #/a/b~1c}) points at, or null. */
  private static JsonNode resolve(String ref) {
    JsonNode at = doc.at(ref.substring(1)); // a JSON pointer: ~1 and ~0 are unescaped by Jackson
    return at.isMissingNode() ? null : at;
  }

  private static JsonNode deref(JsonNode node) {
    JsonNode n = node;
    for (int hops = 0; n.has("$ref") && hops < 10; hops++) {
      n = resolve(n.get("$ref").asText());
      assertThat(n).as("$ref " + node).isNotNull();
    }
    return n;
  }
}
