package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAsDuring;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitHereIfFailed;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import fr.sesame.loadtests.env.LoadEnvironment;
import fr.sesame.loadtests.env.Voters;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The steps the simulations share: a voter's login, the code from the sink, and the voting platform's calls. */
final class Journeys {
  private Journeys() {}

  /** Voters doing the opening-peak journey, each once. */
  static io.gatling.javaapi.core.ScenarioBuilder voters(String name, LoadEnvironment env, LoadSettings settings) {
    return io.gatling.javaapi.core.CoreDsl.scenario(name).feed(voters(env, settings.ips()))
        .exec(login(env)).exec(vote(env));
  }

  /** The open-model arrival: a ramp from 1 to the rate, then the rate held. */
  static io.gatling.javaapi.core.OpenInjectionStep[] arrivals(LoadSettings settings) {
    return new io.gatling.javaapi.core.OpenInjectionStep[] {
        io.gatling.javaapi.core.CoreDsl.rampUsersPerSec(1).to(settings.rate())
            .during(Duration.ofSeconds(settings.ramp())),
        io.gatling.javaapi.core.CoreDsl.constantUsersPerSec(settings.rate())
            .during(Duration.ofSeconds(settings.hold()))};
  }

  /**
   * No failed request, and the 99th percentile of all under {@code sesame.p99}; and some requests: a run without
   * any (the percentile of nothing is 0) is no result.
   */
  static io.gatling.javaapi.core.Assertion[] noErrorsAndP99(LoadSettings settings) {
    return noErrorsAndP99(settings, CODE);
  }

  /** As {@link #noErrorsAndP99(LoadSettings)}, the {@link #CODE} group at {@code codeGroup} (inside other groups). */
  static io.gatling.javaapi.core.Assertion[] noErrorsAndP99(LoadSettings settings, String... codeGroup) {
    return new io.gatling.javaapi.core.Assertion[] {
        io.gatling.javaapi.core.CoreDsl.global().allRequests().count().gt(0L),
        io.gatling.javaapi.core.CoreDsl.global().failedRequests().count().is(0L),
        io.gatling.javaapi.core.CoreDsl.details(codeGroup).failedRequests().count().is(0L),
        io.gatling.javaapi.core.CoreDsl.global().responseTime().percentile(99.0).lt(settings.p99())};
  }

  /** The same for the voters' own requests only (beside attackers or a campaign). */
  static java.util.List<io.gatling.javaapi.core.Assertion> votersUnaffected(LoadSettings settings) {
    java.util.List<io.gatling.javaapi.core.Assertion> all = new java.util.ArrayList<>(
        java.util.stream.Stream.of("login", "verify", "introspect", "emargement").flatMap(r -> java.util.stream.Stream.of(
            io.gatling.javaapi.core.CoreDsl.details(r).failedRequests().count().is(0L),
            io.gatling.javaapi.core.CoreDsl.details(r).responseTime().percentile(99.0).lt(settings.p99()))).toList());
    all.add(io.gatling.javaapi.core.CoreDsl.details(CODE).failedRequests().count().is(0L));
    return all;
  }

  static HttpProtocolBuilder protocol(LoadEnvironment env) {
    return http.baseUrl(env.baseUrl()).contentTypeHeader("application/json").acceptHeader("application/json")
        .disableWarmUp(); // Gatling's warm-up calls gatling.io: no internet here
  }

  /** The run's voters, each once, from one of {@code ips} addresses. */
  static Iterator<Map<String, Object>> voters(LoadEnvironment env, int ips) {
    long end = env.firstVoter() + env.voters();
    AtomicLong next = new AtomicLong(env.firstVoter());
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return next.get() < end;
      }

