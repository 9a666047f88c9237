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
 * The émargement list for organisers, as CSV ({@link #HEADER}) or as a PDF for the bureau ({@link EmargementPdf}),
 * read page by page: each voter who voted with the identity decrypted from the roll, when, from which IP and session.
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

  /**
   * One émargement: the identity decrypted from the roll, when, from which IP and session, and the voter's pseudonym
   * (what the audit events name).
   */
  public record Row(String identifier, String lastName, String firstName, String college, Instant votedAt,
                    String ip, String sessionId, String voter) {
    public Row(String identifier, String lastName, String firstName, String college, Instant votedAt, String ip,
               String sessionId) {
      this(identifier, lastName, firstName, college, votedAt, ip, sessionId, "");
    }

    /** As the evidence bundle writes it: the roll's text as it is (JSON, not a spreadsheet). */
    public JsonObject toJson() {
      return new JsonObject().put("voter", voter).put("identifier", identifier).put("lastName", lastName)
          .put("firstName", firstName).put("college", college).put("votedAt", votedAt.toString()).put("ip", ip)
          .put("sessionId", sessionId);
    }
  }

  /** Writes the header and every line through {@code sink} (one chunk per page). */
  public Future<Void> csv(String electionId, Function<String, Future<Void>> sink) {
    return sink.apply(HEADER + "\r\n").compose(v -> rows(electionId, rows -> {
      StringBuilder out = new StringBuilder();
      for (Row r : rows) {
        // what came from the roll is neutralised: a name such as =HYPERLINK(...) must not run when the list is
        // opened in a spreadsheet (the identifier, names and college; the rest is the gateway's own)
        out.append(CSVFormat.RFC4180.format(safe(r.identifier()), safe(r.lastName()), safe(r.firstName()),
            safe(r.college()), r.votedAt().toString(), r.ip(), r.sessionId())).append("\r\n");
      }
      return sink.apply(out.toString());
    }));
  }

  /**
   * Draws every émargement into {@code pdf} and saves it to {@code out}, the drawing off the event loop (one page of
   * {@value #PAGE} at a time: only that page is in memory, the document's streams go to a temporary file).
   */
  public Future<Void> pdf(String electionId, java.util.function.Supplier<EmargementPdf> make, java.nio.file.Path out,
                          io.vertx.core.Vertx vertx) {
    return vertx.executeBlocking(make::get).compose(pdf -> rows(electionId, rows -> vertx.<Void>executeBlocking(() -> {
      pdf.add(rows);
      return null;
    })).compose(v -> vertx.<Void>executeBlocking(() -> {
      pdf.finish(out);
      return null;
    })).eventually(() -> vertx.<Void>executeBlocking(() -> {
      pdf.close();
      return null;
    })));
  }

  /** Every émargement, a page at a time through {@code sink}, each page written before the next is read. */
  public Future<Void> rows(String electionId, Function<List<Row>, Future<Void>> sink) {
    return page(electionId, "0", sink);
  }

  private Future<Void> page(String electionId, String cursor, Function<List<Row>, Future<Void>> sink) {
    return emargements.page(electionId, cursor, PAGE).compose(page -> {
      List<String> pseudonyms = new ArrayList<>(page.entries().keySet());
      return emargements.identities(pseudonyms).compose(identities -> {
        List<Row> rows = new ArrayList<>(pseudonyms.size());
        int i = 0;
        for (Map.Entry<String, String> e : page.entries().entrySet()) {
          String enc = identities.get(i++);
          JsonObject who = enc == null ? new JsonObject()
              : new JsonObject(cipher.decrypt(enc, CipherContext.voter(e.getKey(), VoterField.IDENTITY)));
          JsonObject rec = new JsonObject(e.getValue());
          rows.add(new Row(who.getString("i", ""), who.getString("l", ""), who.getString("f", ""),
              rec.getString("c", ""), Instant.ofEpochMilli(rec.getLong("t")), rec.getString("ip", ""),
              rec.getString("sid", ""), e.getKey()));
        }
        return (rows.isEmpty() ? Future.<Void>succeededFuture() : sink.apply(rows))
            .compose(v -> "0".equals(page.cursor()) ? Future.succeededFuture() : page(electionId, page.cursor(), sink));
      });
    });
  }

  /**
   * Every émargement as JSON ({@link Row#toJson}: {@code voter}, the pseudonym the audit events name, then the
   * identity, time, IP and session), one chunk of rows per page, for the evidence bundle.
   */
  public Future<Void> json(String electionId, Function<List<JsonObject>, Future<Void>> sink) {
    return rows(electionId, rows -> sink.apply(rows.stream().map(Row::toJson).toList()));
  }

  private static String safe(String cell) {
    return fr.sesame.gateway.domain.SpreadsheetSafe.text(cell);
  }
}
