package fr.sesame.gateway.http.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded hostile requests on the OpenID Connect endpoints and the login pages: every answer is a 2xx page, a
 * redirect, or a 4xx the client can read (problem+json, an OAuth error object, or an HTML page); never a 5xx;
 * and none logs a voter in, counts a failure against a voter or locks one (no CSRF token is ever right).
 */
class OidcHostileFuzzTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.withOidc();
  private static final String[] VALUES = {"", "%", "%zz", "%00", "%c3%28", "a".repeat(3000), "é", "<script>", "null",
      "{}", "openid", "code", "token", "S256", "plain", "none", "login", "https://vote.example.fr/cb",
      "https://evil.example/cb", "javascript:alert(1)", "alice", "20231234", "sms", "voice", "fax", "+33612345678",
      "06 12 34 56 78", "123456", "fr", "en", "xx", "authorization_code", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "A".repeat(43), "A".repeat(32)};
  private static final String[] PARAMS = {"response_type", "scope", "client_id", "redirect_uri", "state", "nonce",
      "code_challenge", "code_challenge_method", "prompt", "login_hint", "ui_locales", "request", "request_uri",
      "response_mode", "max_age", "id_token_hint", "post_logout_redirect_uri", "grant_type", "code", "code_verifier",
      "token", "token_type_hint", "client_assertion", "client_assertion_type", "client_secret", "csrf", "identifier",
      "secret", "channel", "phone", "lang"};

  @Test
  void tenThousandHostileRequestsGetReadableAnswersAndChangeNoVoter() throws Exception {
    String el = gw.openElection();
    String clientId = "fuzz-" + el;
    assertThat(gw.http.put("/v1/admin/elections/" + el + "/clients/" + clientId, TestGateway.ADMIN, new JsonObject()
        .put("name", "Urne").put("redirectUris", new JsonArray().add("https://vote.example.fr/cb"))).status())
        .isEqualTo(201);
    // a real flow, whose pages the fuzzer posts to without its CSRF token
    FormClient voter = new FormClient(gw.gateway.port());
    FormClient.Page started = voter.get("/oidc/authorize?response_type=code&scope=openid&client_id=" + clientId
        + "&redirect_uri=https%3A%2F%2Fvote.example.fr%2Fcb&code_challenge=" + "a".repeat(43)
        + "&code_challenge_method=S256");
    String flow = started.location();
    String cookie = voter.cookies.get("__Host-sesame-b");
    String[] paths = {"/oidc/authorize", "/oidc/token", "/oidc/introspect", "/oidc/revoke", "/oidc/logout",
        "/.well-known/openid-configuration", "/oidc/jwks", flow, flow + "/canal", flow + "/code", flow + "/resend", flow + "/cancel",
        "/connexion/" + "A".repeat(32), "/connexion/x/code", "/static/sesame.css", "/static/sesame.js"};
    String[] types = {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
        "application/json", "multipart/form-data; boundary=x", "text/plain", null};
    String[] auths = {null, basic(clientId + ":wrong"), basic("nobody:x"), "Basic %%%", basic("nocolon"),
        "Bearer " + TestGateway.PLATFORM, "Basic"};
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    Random random = new Random(14);
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String path = paths[random.nextInt(paths.length)];
      StringBuilder q = new StringBuilder();
      for (int p = random.nextInt(8); p > 0; p--) {
        String v = VALUES[random.nextInt(VALUES.length)];
        q.append(q.length() == 0 ? "" : "&").append(PARAMS[random.nextInt(PARAMS.length)]).append('=')
            .append(random.nextBoolean() ? URLEncoder.encode(v, StandardCharsets.UTF_8) : v.replace(" ", "+")
                .replace("%c3%28", "%C3").replaceAll("[^\\x21-\\x7e]", "x"));
      }
      boolean post = random.nextInt(3) > 0;
      String target = path + (!post && q.length() > 0 ? "?" + q : "");
      HttpRequest.Builder b;
      try {
        b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway.port() + target))
            .timeout(Duration.ofSeconds(20));
      } catch (IllegalArgumentException e) {
        continue; // not a URI the client library will send: the raw-socket fuzz covers those
      }
      String type = types[random.nextInt(types.length)];
      if (post) {
        if (type != null) {
          b.header("Content-Type", type);
        }
        b.POST(HttpRequest.BodyPublishers.ofString(q.toString()));
      } else {
        b.GET();
      }
      String auth = auths[random.nextInt(auths.length)];
      if (auth != null) {
        b.header("Authorization", auth);
      }
      if (random.nextInt(3) == 0) {
        b.header("Cookie", "__Host-sesame-b=" + (random.nextBoolean() ? cookie : "A".repeat(43)));
      }
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      statuses.merge(r.statusCode(), 1, Integer::sum);
      String contentType = r.headers().firstValue("Content-Type").orElse("");
      boolean readable = r.statusCode() < 400 || contentType.startsWith("application/problem+json")
          || contentType.startsWith("text/html") || contentType.startsWith("application/json")
          && r.body().contains("\"error\"");
      if (r.statusCode() >= 500 || !readable) {
        bad.add(r.statusCode() + " " + contentType + " " + (post ? "POST " : "GET ") + target.substring(0,
            Math.min(160, target.length())));
      }
    }
    System.out.println("OIDC fuzz statuses: " + statuses);
    assertThat(bad).as("5xx or unreadable errors").isEmpty();
    for (String identifier : List.of("alice", "bruno", "chloe")) {
      JsonObject status = gw.status(el, identifier).json();
      assertThat(status.getLong("failedAttempts")).as(identifier + " failures").isZero();
      assertThat(status.getString("status")).as(identifier).isNotEqualTo("locked");
    }
    assertThat(gw.outbox.last("+33612345678")).as("no code sent: no login step ran").isNull();
  }

  private static String basic(String credentials) {
    return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }
}
