package fr.sesame.gateway.domain;

/**
 * Neutralises a roll's cell before an import report or an export (the émargement list) gives it back: organisers
 * open those in spreadsheets, and a
 * cell that begins with {@code = + - @}, a tab or a carriage return is read there as a formula (CSV or formula
 * injection: {@code =HYPERLINK(...)}, {@code -2+3}, DDE). As OWASP advises, such a value gets a leading
 * {@code '}, which spreadsheets take as "text" and do not show; any other value is returned as it is.
 */
public final class SpreadsheetSafe {
  private SpreadsheetSafe() {}

  /** @return {@code value}, with a leading {@code '} when a spreadsheet would run it as a formula */
  public static String text(String value) {
    if (value.isEmpty()) {
      return value;
    }
    return switch (value.charAt(0)) {
      case '=', '+', '-', '@', '\t', '\r' -> "'" + value;
      default -> value;
    };
  }
}
