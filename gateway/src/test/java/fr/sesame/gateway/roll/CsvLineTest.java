package fr.sesame.gateway.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** {@link CsvLine} reads every line as Apache Commons CSV's RFC 4180 format reads it as a whole text. */
class CsvLineTest {
  /** What Commons CSV makes of {@code line}: its one record's cells, or null (no record, several, or an error). */
  private static List<String> commonsCsv(String line, char delimiter) {
    try (var parser = CSVFormat.RFC4180.builder().setDelimiter(delimiter).get().parse(new StringReader(line))) {
      List<CSVRecord> records = parser.getRecords();
      return records.size() == 1 ? records.get(0).toList() : null;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      return null;
    }
  }

  @Test
  void readsTheLinesARollHas() {
    assertThat(CsvLine.cells("v1,etudiants,Nom,Prénom,,,+33612345678,S123", ','))
        .containsExactly("v1", "etudiants", "Nom", "Prénom", "", "", "+33612345678", "S123");
    assertThat(CsvLine.cells("v1;\"Dupont; Martin\";\"dit \"\"le grand\"\"\" ;x", ';'))
        .containsExactly("v1", "Dupont; Martin", "dit \"le grand\"", "x");
    assertThat(CsvLine.cells("a,", ',')).containsExactly("a", "");
    assertThat(CsvLine.cells("a,b\"c", ',')).containsExactly("a", "b\"c");
  }

  @Test
  void refusesWhatIsNotOneRecord() {
    assertThat(CsvLine.cells("a,\"b", ',')).isNull(); // quotes that do not end
    assertThat(CsvLine.cells("a,\"b\"c", ',')).isNull(); // text after the closing quote
    assertThat(CsvLine.cells("a,b\rc,d", ',')).isNull(); // two records
  }

  /**
   * Random lines over the characters that matter (both delimiters, quotes, spaces, tabs, line breaks, letters):
   * the same cells, or the same refusal, as Commons CSV, for each delimiter.
   */
  @Test
  void agreesWithCommonsCsvOnEveryLine() {
    char[] alphabet = {'a', 'b', ',', ';', '"', '"', ' ', '\t', '\r', '\n', 'é'};
    Random random = new Random(20261130);
    int compared = 0;
    for (int k = 0; k < 100_000; k++) {
      int length = 1 + random.nextInt(12);
      StringBuilder line = new StringBuilder(length);
      for (int j = 0; j < length; j++) {
        line.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = line.toString();
      if (text.isBlank()) {
        continue; // never read as cells: a blank line is skipped before
      }
      for (char delimiter : new char[] {',', ';'}) {
        assertThat(CsvLine.cells(text, delimiter)).as("%s with %s", text.replace("\r", "\\r").replace("\n", "\\n")
            .replace("\t", "\\t"), delimiter).isEqualTo(commonsCsv(text, delimiter));
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(150_000);
  }
}
