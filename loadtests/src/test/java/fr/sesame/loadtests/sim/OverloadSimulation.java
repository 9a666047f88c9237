package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import fr.sesame.loadtests.env.LoadEnvironment;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Past capacity (issue 17, point 1): voters arrive at {@code sesame.offered} journeys a second (default 3,000,
 * twice what the 2-core machine serves) for {@code sesame.offeredFor} seconds (default 120), after a
 * {@code sesame.ramp}-second ramp, after a warm-up of {@code sesame.warmup} seconds (default 120). A login held back
 * at the door (503 {@code overloaded}) is retried after its {@code Retry-After}, with its waiting ticket, up to
 * {@code sesame.maxRetries} times (default 8: a wait of w seconds is checked about log2(w / 60) + 1 times,
 * {@code Admission.RECHECK_SECONDS}); then the whole journey (code, verify, two introspections, émargement).
 *
 * <p>It fails when: any request fails other than a 503 that carries {@code Retry-After} (a timeout, a 5xx, a
 * 503 without it, any other status); a voter is still held after the bound ("voter gave up"); the 99th
 * percentile of the admitted journeys' steps (verify, introspect, émargement: never held) or of the logins
 * (admitted and held together: a held answer is quick, so this one bounds less) reaches
 * {@code sesame.admittedP99} ms (default 50); or a figure has no samples. The gateway is started with its default admission control; the load
 * environment's summary names the process that was saturated (gateway, Redis or this generator).
 */
public class OverloadSimulation extends Simulation {
  private final double offered = Double.parseDouble(System.getProperty("sesame.offered", "3000"));
  private final int offeredFor = Integer.parseInt(System.getProperty("sesame.offeredFor", "120"));
  private final int maxRetries = Integer.parseInt(System.getProperty("sesame.maxRetries", "8"));
  private final LoadSettings base = LoadSettings.fromSystem(offeredFor);
  /** The p99 bound of this run, ms: {@code sesame.admittedP99} (50), not the other runs' {@code sesame.p99}. */
  private final int p99 = Integer.parseInt(System.getProperty("sesame.admittedP99", "50"));
  private final LoadSettings settings = new LoadSettings(offered, base.ramp(), offeredFor, p99,
      Long.parseLong(System.getProperty("sesame.voters", "0")) > 0 ? base.voters()
          : (long) Math.ceil(offered * (base.ramp() / 2.0 + offeredFor) * 1.1) + 100,
      base.url(), base.heap(), base.ips(), base.gatewayJar(),
      // warmed up, as capacity is measured (issue 17): a gateway whose code is not yet compiled answers slowly at
      // any rate, and its door starts from what it served then (sesame.warmup=0 to open on a cold gateway)
      // 120 s: after 30 s the JIT compilers still took 20-40 % of a core through the measured minute (2026-12-01)
      LoadSettings.warmUp(120), base.gateways());

  {
    // the voting platform calls the gateway over a pool of connections, as this run does (shareConnections): a
    // voter waiting for its turn holds no socket. A pool grows with the requests in flight, thousands past capacity:
    // fail at once rather than measure the generator running out of sockets
    LoadEnvironment.checkOpenFiles("load generator", ProcessHandle.current().pid(),
        Math.min(10_000, (long) (offered * 3)), true);
  }

  private final LoadEnvironment env = settings.start();

  /** The login, retried with its ticket while held back, at most {@link #maxRetries} times. */
  private ChainBuilder admittedLogin() {
    String path = "/v1/elections/" + env.electionId() + "/login";
    return exec(session -> session.set("tries", 0).set("loginName", "login").remove("challenge").remove("ticket"))
        .asLongAs(session -> !session.contains("challenge") && session.getInt("tries") <= maxRetries).on(
            exec(session -> session.remove("retryAfter").remove("status"))
            .exec(http("#{loginName}").post(path)
                .header("X-Forwarded-For", "#{ip}")
                .body(StringBody(OverloadSimulation::loginBody))
                // 200, or 503 with Retry-After (else the request fails: the run fails)
                .check(status().in(200, 503), status().saveAs("status"),
                    jmesPath("challengeId").optional().saveAs("challenge"),
                    jmesPath("admissionTicket").optional().saveAs("ticket"),
                    header("Retry-After").optional().saveAs("retryAfter")))
            .exitHereIfFailed() // a timeout, a refused connection, another status: failed, recorded
            .doIf(session -> "503".equals(session.getString("status")) && !session.contains("retryAfter")).then(
                // a 503 without Retry-After: recorded as a failed request, so the run fails and says why
                exec(http("held without Retry-After").get("/health/live").check(status().is(599))))
            .exitHereIfFailed()
            .doIf(session -> "503".equals(session.getString("status"))).then(
                pause(session -> Duration.ofSeconds(Long.parseLong(session.getString("retryAfter")))))
            .exec(session -> session.set("tries", session.getInt("tries") + 1).set("loginName", "login retry")))
        .doIf(session -> !session.contains("challenge")).then(
            // still held after the bound: recorded as a failed request, so the run fails and says why
            exec(http("voter gave up").get("/health/live").check(status().is(599))))
        .exitHereIfFailed();
  }

  private static String loginBody(Session session) {
    String ticket = session.contains("ticket") ? ",\"admissionTicket\":\"" + session.getString("ticket") + "\"" : "";
    return "{\"identifier\":\"" + session.getString("identifier") + "\",\"secret\":\"" + session.getString("secret")
        + "\",\"channel\":\"sms\"" + ticket + "}";
  }

  {
    List<Assertion> assertions = new ArrayList<>(List.of(
        global().failedRequests().count().is(0L),
        details(Journeys.CODE).failedRequests().count().is(0L), // every admitted voter's code came
        global().responseTime().percentile(99.0).lt(settings.p99())));
    for (String step : List.of("login", "verify", "introspect", "emargement")) {
      assertions.add(details(step).allRequests().count().gt(0L)); // a figure with no samples is no result
      assertions.add(details(step).responseTime().percentile(99.0).lt(settings.p99()));
    }
    setUp(scenario("past capacity").feed(Journeys.voters(env, settings.ips()))
        .exec(admittedLogin()).exec(Journeys.code(env)).exec(Journeys.verify(env)).exec(Journeys.vote(env))
        .injectOpen(Journeys.arrivals(settings)))
        .protocols(Journeys.protocol(env).shareConnections())
        .assertions(assertions);
  }

  @Override
  public void after() {
    env.close();
  }
}
