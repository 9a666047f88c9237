package fr.sesame.gateway.evidence;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The sealing report for the bureau members (in French): the seal's number, time, author, key id, the manifest's
 * digest and signature, and the manifest's digests (the code, each library, package, script and template, the
 * configuration, the definition, the roll). Blocking: render it off the event loop.
 */
public final class SealPdf {
  private static final PDRectangle SIZE = PDRectangle.A4;
  private static final float MARGIN = 40;
  private static final float FONT = 8;
  private static final float LEADING = 11;
  private static final int WRAP = 110;

  private SealPdf() {}

  /** The PDF's bytes. */
  public static byte[] render(Seal seal, String electionName) {
    List<String[]> lines = new ArrayList<>(); // {style, text}: "h" heading, "b" bold, "" regular
    lines.add(new String[] {"h", "Procès-verbal de scellement n° " + seal.n()});
    lines.add(new String[] {"", "Élection : " + electionName + " (" + seal.election() + ")"});
    lines.add(new String[] {"", "Scellée le : " + seal.at() + " (UTC), par : " + seal.by()});
    lines.add(new String[] {"", "Clé de scellement (Ed25519), empreinte :"});
    lines.add(new String[] {"", seal.kid()});
    lines.add(new String[] {"", "Empreinte SHA-256 du manifeste (JSON canonique) :"});
    lines.add(new String[] {"", seal.digest()});
    lines.add(new String[] {"", "Signature (base64) :"});
    lines.add(new String[] {"", seal.sig()});
    lines.add(new String[] {"", "Vérification : java -jar sesame-gateway.jar verify-bundle (le scellement figure dans le "
        + "dossier de preuves) ; docs/design.md, « Seal »."});
    JsonObject m = seal.manifest();
    JsonObject code = m.getJsonObject("code", new JsonObject());
    lines.add(new String[] {"b", "Code en service"});
    lines.add(new String[] {"", "Source : " + code.getString("source") + " " + code.getString("name") + ", SHA-256 :"});
    lines.add(new String[] {"", code.getString("sha256")});
    if (code.getString("note") != null) {
      lines.add(new String[] {"", code.getString("note")});
    }
    section(lines, "Bibliothèques", code.getJsonObject("libraries"));
    section(lines, "Paquets (entrées regroupées)", code.getJsonObject("packages"));
    section(lines, "Scripts Lua", code.getJsonObject("scripts"));
    section(lines, "Modèles de pages", code.getJsonObject("templates"));
    lines.add(new String[] {"b", "Configuration, définition, liste"});
    lines.add(new String[] {"", "Configuration (secrets en empreinte à clé), SHA-256 : "
        + Checkpoint.sha256(m.getJsonObject("configuration", new JsonObject()).encode())});
    lines.add(new String[] {"", "Définition de l'élection, SHA-256 : "
        + Checkpoint.sha256(m.getJsonObject("election", new JsonObject()).encode())});
    JsonObject roll = m.getJsonObject("roll", new JsonObject());
    lines.add(new String[] {"", "Liste électorale : " + roll.getLong("count") + " électeurs, empreinte :"});
    lines.add(new String[] {"", roll.getString("sum")});
    try (PDDocument doc = new PDDocument()) {
      PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
      PDPageContentStream out = null;
      float y = 0;
      for (String[] l : lines) {
        for (String part : wrap(l[1])) {
          if (out == null || y < MARGIN) {
            if (out != null) {
              out.close();
            }
            PDPage page = new PDPage(SIZE);
            doc.addPage(page);
            out = new PDPageContentStream(doc, page);
            y = SIZE.getHeight() - MARGIN;
          }
          float size = l[0].equals("h") ? FONT + 6 : l[0].equals("b") ? FONT + 2 : FONT;
          out.beginText();
          out.setFont(l[0].isEmpty() ? regular : bold, size);
          out.newLineAtOffset(MARGIN, y);
          out.showText(encodable(part, regular));
          out.endText();
          y -= l[0].isEmpty() ? LEADING : LEADING * 1.8f;
        }
      }
      if (out != null) {
        out.close();
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      doc.save(bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void section(List<String[]> lines, String title, JsonObject digests) {
    if (digests == null || digests.isEmpty()) {
      return;
    }
    lines.add(new String[] {"b", title + " (" + digests.size() + ")"});
    for (Map.Entry<String, Object> e : digests) {
      lines.add(new String[] {"", e.getValue() + "  " + e.getKey()});
    }
  }

  private static List<String> wrap(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += WRAP) {
      out.add(text.substring(i, Math.min(text.length(), i + WRAP)));
    }
    return out.isEmpty() ? List.of("") : out;
  }

  /** What the standard font cannot draw becomes '?'. */
  private static String encodable(String text, PDType1Font font) {
    StringBuilder b = new StringBuilder();
    text.codePoints().forEach(c -> {
      String s = new String(Character.toChars(c));
      try {
        font.encode(s);
        b.append(s);
      } catch (IOException | IllegalArgumentException e) {
        b.append('?');
      }
    });
    return b.toString();
  }
}
