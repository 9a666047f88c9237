package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import fr.sesame.loadtests.env.ConsoleStaff;
import fr.sesame.loadtests.env.LoadEnvironment;
import fr.sesame.loadtests.env.Voters;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The console with a large roll (issue 15, point 8): the run's roll ({@code sesame.voters}, e.g. 1,000,000) is
 * imported first; then staff pages are asked for at {@code sesame.rate} a second for {@code sesame.hold} seconds
 * (after a {@code sesame.ramp}) by an organiser signed in as a person is (password and authenticator app): the
 * election's page (turnout), a voter's status (a voter of the roll drawn at random), the home page, the import page,
 * the import job's progress page, the audit trail, the alerts, the providers' health, the campaigns and the team. At the start of the hold an import job of {@code sesame.jobVoters} more voters
 * (default: as many as the roll) is streamed to {@code POST /v1/admin/elections/{id}/imports}, so the pages are
 * measured both while it runs (requests named "... (import running)") and after it. The run fails on any failed
 * request, on a page whose 95th percentile reaches {@code sesame.p95} ms (200 by default), on a page with no
 * sample, and when the job, asked for once at the end of the run ("import job"), did not end with every voter
 * imported or ran under {@code sesame.importRate} voters a second (30,000 by default; 0 to only report it).
 */
public class ConsoleSimulation extends Simulation {
  private static final String[] PAGES = {"election page", "voter status", "home page", "import page",
      "import job page", "audit trail", "alerts", "providers", "campaigns", "team"};
  private final LoadSettings settings = LoadSettings.fromSystem();
  private final long jobVoters = Long.parseLong(System.getProperty("sesame.jobVoters", "0")) > 0
      ? Long.parseLong(System.getProperty("sesame.jobVoters")) : settings.voters();
  private final int p95 = Integer.parseInt(System.getProperty("sesame.p95", "200"));
  private final double minImportRate = Double.parseDouble(System.getProperty("sesame.importRate", "30000"));
  // not sealed before the run: its import job adds voters to the election's roll during it, which a seal in force
  // refuses (409 election-sealed), as it would an organiser's import
  private final LoadEnvironment env = settings.start(false);
  private final ConsoleStaff organiser;
  /** The import job's path while it runs (null before and after). */
  private final AtomicReference<String> running = new AtomicReference<>();
  private final AtomicReference<JsonObject> finished = new AtomicReference<>();
  private final AtomicReference<String> jobPath = new AtomicReference<>();
  private final Thread importer;

  {
    try {
      organiser = ConsoleStaff.signIn(env, "organisateur.charge@univ-load.fr", "organiser");
    } catch (Exception e) {
      env.close();
      throw new IllegalStateException("the organiser could not sign in: " + e.getMessage(), e);
    }
    importer = new Thread(this::importDuringTheRun, "import-job");
    importer.setDaemon(true);
    importer.start();
    String e = "/console/e/" + env.electionId();
    ChainBuilder pages = randomSwitch().on(
        percent(25.0).then(page("election page", s -> e)),
        percent(35.0).then(page("voter status", s -> e + "/electeurs?identifiant=" + Voters.identifier(
            env.firstVoter() + ThreadLocalRandom.current().nextLong(env.voters())))),
        percent(5.0).then(page("home page", s -> "/console")),
        percent(5.0).then(page("import page", s -> e + "/import")),
        percent(5.0).then(page("import job page", s -> {
          String job = jobPath.get();
          return job == null ? e + "/import" : e + "/import/" + job.substring(job.lastIndexOf('/') + 1);
        })),
        percent(7.0).then(page("audit trail", s -> e + "/journal")),
        percent(4.0).then(page("alerts", s -> e + "/alertes")),
        percent(4.0).then(page("providers", s -> e + "/fournisseurs")),
        percent(5.0).then(page("campaigns", s -> e + "/campagnes")),
        percent(5.0).then(page("team", s -> e + "/equipe")));
    List<Assertion> assertions = new ArrayList<>(List.of(global().failedRequests().count().is(0L),
        global().allRequests().count().gt(0L)));
    for (String page : PAGES) {
      for (String name : List.of(page, page + " (import running)")) {
        assertions.add(details(name).allRequests().count().gt(0L)); // p95 over no sample is no figure
        assertions.add(details(name).responseTime().percentile(95.0).lt(p95));
      }
    }
    // the import job, asked once the run is over: ended, every voter imported, at the rate asked for
    assertions.add(details("import job").failedRequests().count().is(0L));
    assertions.add(details("import job").allRequests().count().is(1L));
    io.gatling.javaapi.core.ScenarioBuilder job = scenario("import").exec(http("import job")
        .get(s -> jobPath.get() == null ? "/v1/admin/elections/" + env.electionId() + "/imports/none"
            : jobPath.get().substring(env.baseUrl().length()))
        .header("Authorization", "Bearer " + env.adminKey()).header("Accept", "application/json")
        .check(status().is(200), io.gatling.javaapi.core.CoreDsl.bodyString().transform(this::importRate)
            .gte(minImportRate)));
    setUp(scenario("staff").exec(pages).injectOpen(
        io.gatling.javaapi.core.CoreDsl.rampUsersPerSec(1).to(settings.rate()).during(Duration.ofSeconds(settings.ramp())),
        constantUsersPerSec(settings.rate()).during(Duration.ofSeconds(settings.hold()))),
        job.injectOpen(io.gatling.javaapi.core.CoreDsl.nothingFor(Duration.ofSeconds(settings.ramp() + settings.hold())),
            io.gatling.javaapi.core.CoreDsl.atOnceUsers(1)))
        .protocols(Journeys.protocol(env).header("Cookie", organiser.cookieHeader()).acceptHeader("text/html"))
        .assertions(assertions);
  }

