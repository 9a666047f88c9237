package fr.sesame.gateway.retention;

import fr.sesame.gateway.crypto.EvidenceKey;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The signed proof that an election's data were destroyed: a JSON object (what was destroyed, counts by kind,
 * when, requested and approved by whom) whose {@code signature} is the Ed25519 signature, by the evidence key
 * {@code kid}, of the same object without {@code signature} as {@link JsonObject#encode()} writes it (fields in
 * the order written). Kept in the evidence directory as {@code <election>.destruction.json}, with a PDF of it for
 * people ({@code <election>.destruction.pdf}), outside the data destroyed.
 */
public final class DestructionCertificate {
  public static final String TYPE = "sesame.destruction-certificate";

  private DestructionCertificate() {}

  /** {@code unsigned} with its signature by {@code key} (and the key's id) added. */
  public static JsonObject sign(JsonObject unsigned, EvidenceKey key) {
    JsonObject c = unsigned.copy().put("kid", key.kid());
    return c.copy().put("signature", key.sign(c.encode()));
  }

  /** Whether {@code certificate}'s signature is {@code key}'s signature of it. */
  public static boolean verify(JsonObject certificate, PublicKey key) {
    String sig = certificate.getString("signature");
    if (sig == null) {
      return false;
    }
    JsonObject unsigned = certificate.copy();
    unsigned.remove("signature");
    return EvidenceKey.verify(key, unsigned.encode(), sig);
  }

  public static Path jsonFile(Path dir, String electionId) {
    return dir.resolve(electionId + ".destruction.json");
  }

  public static Path pdfFile(Path dir, String electionId) {
    return dir.resolve(electionId + ".destruction.pdf");
  }

  /** Writes the certificate and its PDF into {@code dir} (each through a temporary file, forced to disk). */
  public static void write(Path dir, JsonObject certificate) {
    String id = certificate.getString("electionId");
    try {
      Files.createDirectories(dir);
      replace(jsonFile(dir, id), (certificate.encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8));
      replace(pdfFile(dir, id), pdf(certificate));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void replace(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (var out = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(java.nio.ByteBuffer.wrap(bytes));
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The certificate as a one-page (or more) A4 PDF: its fields, the counts, the signature. */
  static byte[] pdf(JsonObject c) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("Élection : " + c.getString("electionName") + " (" + c.getString("electionId") + ")");
    lines.add("Clôture : " + c.getString("closesAt"));
    lines.add("Fin de la période de recours : " + c.getString("recourseEndsAt"));
    lines.add("Fin de conservation des journaux : " + c.getString("logsKeptUntil"));
    JsonObject rq = c.getJsonObject("requestedBy");
    JsonObject ap = c.getJsonObject("approvedBy");
    lines.add("Demandée le " + c.getString("requestedAt") + " par " + rq.getString("name") + " (" + rq.getString("id")
        + ", organisateur)");
    lines.add("Approuvée le " + c.getString("approvedAt") + " par " + ap.getString("name") + " (" + ap.getString("id")
        + ", responsable de traitement)");
    lines.add("Destruction achevée le " + c.getString("completedAt"));
    lines.add("");
    lines.add("Données supprimées (nombre par nature) :");
    for (Map.Entry<String, Object> e : c.getJsonObject("removed")) {
      lines.add("    " + e.getKey() + " : " + e.getValue());
    }
    lines.add("");
    lines.add("Signature Ed25519 (clé " + c.getString("kid") + ") :");
    String sig = c.getString("signature");
    for (int i = 0; i < sig.length(); i += 64) {
      lines.add("    " + sig.substring(i, Math.min(sig.length(), i + 64)));
    }
    lines.add("Le fichier " + c.getString("electionId") + ".destruction.json fait foi ; sa signature se vérifie");
    lines.add("avec la clé publique de GET /v1/admin/evidence/key.");
    PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      int at = 0;
      while (at < lines.size() || at == 0) {
        PDPage page = new PDPage(PDRectangle.A4);
        doc.addPage(page);
        try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
          float y = PDRectangle.A4.getHeight() - 60;
          if (at == 0) {
            s.beginText();
            s.setFont(bold, 16);
            s.newLineAtOffset(50, y);
            s.showText("Certificat de destruction des données");
            s.endText();
            y -= 30;
          }
          for (; at < lines.size() && y > 50; at++, y -= 16) {
            s.beginText();
            s.setFont(regular, 10);
            s.newLineAtOffset(50, y);
            s.showText(winAnsi(lines.get(at)));
            s.endText();
          }
        }
        if (lines.isEmpty()) {
          break;
        }
      }
      doc.getDocumentInformation().setTitle("Certificat de destruction " + c.getString("electionId"));
      doc.save(out);
      return out.toByteArray();
    }
  }

  /** What Helvetica (WinAnsiEncoding) cannot draw becomes '?'. */
  private static String winAnsi(String s) {
    StringBuilder b = new StringBuilder(s.length());
    java.nio.charset.CharsetEncoder enc = java.nio.charset.Charset.forName("windows-1252").newEncoder();
    s.codePoints().forEach(cp -> {
      String ch = new String(Character.toChars(cp));
      b.append(cp >= 0x20 && enc.canEncode(ch) ? ch : "?");
    });
    return b.toString();
  }
}
