package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitBlockOnFail;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.headerRegex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import fr.sesame.loadtests.env.LoadEnvironment;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A voting platform logs its voters in through Sesame's OpenID Connect provider and hosted pages: voters arrive on
 * the open-model ramp to {@code sesame.rate} flows a second, held {@code sesame.hold} seconds. Each flow is what a
 * browser without JavaScript and the platform's back end send (7 requests): the authorization request (PKCE S256,
 * state, nonce; 303 to the pages and the browser cookie), the login page, identifier + secret + SMS (303 to the
 * code page), the code page, the code read from the provider sink (303 back to the platform with the code and the
 * state), the token request (client_secret_basic; an ID token and the access token), then RFC 7662 introspection
 * of the access token ({@code active: true}). With {@code sesame.gateways} > 1, consecutive steps of a flow go to
 * different gateway processes: the flow, the code and the session live in Redis, not in a gateway.
 *
 * <p>The run fails on any failed request, when the 99th percentile of all requests reaches {@code sesame.p99} ms,
 * when no request was made, or unless every flow started ended with an active access token (the group
 * {@value #FLOW}: no KO, some OK).
 */
public class OidcFlowSimulation extends Simulation {
  static final String CALLBACK = "https://vote.example.fr/cb";
  static final String COOKIE = "__Host-sesame-b";
  /** The group of a whole flow, whose OK count is the flows that ended with an active access token. */
  static final String FLOW = "flow";
  private static final AtomicLong STARTED = new AtomicLong();
  private static final AtomicLong ACTIVE = new AtomicLong();
  private final LoadSettings settings = LoadSettings.fromSystem();
  private final LoadEnvironment env = settings.start();
  private final String clientId = "platform-" + env.electionId();
  private final String basicAuth = "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":"
      + form(register(env, clientId))).getBytes(StandardCharsets.UTF_8));

  {
    List<String> gateways = env.baseUrls();
    AtomicLong serial = new AtomicLong();
    ChainBuilder flow = exec(session -> {
      STARTED.incrementAndGet();
      long n = serial.getAndIncrement();
      String verifier = randomBase64Url(32);
      return session.setAll(Map.of(
          // two gateways take turns: each step goes to another instance than the one before
          "gwA", gateways.get((int) (n % gateways.size())), "gwB", gateways.get((int) ((n + 1) % gateways.size())),
          "verifier", verifier, "challenge", s256(verifier), "state", randomBase64Url(16),
          "nonce", randomBase64Url(16)));
    })
        .exec(http("authorize").get("#{gwA}/oidc/authorize").header("X-Forwarded-For", "#{ip}")
            .queryParam("response_type", "code").queryParam("scope", "openid").queryParam("client_id", clientId)
            .queryParam("redirect_uri", CALLBACK).queryParam("state", "#{state}").queryParam("nonce", "#{nonce}")
            .queryParam("code_challenge", "#{challenge}").queryParam("code_challenge_method", "S256")
            .check(status().is(303), header("Location").transform(l -> l.startsWith("/connexion/") ? l : null)
                .saveAs("flow"),
                // the browser id; Gatling's cookie jar sends it back on the pages (also over http to 127.0.0.1)
                headerRegex("Set-Cookie", "^" + COOKIE + "=[A-Za-z0-9_-]{43};").exists()))
        .exec(http("login page").get("#{gwB}#{flow}").header("X-Forwarded-For", "#{ip}")
            .check(status().is(200), regex("name=\"csrf\" value=\"([^\"]+)\"").saveAs("csrf")))
        .exec(http("login").post("#{gwA}#{flow}").header("X-Forwarded-For", "#{ip}")
            .formParam("csrf", "#{csrf}").formParam("identifier", "#{identifier}").formParam("secret", "#{secret}")
            .formParam("channel", "sms")
            .check(status().is(303), header("Location").isEL("#{flow}/code")))
        .exec(Journeys.code(env))
        .exec(http("code page").get("#{gwB}#{flow}/code").header("X-Forwarded-For", "#{ip}")
            .check(status().is(200), regex("name=\"csrf\" value=\"([^\"]+)\"").saveAs("csrf")))
        .exec(http("code").post("#{gwA}#{flow}/code").header("X-Forwarded-For", "#{ip}")
            .formParam("csrf", "#{csrf}").formParam("code", "#{code}")
            // back to the platform, with the code and the state it sent (both base64url: nothing to unescape)
            .check(status().is(303), header("Location").transform(l -> l.startsWith(CALLBACK + "?")).is(true),
                headerRegex("Location", "[?&]code=([^&]+)").saveAs("authCode"),
                headerRegex("Location", "[?&]state=([^&]+)").isEL("#{state}")))
        // the platform's back end
        .exec(http("token").post("#{gwB}/oidc/token").header("Authorization", basicAuth)
            .formParam("grant_type", "authorization_code").formParam("code", "#{authCode}")
            .formParam("redirect_uri", CALLBACK).formParam("code_verifier", "#{verifier}")
            .check(status().is(200), jmesPath("token_type").is("Bearer"), jmesPath("id_token").exists(),
                jmesPath("access_token").saveAs("accessToken")))
        .exec(http("introspect").post("#{gwA}/oidc/introspect").header("Authorization", basicAuth)
            .formParam("token", "#{accessToken}")
            .check(status().is(200), jmesPath("active").is("true").saveAs("active")))
        .exec(session -> {
          if (!session.isFailed() && "true".equals(session.getString("active"))) {
            ACTIVE.incrementAndGet();
            return session;
          }
          return session.markAsFailed(); // the group "flow" is then KO
        });
    ScenarioBuilder voters = scenario("oidc code flow").feed(Journeys.voters(env, settings.ips()))
        // a failed step ends the flow (reported once, not again as each later step's missing attribute); the group
        // counts flows: OK only when the last step found the access token active
        .group(FLOW).on(exitBlockOnFail().on(flow));
    List<Assertion> assertions = new ArrayList<>(List.of(Journeys.noErrorsAndP99(settings, FLOW, Journeys.CODE)));
    // every flow started ended with active=true (an assertion, not an exception in after(): a run that fails must
    // still write its report)
    assertions.add(details(FLOW).failedRequests().count().is(0L));
    assertions.add(details(FLOW).successfulRequests().count().gt(0L));
    setUp(voters.injectOpen(Journeys.arrivals(settings)))
        .protocols(http.baseUrl(env.baseUrl()).disableFollowRedirect()
            .disableWarmUp()) // Gatling's warm-up calls gatling.io: no internet here
        .assertions(assertions);
  }

  /** Registers the platform as a client_secret_basic relying party of the run's election. @return its secret */
  private static String register(LoadEnvironment env, String clientId) {
    JsonObject body = new JsonObject().put("name", "Plateforme de vote (charge)")
        .put("redirectUris", new JsonArray().add(CALLBACK)).put("authMethod", "client_secret_basic");
    try {
      HttpResponse<String> r = LoadEnvironment.exchange(HttpClient.newHttpClient(), env.baseUrl()
              + "/v1/admin/elections/" + env.electionId() + "/clients/" + clientId, "PUT", env.adminKey(), null,
          "application/json", HttpRequest.BodyPublishers.ofString(body.encode()), Duration.ofSeconds(30));
      if (r.statusCode() != 201) {
        throw new IllegalStateException("registering the client answered " + r.statusCode() + ": " + r.body());
      }
      return new JsonObject(r.body()).getString("clientSecret");
    } catch (Exception e) {
      env.close();
      throw new IllegalStateException("the relying party could not be registered: " + e.getMessage(), e);
    }
  }

  /** RFC 6749 §2.3.1: the client id and secret are form-encoded before they are put in the Basic header. */
  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String randomBase64Url(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void after() {
    System.out.printf("OIDC flows: %d started, %d ended with an active access token%n", STARTED.get(), ACTIVE.get());
    env.close();
  }
}
