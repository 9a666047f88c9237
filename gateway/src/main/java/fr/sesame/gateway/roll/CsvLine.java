package fr.sesame.gateway.roll;

import java.util.ArrayList;
import java.util.List;

/**
 * The cells of one line of a roll, read as Apache Commons CSV's {@code CSVFormat.RFC4180} reads a one-record text
 * with the same delimiter (its tests hold it to that): cells separated by the delimiter; a cell that starts with
 * {@code "} is quoted, runs to the next lone {@code "} ({@code ""} inside it is one quote), and may be followed only
 * by white space before the next delimiter or the end; in an unquoted cell a quote is an ordinary character. A line
 * break outside quotes ends the record: anything after it (a second record), or a quoted cell that does not end, makes
 * the line malformed. Commons CSV builds a lexer and a
 * buffered reader for each text it parses, which was about 40 % of a roll line's parsing (JFR, 2026-11-30): a roll is
 * read line by line, so this reads a line in place.
 */
final class CsvLine {
  private CsvLine() {}

  /** @return the line's cells, or null when it is not one well-formed record */
  static List<String> cells(String line, char delimiter) {
    List<String> cells = new ArrayList<>(10);
    int n = line.length();
    int i = 0;
    StringBuilder quoted = null;
    while (true) {
      if (i < n && line.charAt(i) == '"') {
        if (quoted == null) {
          quoted = new StringBuilder();
        }
        quoted.setLength(0);
        i++;
        while (true) {
          if (i >= n) {
            return null; // the line ends inside quotes
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              quoted.append('"');
              i++;
            } else {
              break;
            }
          } else {
            quoted.append(c);
          }
        }
        cells.add(quoted.toString());
        while (i < n && line.charAt(i) != delimiter) {
          char c = line.charAt(i);
          if (c == '\n' || c == '\r') {
            return endsHere(line, i) ? cells : null;
          }
          if (!Character.isWhitespace(c)) {
            return null; // something between the closing quote and the delimiter
          }
          i++;
        }
      } else {
        int start = i;
        while (i < n && line.charAt(i) != delimiter) {
          char c = line.charAt(i);
          if (c == '\n' || c == '\r') {
            cells.add(line.substring(start, i));
            return endsHere(line, i) ? cells : null;
          }
          i++;
        }
        cells.add(line.substring(start, i));
      }
      if (i >= n) {
        return cells;
      }
      i++; // the delimiter
    }
  }

  /** @return true when the line break at {@code i} (CR, LF or CR LF) is the line's end: else a second record follows */
  private static boolean endsHere(String line, int i) {
    int rest = line.length() - i;
    return rest == 1 || rest == 2 && line.charAt(i) == '\r' && line.charAt(i + 1) == '\n';
  }
}
