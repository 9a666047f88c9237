package fr.sesame.loadtests.env;

import fr.sesame.gateway.staff.Totp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A staff member signed in to the console the way a person is: invited through the admin API, the invitation
 * taken from the SMTP sink, a password chosen, the authenticator app enrolled (the key read off the page, the codes
 * computed as an app does), then a login with both factors. Its cookies are what a browser would send; the load
 * simulations send them with every console request.
 */
public final class ConsoleStaff {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern KEY = Pattern.compile("id=\"totp-key\">([A-Z2-7 ]+)<");
  private static final String PASSWORD = "Charge-de-test-2026";
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private final String base;

  private ConsoleStaff(String base) {
    this.base = base;
  }

  /** Invites {@code email} as {@code role} of the run's election and signs the person in. */
  public static ConsoleStaff signIn(LoadEnvironment env, String email, String role) throws Exception {
    String body = "{\"email\":\"" + email + "\",\"name\":\"Load " + role + "\",\"roles\":[{\"election\":\""
        + env.electionId() + "\",\"role\":\"" + role + "\"}]}";
    HttpResponse<String> invited = LoadEnvironment.exchange(HttpClient.newHttpClient(), env.baseUrl()
        + "/v1/admin/staff", "POST", env.adminKey(), null, "application/json",
        HttpRequest.BodyPublishers.ofString(body), Duration.ofSeconds(30));
    if (invited.statusCode() != 201) {
      throw new IllegalStateException("the staff invitation answered " + invited.statusCode() + ": " + invited.body());
    }
    String token = env.sink().takeInvitation(Duration.ofSeconds(30));
    if (token == null) {
      throw new IllegalStateException("no invitation reached the SMTP sink within 30 s");
    }
    ConsoleStaff s = new ConsoleStaff(env.baseUrl());
    String invitation = "/console/invitation/" + token;
    HttpResponse<String> form = s.expect(s.get(invitation), 200);
    s.expect(s.post(invitation, Map.of("csrf", csrf(form), "password", PASSWORD, "confirm", PASSWORD)), 303);
    HttpResponse<String> enrol = s.expect(s.get(invitation), 200);
    Matcher k = KEY.matcher(enrol.body());
    if (!k.find()) {
      throw new IllegalStateException("no key on the enrolment page");
    }
    byte[] secret = Totp.fromBase32(k.group(1));
    Totp totp = new Totp();
    Instant now = Instant.now();
    s.expect(s.post(invitation + "/code", Map.of("csrf", csrf(enrol), "code", totp.code(secret, now))), 303);
    HttpResponse<String> login = s.expect(s.get("/console/connexion"), 200);
    s.expect(s.post("/console/connexion", Map.of("csrf", csrf(login), "email", email, "password", PASSWORD)), 303);
    HttpResponse<String> code = s.expect(s.get("/console/connexion/code"), 200);
    // the next step's code: the enrolment used this one (each step's code is taken once; one step ahead is allowed)
    s.expect(s.post("/console/connexion/code", Map.of("csrf", csrf(code), "code",
        totp.code(secret, now.plus(Totp.STEP)))), 303);
    if (!s.cookies.containsKey("__Host-sesame-staff")) {
      throw new IllegalStateException("signed in without a session cookie");
    }
    return s;
  }

  /** The {@code Cookie} header a browser would send. */
  public String cookieHeader() {
    return cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
  }

  private HttpResponse<String> expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode()
          + " where " + status + " was expected");
    }
    return r;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    request.timeout(Duration.ofSeconds(30)).header("Accept-Language", "fr");
    if (!cookies.isEmpty()) { // by hand: the JDK's store never sends a Secure cookie over http, a browser does to localhost
      request.header("Cookie", cookieHeader());
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    for (String set : r.headers().allValues("Set-Cookie")) {
      String pair = set.split(";", 2)[0];
      int eq = pair.indexOf('=');
      cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return r;
  }

  private static String csrf(HttpResponse<String> page) {
    Matcher m = CSRF.matcher(page.body());
    if (!m.find()) {
      throw new IllegalStateException("no CSRF field on " + page.uri().getPath());
    }
    return m.group(1).replace("&#61;", "=");
  }
}