  /** A console page, named apart while the import job runs. */
  private ChainBuilder page(String name, Function<Session, String> path) {
    return io.gatling.javaapi.core.CoreDsl.exec(http(s -> running.get() != null ? name + " (import running)" : name)
        .get(path).check(status().is(200)));
  }

  private void importDuringTheRun() {
    try {
      Thread.sleep(settings.ramp() * 1000L);
      long first = env.firstVoter() + env.voters() + settings.warmUp() * 1_000L + 1_000L;
      PipedInputStream in = new PipedInputStream(1 << 20);
      PipedOutputStream out = new PipedOutputStream(in);
      Thread writer = new Thread(() -> {
        try (OutputStream o = out) {
          Voters.write(first, jobVoters, o);
        } catch (IOException e) {
          System.err.println("roll generation stopped: " + e.getMessage());
        }
      }, "job-roll-writer");
      writer.start();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String imports = env.baseUrl() + "/v1/admin/elections/" + env.electionId() + "/imports";
      HttpResponse<String> r = LoadEnvironment.exchange(http, imports, "POST", env.adminKey(), null, "text/csv",
          HttpRequest.BodyPublishers.ofInputStream(() -> (InputStream) in), Duration.ofMinutes(10));
      writer.join();
      if (r.statusCode() != 202) {
        System.err.println("the import job was refused: " + r.statusCode() + " " + r.body());
        return;
      }
      String job = imports + "/" + new JsonObject(r.body()).getString("jobId");
      jobPath.set(job);
      running.set(job);
      while (true) {
        JsonObject state = new JsonObject(LoadEnvironment.exchange(http, job, "GET", env.adminKey(), null, null,
            HttpRequest.BodyPublishers.noBody(), Duration.ofSeconds(30)).body());
        if (!"running".equals(state.getString("status"))) {
          break;
        }
        Thread.sleep(250);
      }
    } catch (Exception e) {
      System.err.println("the import job failed: " + e);
    } finally {
      running.set(null);
    }
  }

  /** The job's import rate (voters a second) from its record; 0 unless it ended with every voter imported. */
  private double importRate(String body) {
    JsonObject job = new JsonObject(body);
    finished.set(job);
    if (!"done".equals(job.getString("status")) || job.getLong("imported", 0L) != jobVoters) {
      return 0;
    }
    double seconds = Duration.between(Instant.parse(job.getString("startedAt")),
        Instant.parse(job.getString("finishedAt"))).toMillis() / 1000.0;
    return job.getLong("imported") / seconds;
  }

  @Override
  public void after() {
    JsonObject job = finished.get();
    if (job == null) {
      System.out.println("Import job: not asked for (the run did not reach its end)");
    } else {
      System.out.printf("Import job: %s, %d of %d voters imported, %.0f voters/s, while the console was used; the "
          + "roll then held %d voters%n", job.getString("status"), job.getLong("imported", 0L), jobVoters,
          importRate(job.encode()), env.voters() + job.getLong("imported", 0L));
    }
    env.close();
  }
}
