package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, point 1, in the console: an election's seal page lists its seals (number, date, who, the manifest's
 * digest, the report); an organiser seals now and reopens through the audited procedure (a reason), through the
 * same service as the API; the bureau and the expert read; support gets 403; a form without its CSRF token or
 * without a reason changes nothing.
 */
class ConsoleSealsTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();

  /** An election opening in a day, with its roll. */
  private static String election() {
    String id = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + id, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))).status())
        .isEqualTo(201);
    assertThat(gw.importRoll(id, TestGateway.ROLL).status()).isEqualTo(200);
    return id;
  }

  private static FormClient agent(String email, String el, String role) {
    FormClient b = new FormClient(gw.gateway.port());
    ConsoleFixtures.agent(gw, b, email, el, role);
    return b;
  }

  private static JsonObject seals(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/seals", TestGateway.ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static List<String> auditTypes(String el) {
    Http.Res r = gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN);
    return r.body().lines().filter(l -> !l.isBlank()).map(l -> new JsonObject(l).getJsonObject("event")
        .getString("type")).toList();
  }

  @Test
  void anOrganiserSealsNowThenReopensWithAReasonAndTheBureauAndTheExpertRead() {
    String el = election();
    FormClient organiser = agent("organiser.seal@univ-test.fr", el, "organiser");
    assertThat(organiser.get("/console/e/" + el).body()).contains("/console/e/" + el + "/scellements");
    FormClient.Page page = organiser.get("/console/e/" + el + "/scellements");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Aucun scellement pour le moment", "id=\"seal-now\"")
        .doesNotContain("id=\"reason\"");

    assertThat(organiser.post("/console/e/" + el + "/scellements", Map.of("csrf", "not-the-token")).status())
        .as("no CSRF token, no seal").isEqualTo(403);
    assertThat(seals(el).getJsonArray("seals")).isEmpty();

    FormClient.Page sealed = organiser.post("/console/e/" + el + "/scellements", Map.of("csrf", page.csrf()));
    assertThat(sealed.status()).as(sealed.body()).isEqualTo(303);
    JsonObject api = seals(el);
    assertThat(api.getLong("inForce")).isEqualTo(1);
    JsonObject seal = api.getJsonArray("seals").getJsonObject(0);
    assertThat(seal.getString("by")).as("under the person's id").startsWith("staff:");
    FormClient.Page listed = organiser.get(sealed.location());
    assertThat(listed.body()).contains("Élection scellée : scellement n° 1", "Scellement en vigueur : n° 1",
        seal.getString("digest"), seal.getString("by"), "/console/e/" + el + "/scellements/1.pdf", "id=\"reason\"");
    assertThat(organiser.get("/console/e/" + el + "/scellements/1.pdf").status()).isEqualTo(200);

    FormClient.Page noReason = organiser.post("/console/e/" + el + "/scellements/reouverture",
        Map.of("csrf", page.csrf(), "reason", "  "));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.body()).contains("id=\"reason-error\"", "error-summary", "aria-invalid=\"true\"");
    assertThat(seals(el).getLong("inForce")).as("still sealed").isEqualTo(1);
    assertThat(auditTypes(el)).doesNotContain("election.unseal");

    FormClient bureau = agent("bureau.seal@univ-test.fr", el, "bureau");
    FormClient expert = agent("expert.seal@univ-test.fr", el, "expert");
    FormClient support = agent("support.seal@univ-test.fr", el, "support");
    for (FormClient reader : List.of(bureau, expert)) {
      FormClient.Page read = reader.get("/console/e/" + el + "/scellements");
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.body()).contains(seal.getString("digest")).doesNotContain("id=\"seal-now\"", "id=\"reason\"");
      String csrf = reader.get("/console/e/" + el).csrf();
      assertThat(reader.post("/console/e/" + el + "/scellements", Map.of("csrf", csrf)).status()).isEqualTo(403);
      assertThat(reader.post("/console/e/" + el + "/scellements/reouverture", Map.of("csrf", csrf,
          "reason", "pas le rôle")).status()).isEqualTo(403);
    }
    assertThat(support.get("/console/e/" + el + "/scellements").status()).isEqualTo(403);
    assertThat(support.get("/console/e/" + el).body()).doesNotContain("/scellements");
    assertThat(seals(el).getJsonArray("seals")).as("nothing the readers tried").hasSize(1);

    FormClient.Page reopened = organiser.post("/console/e/" + el + "/scellements/reouverture",
        Map.of("csrf", page.csrf(), "reason", "Deux électeurs manquent à la liste"));
    assertThat(reopened.status()).as(reopened.body()).isEqualTo(303);
    assertThat(organiser.get(reopened.location()).body()).contains("Scellement n° 1 levé",
        "Aucun scellement en vigueur").doesNotContain("id=\"reason\"");
    assertThat(seals(el).getValue("inForce")).isNull();
    assertThat(auditTypes(el)).containsSubsequence("election.seal", "election.unseal");
    // the roll may change again, then a new seal follows it
    assertThat(gw.importRoll(el, TestGateway.ROLL.replace("alice.martin@univ-test.fr", "a@x.fr")).status())
        .isEqualTo(200);
    assertThat(organiser.post("/console/e/" + el + "/scellements", Map.of("csrf", page.csrf())).location())
        .endsWith("?scelle=2");
    assertThat(seals(el).getLong("inForce")).isEqualTo(2);
  }
}
