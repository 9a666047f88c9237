package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeMaileva;
import fr.sesame.testkit.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 3: a credential campaign by post. Each voter whose roll line gives a postal address gets one letter
 * (the access-codes letter: identifier and platform address, never the secret), through the real Maileva adapter
 * talking to a fake Maileva; the others are skipped ({@code noContact}). The réassort by post sends one letter to
 * the roll's address and audits the town only. Real Redis of its own, real HTTP.
 */
class PostCampaignTest {
  private static final String URL = "https://vote.univ-test.fr";
  static final String ROLL = String.join("\n",
      "identifier,college,lastName,firstName,birthDate,email,phone,secret,postalAddress",
      "alice,etudiants,Martin,Alice,2001-04-12,alice.martin@univ-test.fr,+33612345678,20231234,"
          + "Mme Alice Martin | 12 rue de la Paix | 75002 Paris",
      "bruno,etudiants,Durand,Bruno,2000-09-30,bruno.durand@univ-test.fr,,20235678,",
      "chloe,personnels,Bernard,Chloé,1985-01-20,,0698765432,4321,"
          + "\"Mme Chloé Bernard | Bât. B, appt 4 | 3 place Carnot | 69002 Lyon\"",
      "emma,externes,Robert,Emma,1990-06-15,emma.robert@univ-test.fr,,,", "");
  static Vertx vertx;
  static FakeMaileva maileva;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    maileva = new FakeMaileva(vertx);
    ChannelsConfig channels = ChannelsConfig.fromMap(Map.of("post", Map.of("chain", List.of("maileva"),
            "providers", Map.of("maileva", Map.of("type", "maileva", "authUrl", maileva.authUrl(),
                "apiUrl", maileva.apiUrl(), "clientId", "sesame-client", "backoff", "PT0.01S",
                // as the provider asks: a first PDF in a busy JVM can take seconds
                "timeout", "PT20S")))),
        Map.of("SESAME_PROVIDER_MAILEVA_CLIENT_SECRET", "s3cret"));
    gw = TestGateway.isolatedWithProviders(channels);
  }

  @AfterAll
  static void stop() {
    gw.close();
    maileva.close();
    vertx.close();
  }

  static String election() {
    String id = TestGateway.newElectionId();
    Http.Res put = gw.http.put("/v1/admin/elections/" + id, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))
        .put("platformUrl", URL).put("name", "Courrier " + id));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    Http.Res imp = gw.importRoll(id, ROLL);
    assertThat(imp.status()).as(imp.body()).isEqualTo(200);
    assertThat(imp.json().getLong("imported")).as(imp.body()).isEqualTo(4);
    return id;
  }

  static JsonObject awaitDone(String election, String id) throws InterruptedException {
    JsonObject c = null;
    for (int i = 0; i < 600; i++) {
      c = gw.http.get("/v1/admin/elections/" + election + "/campaigns/" + id, TestGateway.ADMIN).json();
      if ("done".equals(c.getString("status")) && c.getLong("waiting") == 0) {
        return c;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not done: " + c);
  }

  /** The recipients Maileva was given, one request body each. */
  static List<String> recipients() {
    return maileva.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/recipients"))
        .map(FakeHttpServer.Request::body).toList();
  }

  @Test
  void eachVoterWithAnAddressGetsOneLetterTheOthersAreSkipped() throws Exception {
    String el = election();
    long created = maileva.created();
    int before = recipients().size();

    Http.Res started = gw.http.post("/v1/admin/elections/" + el + "/campaigns", TestGateway.ADMIN,
        new JsonObject().put("channel", "post"));

    assertThat(started.status()).as(started.body()).isEqualTo(202);
    JsonObject c = awaitDone(el, started.json().getString("campaignId"));
    assertThat(c.getString("channel")).isEqualTo("post");
    assertThat(c.getLong("total")).isEqualTo(4);
    assertThat(c.getLong("queued")).as("alice and chloé have an address on the roll").isEqualTo(2);
    assertThat(c.getJsonObject("skipped").getLong("noContact")).as("bruno and emma have none").isEqualTo(2);
    assertThat(c.getLong("failed")).isZero();
    JsonObject provider = c.getJsonArray("providers").getJsonObject(0);
    assertThat(provider.getString("provider")).isEqualTo("maileva");
    assertThat(provider.getLong("sent") + provider.getLong("delivered")).isEqualTo(2);
    assertThat(maileva.created() - created).as("one sending a letter").isEqualTo(2);
    List<String> to = recipients().subList(before, recipients().size());
    assertThat(to).hasSize(2);
    assertThat(String.join("\n", to)).contains("Mme Alice Martin", "12 rue de la Paix", "75002", "Mme Chloé Bernard",
        "3 place Carnot", "69002").doesNotContain("Durand", "Robert");
    // the letter (a PDF) is built from the access-codes template: it never carries a secret; the audit trail
    // names no full address
    String audit = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body();
    assertThat(audit).contains("campaign.start", "campaign.end").doesNotContain("rue de la Paix", "place Carnot");
  }

  @Test
  void theReassortByPostSendsALetterToTheRollsAddressAndAuditsTheTownOnly() {
    String el = election();
    long created = maileva.created();
    String base = "/v1/support/elections/" + el + "/voters/";

    Http.Res sent = gw.http.post(base + "chloe/reassort", TestGateway.SUPPORT, new JsonObject().put("channel", "post"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    Http.Res none = gw.http.post(base + "bruno/reassort", TestGateway.SUPPORT, new JsonObject().put("channel", "post"));
    assertThat(none.status()).as("bruno has no address on the roll").isEqualTo(422);

    maileva.awaitRequest(r -> r.path().endsWith("/submit"), "the letter submitted");
    assertThat(maileva.created() - created).isEqualTo(1);
    assertThat(gw.http.get(base + "chloe", TestGateway.SUPPORT).json().getString("postalTown")).isEqualTo("Lyon");
    JsonObject reassort = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body().lines()
        .filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event"))
        .filter(e -> "support.reassort".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(reassort.getJsonObject("d").getString("channel")).isEqualTo("post");
    assertThat(reassort.getJsonObject("d").getString("to")).isEqualTo("Lyon");
  }
}
