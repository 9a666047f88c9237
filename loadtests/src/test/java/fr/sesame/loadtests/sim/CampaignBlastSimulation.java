package fr.sesame.loadtests.sim;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import fr.sesame.loadtests.env.LoadEnvironment;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * An access-code campaign ({@code sesame.campaign} emails, 100,000 by default, submitted at
 * {@code sesame.campaignRate} a second through {@code POST /v1/notifications}) while voters do the
 * opening-peak journey: the campaign starts once the voters run at their plateau, and they go on until it
 * has been submitted. The voters' requests must all succeed within {@code sesame.p99} ms at the 99th
 * percentile: their codes are not delayed by the campaign (a login answers once its code was handed to
 * the provider). At the end, the time the campaign took to reach the SMTP sink is printed.
 */
public class CampaignBlastSimulation extends Simulation {
  private final long campaign = Long.parseLong(System.getProperty("sesame.campaign", "100000"));
  private final double campaignRate = Double.parseDouble(System.getProperty("sesame.campaignRate", "1000"));
  /**
   * The campaign starts once the voters' journey runs at its plateau: after their ramp and this many more
   * seconds ({@code sesame.campaignDelay}, default 10).
   */
  private final int campaignDelay = Integer.parseInt(System.getProperty("sesame.campaignDelay", "10"));
  private final LoadSettings settings = LoadSettings.fromSystem(
      campaignDelay + (int) Math.ceil(campaign / campaignRate));
  private final LoadEnvironment env = settings.start();
  private final long started = System.nanoTime();
  /** The warm-up's emails, which the campaign's count leaves out. */
  private final long emailsBefore = env.sink().emailsReceived();

  {
    AtomicLong next = new AtomicLong();
    ScenarioBuilder voters = Journeys.voters("voters", env, settings);
    ScenarioBuilder platform = scenario("campaign")
        .feed(Stream.generate(() -> Map.<String, Object>of("n", next.getAndIncrement())).iterator())
        .exec(http("campaign message").post("/v1/notifications").header("Authorization", "Bearer " + env.platformKey())
            .body(StringBody("{\"channel\":\"email\",\"to\":\"c#{n}@campaign.test\",\"template\":\"access-codes\","
                + "\"idempotencyKey\":\"campaign-#{n}\",\"data\":{\"electionName\":\"Elections 2026\","
                + "\"identifier\":\"v#{n}\",\"url\":\"https://vote.test\"}}"))
            .check(status().is(202)));
    setUp(
        voters.injectOpen(Journeys.arrivals(settings)),
        platform.injectOpen(nothingFor(Duration.ofSeconds(settings.ramp() + campaignDelay)),
            constantUsersPerSec(campaignRate).during(Duration.ofMillis((long) (campaign * 1000 / campaignRate)))))
        .protocols(Journeys.protocol(env))
        .assertions(Stream.concat(Stream.of(details("campaign message").failedRequests().count().is(0L)),
            Journeys.votersUnaffected(settings).stream()).toList());
  }

  @Override
  public void after() {
    long received;
    try {
      received = env.sink().awaitEmails(emailsBefore + campaign, Duration.ofMinutes(5)) - emailsBefore;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      received = env.sink().emailsReceived() - emailsBefore;
    }
    double seconds = (System.nanoTime() - started) / 1e9 - settings.ramp() - campaignDelay;
    System.out.printf("Campaign: %d of %d emails reached the SMTP sink %.1f s after the campaign started (%.0f/s)%n",
        received, campaign, seconds, received / seconds);
    env.close();
  }
}