      @Override
      public Map<String, Object> next() {
        long i = next.getAndIncrement();
        return Map.of("identifier", Voters.identifier(i), "secret", Voters.secret(i), "phone", Voters.phone(i),
            "ip", Voters.ip(i, ips), "kind", (int) (i % 100));
      }
    };
  }

  /** Identifier and secret, then the code sent by SMS (read from the sink), then the session. */
  static ChainBuilder login(LoadEnvironment env) {
    return start(env).exec(verify(env));
  }

  /** The first step, and the code it sent. */
  static ChainBuilder start(LoadEnvironment env) {
    return exec(http("login").post("/v1/elections/" + env.electionId() + "/login").header("X-Forwarded-For", "#{ip}")
            .body(StringBody("{\"identifier\":\"#{identifier}\",\"secret\":\"#{secret}\",\"channel\":\"sms\"}"))
            .check(status().is(200), jmesPath("challengeId").saveAs("challenge")))
        .exec(code(env));
  }

  /**
   * The group a voter waits in for the SMS code: KO when the code did not reach the sink within
   * {@link #CODE_WAIT}, so that a run where codes are lost fails ({@link #noErrorsAndP99}) instead of counting only
   * the next steps' "no attribute named code" as Gatling errors, which no request assertion sees.
   */
  static final String CODE = "sms code";
  static final Duration CODE_WAIT = Duration.ofSeconds(5);

  /**
   * The code last sent to the voter's phone, from the sink, in the group {@link #CODE}; a voter whose code never
   * came stops here (its group KO), and one whose login failed stops before it.
   */
  static ChainBuilder code(LoadEnvironment env) {
    // a login that failed sent no code: its voter stops there (not 5 s here, then counted again)
    return exitHereIfFailed().group(CODE).on(exec(session -> session.remove("code"))
            // the gateway answers once the provider took the code: it is normally there already
            .asLongAsDuring(session -> !session.contains("code"), CODE_WAIT).on(
                exec(session -> {
                  String code = env.sink().takeCode(session.getString("phone"));
                  return code == null ? session : session.set("code", code);
                }).doIf(session -> !session.contains("code")).then(pause(Duration.ofMillis(10))))
            .exec(session -> session.contains("code") ? session : session.markAsFailed()))
        .exitHereIfFailed();
  }

  /** A wrong secret: 401, or 423 on the failure that locks the account. */
  static ChainBuilder wrongSecret(LoadEnvironment env, int expectedStatus) {
    return exec(http("wrong secret").post("/v1/elections/" + env.electionId() + "/login")
        .header("X-Forwarded-For", "#{ip}")
        .body(StringBody("{\"identifier\":\"#{identifier}\",\"secret\":\"WRONG0000\",\"channel\":\"sms\"}"))
        .check(status().is(expectedStatus)));
  }

  /** The code again (the same one while it is valid). */
  static ChainBuilder resend(LoadEnvironment env) {
    return exec(http("resend").post("/v1/elections/" + env.electionId() + "/login/#{challenge}/resend")
            .header("X-Forwarded-For", "#{ip}").body(StringBody("{}")).check(status().is(200)))
        .exec(code(env));
  }

  /** A support agent unlocks the voter. */
  static ChainBuilder unlock(LoadEnvironment env) {
    return exec(http("support unlock").post("/v1/support/elections/" + env.electionId()
            + "/voters/#{identifier}/unlock").header("Authorization", "Bearer " + env.supportKey())
        .body(StringBody("{\"reason\":\"voter called the hotline, identity checked\"}")).check(status().is(200)));
  }

  /** The second step: the code, then the session token. */
  static ChainBuilder verify(LoadEnvironment env) {
    String e = env.electionId();
    return exec(http("verify").post("/v1/elections/" + e + "/login/#{challenge}/verify")
            .header("X-Forwarded-For", "#{ip}").body(StringBody("{\"code\":\"#{code}\"}"))
            .check(status().is(200), jmesPath("sessionToken").saveAs("token")));
  }

  /** The voting platform checks the session twice, then records the vote. */
  static ChainBuilder vote(LoadEnvironment env) {
    String auth = "Bearer " + env.platformKey();
    return exec(http("introspect").post("/v1/introspect").header("Authorization", auth)
            .body(StringBody("{\"token\":\"#{token}\"}")).check(status().is(200), jmesPath("active").is("true")))
        .exec(http("introspect").post("/v1/introspect").header("Authorization", auth)
            .body(StringBody("{\"token\":\"#{token}\"}")).check(status().is(200), jmesPath("active").is("true")))
        .exec(http("emargement").post("/v1/elections/" + env.electionId() + "/emargements")
            .header("Authorization", auth).body(StringBody("{\"sessionToken\":\"#{token}\",\"voterIp\":\"#{ip}\"}"))
            .check(status().is(201)));
  }
}
