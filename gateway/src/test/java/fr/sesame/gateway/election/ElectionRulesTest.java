package fr.sesame.gateway.election;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.domain.Election;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules the admin API and the console share ({@link ElectionRules}), and the grace period they define
 * ({@link Election#acceptsEmargement}). No I/O.
 */
class ElectionRulesTest {
  private static final OffsetDateTime OPENS = OffsetDateTime.parse("2026-12-01T08:00:00+01:00");
  private static final OffsetDateTime CLOSES = OffsetDateTime.parse("2026-12-03T18:00:00+01:00");
  private static final List<ElectionRules.CollegeInput> ONE = List.of(
      new ElectionRules.CollegeInput("etudiants", "SISCOL", List.of("sms", "email")));

  private static ElectionRules.Checked check(String name, OffsetDateTime opens, OffsetDateTime closes, Integer grace,
                                             List<ElectionRules.CollegeInput> colleges, List<String> countries,
                                             String url) {
    return ElectionRules.check("e1", new ElectionRules.Input(name, opens, closes, grace, colleges, countries, url));
  }

  @Test
  void aValidDefinitionGivesTheElectionWithTwentyMinutesOfGraceByDefault() {
    ElectionRules.Checked c = check(" Conseil ", OPENS, CLOSES, null, ONE, null, "https://vote.example.fr/");

    assertThat(c.valid()).isTrue();
    assertThat(c.election().name()).isEqualTo("Conseil");
    assertThat(c.election().graceMinutes()).isEqualTo(20);
    assertThat(c.election().graceEndsAt()).isEqualTo(CLOSES.toInstant().plusSeconds(1200));
    assertThat(Election.fromJson(c.election().toJson())).isEqualTo(c.election());
    JsonObject old = c.election().toJson();
    old.remove("graceMinutes");
    assertThat(Election.fromJson(old).graceMinutes()).as("stored before the grace period existed").isEqualTo(20);
  }

  @Test
  void everyProblemNamesItsFieldAndNothingIsBuilt() {
    ElectionRules.Checked c = check("", OPENS, OPENS, 121, List.of(
        new ElectionRules.CollegeInput("a b", "SISCOL", List.of("sms")),
        new ElectionRules.CollegeInput("b", "PIN", List.of("sms")),
        new ElectionRules.CollegeInput("c", "SISCOL", List.of("post")),
        new ElectionRules.CollegeInput("d", "SISCOL", List.of("sms")),
        new ElectionRules.CollegeInput("d", "BIRTH_DATE", List.of("email"))), List.of("FR", "XX"), "http://vote.fr");

    assertThat(c.valid()).isFalse();
    assertThat(c.election()).isNull();
    assertThat(c.problems()).extracting(p -> p.field() + " " + p.key()).containsExactly("name name",
        "closesAt closesBeforeOpens", "graceMinutes grace", "colleges[0] collegeId", "colleges[1] secretKind",
        "colleges[2] channels", "colleges[4] collegeTwice", "phoneCountries countries", "platformUrl url");
    assertThat(check("N", OPENS, CLOSES, 20, List.of(), null, null).problems())
        .extracting(ElectionRules.Problem::field).containsExactly("colleges");
    assertThat(check("N", null, null, 20, ONE, null, null).problems())
        .extracting(ElectionRules.Problem::field).containsExactly("opensAt", "closesAt");
    assertThat(check("N", OPENS, CLOSES, 0, ONE, null, null).valid()).isTrue();
    assertThat(check("N", OPENS, CLOSES, 120, ONE, null, null).valid()).isTrue();
    assertThat(check("N", OPENS, CLOSES, -1, ONE, null, null).valid()).isFalse();
  }

  @Test
  void afterTheCloseOnlyASessionOpenedBeforeItMayRecordItsEmargementUntilTheGraceEnds() {
    Election e = check("N", OPENS, CLOSES, 20, ONE, null, null).election();
    Instant close = CLOSES.toInstant();
    Instant before = close.minusSeconds(60);

    assertThat(e.acceptsEmargement(OPENS.toInstant().minusSeconds(1), OPENS.toInstant().minusSeconds(1))).isFalse();
    assertThat(e.acceptsEmargement(before, before)).isTrue();
    assertThat(e.isOpenAt(close)).as("no login from the close").isFalse();
    assertThat(e.acceptsEmargement(close.plusSeconds(300), before)).isTrue();
    assertThat(e.acceptsEmargement(close.plusSeconds(300), close)).as("a session opened at the close").isFalse();
    assertThat(e.acceptsEmargement(close.plusSeconds(1199), before)).isTrue();
    assertThat(e.acceptsEmargement(close.plusSeconds(1200), before)).isFalse();
  }
}
