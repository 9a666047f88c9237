package fr.sesame.gateway.roll;

import fr.sesame.gateway.domain.SpreadsheetSafe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one import tells the organiser, gathered as the lines stream past: rejected lines, and the voters it
 * imported whom no channel of their college reaches from the roll's contacts. Each list keeps its first
 * {@value #MAX_LISTED} entries and counts the rest. It holds line numbers, reasons and identifiers (which are not
 * secret), never a name, contact or secret; an echoed cell goes through {@link SpreadsheetSafe}. Not thread-safe.
 */
final class RollReport {
  static final int MAX_LISTED = 1000;

  private final JsonArray rejections = new JsonArray();
  private final JsonArray unreachable = new JsonArray();
  private long rejected;
  private long unreachableCount;

  void rejected(long line, String reason) {
    rejected++;
    if (rejections.size() < MAX_LISTED) {
      rejections.add(new JsonObject().put("line", line).put("reason", reason));
    }
  }

  void unreachable(long line, RollLineParser.Unreachable voter) {
    unreachableCount++;
    if (unreachable.size() < MAX_LISTED) {
      unreachable.add(new JsonObject().put("line", line).put("identifier", SpreadsheetSafe.text(voter.identifier()))
          .put("phoneAtLogin", voter.phoneAtLogin()));
    }
  }

  long rejected() {
    return rejected;
  }

  long unreachableCount() {
    return unreachableCount;
  }

  /**
   * @param separator the roll's separator
   * @return imported, created, updated, rejected, rejections [{line, reason}], rejectionsTruncated,
   *     unreachable [{line, identifier, phoneAtLogin}], unreachableCount, unreachableTruncated, encoding,
   *     byteOrderMark, separator
   */
  JsonObject toJson(long imported, long created, RollCharset charset, char separator) {
    return new JsonObject().put("imported", imported).put("created", created).put("updated", imported - created)
        .put("rejected", rejected).put("rejections", rejections)
        .put("rejectionsTruncated", rejected > rejections.size())
        .put("unreachable", unreachable).put("unreachableCount", unreachableCount)
        .put("unreachableTruncated", unreachableCount > unreachable.size())
        .put("encoding", charset.name()).put("byteOrderMark", charset.byteOrderMark())
        .put("separator", String.valueOf(separator));
  }
}
