package fr.sesame.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpreadsheetSafeTest {
  @Test
  void prefixesWhatASpreadsheetWouldRunAndLeavesTheRest() {
    assertThat(SpreadsheetSafe.text("=HYPERLINK(\"x\")")).isEqualTo("'=HYPERLINK(\"x\")");
    assertThat(SpreadsheetSafe.text("+33612345678")).isEqualTo("'+33612345678");
    assertThat(SpreadsheetSafe.text("-2+3")).isEqualTo("'-2+3");
    assertThat(SpreadsheetSafe.text("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(SpreadsheetSafe.text("\t=1")).isEqualTo("'\t=1");
    assertThat(SpreadsheetSafe.text("\r=1")).isEqualTo("'\r=1");
    assertThat(SpreadsheetSafe.text("etudiants")).isEqualTo("etudiants");
    assertThat(SpreadsheetSafe.text("a=1")).isEqualTo("a=1");
    assertThat(SpreadsheetSafe.text("")).isEmpty();
  }
}
