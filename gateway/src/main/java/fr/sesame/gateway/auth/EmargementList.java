package fr.sesame.gateway.auth;

import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.store.EmargementStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;

/**
 * The émargement list for organisers, as CSV ({@link #HEADER}), read page by page: each voter who voted with
 * the identity decrypted from the roll, when, from which IP and session.
 */
public final class EmargementList {
  /** The CSV header line (without its CRLF). */
  public static final String HEADER = "identifier,lastName,firstName,college,votedAt,ip,sessionId";
  private static final int PAGE = 500;
  private final EmargementStore emargements;
  private final FieldCipher cipher;

  public EmargementList(EmargementStore emargements, FieldCipher cipher) {
    this.emargements = emargements;
    this.cipher = cipher;
  }

  /** Writes the header and every line through {@code sink} (one chunk per page). */
  public Future<Void> csv(String electionId, Function<String, Future<Void>> sink) {
    return sink.apply(HEADER + "\r\n").compose(v -> page(electionId, "0", sink));
  }

  private Future<Void> page(String electionId, String cursor, Function<String, Future<Void>> sink) {
    return emargements.page(electionId, cursor, PAGE).compose(page -> {
      List<String> pseudonyms = new ArrayList<>(page.entries().keySet());
      return emargements.identities(pseudonyms).compose(identities -> {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, String> e : page.entries().entrySet()) {
          String enc = identities.get(i++);
          JsonObject who = enc == null ? new JsonObject()
              : new JsonObject(cipher.decrypt(enc, CipherContext.voter(e.getKey(), VoterField.IDENTITY)));
          JsonObject rec = new JsonObject(e.getValue());
          // what came from the roll is neutralised: a name such as =HYPERLINK(...) must not run when the list is
          // opened in a spreadsheet (the identifier, names and college; the rest is the gateway's own)
          out.append(CSVFormat.RFC4180.format(safe(who.getString("i", "")), safe(who.getString("l", "")),
              safe(who.getString("f", "")), safe(rec.getString("c", "")),
              Instant.ofEpochMilli(rec.getLong("t")).toString(), rec.getString("ip", ""),
              rec.getString("sid", ""))).append("\r\n");
        }
        return sink.apply(out.toString()).compose(v -> "0".equals(page.cursor()) ? Future.succeededFuture()
            : page(electionId, page.cursor(), sink));
      });
    });
  }

  /**
   * Every émargement as JSON (one chunk of rows per page), for the evidence bundle: {@code voter} (the pseudonym
   * the audit events name), {@code identifier}, {@code lastName}, {@code firstName}, {@code college},
   * {@code votedAt}, {@code ip}, {@code sessionId}; the roll's text as it is (JSON, not a spreadsheet).
   */
  public Future<Void> rows(String electionId, Function<List<JsonObject>, Future<Void>> sink) {
    return rowPage(electionId, "0", sink);
  }

  private Future<Void> rowPage(String electionId, String cursor, Function<List<JsonObject>, Future<Void>> sink) {
    return emargements.page(electionId, cursor, PAGE).compose(page -> {
      List<String> pseudonyms = new ArrayList<>(page.entries().keySet());
      return emargements.identities(pseudonyms).compose(identities -> {
        List<JsonObject> rows = new ArrayList<>(pseudonyms.size());
        int i = 0;
        for (Map.Entry<String, String> e : page.entries().entrySet()) {
          String enc = identities.get(i++);
          JsonObject who = enc == null ? new JsonObject()
              : new JsonObject(cipher.decrypt(enc, CipherContext.voter(e.getKey(), VoterField.IDENTITY)));
          JsonObject rec = new JsonObject(e.getValue());
          rows.add(new JsonObject().put("voter", e.getKey()).put("identifier", who.getString("i", ""))
              .put("lastName", who.getString("l", "")).put("firstName", who.getString("f", ""))
              .put("college", rec.getString("c", "")).put("votedAt", Instant.ofEpochMilli(rec.getLong("t")).toString())
              .put("ip", rec.getString("ip", "")).put("sessionId", rec.getString("sid", "")));
        }
        return sink.apply(rows).compose(v -> "0".equals(page.cursor()) ? Future.succeededFuture()
            : rowPage(electionId, page.cursor(), sink));
      });
    });
  }

  private static String safe(String cell) {
    return fr.sesame.gateway.domain.SpreadsheetSafe.text(cell);
  }
}
