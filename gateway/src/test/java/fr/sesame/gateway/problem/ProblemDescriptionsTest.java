package fr.sesame.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every problem type's page has its French and English texts ({@code problem-types.yaml}). */
class ProblemDescriptionsTest {
  @Test
  void everyProblemTypeHasBothDescriptions() {
    ProblemDescriptions descriptions = ProblemDescriptions.load(); // refuses a missing, unknown or empty entry
    for (ProblemType type : ProblemType.values()) {
      ProblemDescriptions.Description d = descriptions.of(type);
      assertThat(d).as(type.kebabName()).isNotNull();
      assertThat(d.fr().title()).as(type + " fr.title").isNotBlank().isNotEqualTo(type.title());
      assertThat(d.fr().when()).as(type + " fr.when").isNotBlank();
      assertThat(d.fr().action()).as(type + " fr.action").isNotBlank();
      assertThat(d.en().when()).as(type + " en.when").isNotBlank().isNotEqualTo(d.fr().when());
      assertThat(d.en().action()).as(type + " en.action").isNotBlank().isNotEqualTo(d.fr().action());
    }
  }

  @Test
  void kebabNamesRoundTrip() {
    for (ProblemType type : ProblemType.values()) {
      assertThat(type.uri()).isEqualTo("/problems/" + type.kebabName());
      assertThat(ProblemType.fromKebabName(type.kebabName())).contains(type);
    }
    assertThat(ProblemType.fromKebabName("no-such-problem")).isEmpty();
    assertThat(ProblemType.fromKebabName("ACCOUNT_LOCKED")).isEmpty();
  }
}
