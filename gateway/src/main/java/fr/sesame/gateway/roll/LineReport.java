package fr.sesame.gateway.roll;

import fr.sesame.gateway.domain.SpreadsheetSafe;
import org.apache.commons.csv.CSVFormat;

/**
 * An import job's line report, CSV ({@link #HEADER}): one line per line of the roll but its header and blank
 * lines, with the roll's line number, the line's identifier (when it is a valid one: a cell that is not may hold
 * anything), what became of it and why. Organisers open it in a spreadsheet: every cell goes through
 * {@link SpreadsheetSafe}, so none runs as a formula.
 */
public final class LineReport {
  /** The CSV header line (without its CRLF). */
  public static final String HEADER = "line,identifier,outcome,reason";
  /** A voter that was not on the roll before. */
  static final String CREATED = "created";
  /** A voter already on the roll, updated. */
  static final String UPDATED = "updated";
  /** A line not imported; the reason says why. */
  static final String REJECTED = "rejected";

  private LineReport() {}

  /** One line of the report, with its CRLF; {@code reason} may be null. */
  static String line(long line, String identifier, String outcome, String reason) {
    return CSVFormat.RFC4180.format(safe(Long.toString(line)), safe(identifier), safe(outcome),
        safe(reason == null ? "" : reason)) + "\r\n";
  }

  /** The reason given beside an imported voter whom no channel of the college reaches. */
  static String unreachable(boolean phoneAtLogin) {
    return "no contact on the roll for any channel of the college: "
        + (phoneAtLogin ? "the voter must give a phone at login" : "login will answer no-destination");
  }

  private static String safe(String cell) {
    return SpreadsheetSafe.text(cell);
  }
}
