package fr.sesame.gateway.evidence;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * An integrity report for the bureau members (in French): which check (start, end, on demand), when, against which
 * seal, each check's result, every problem found, the key id and the signature of the report's JSON line (which the
 * PDF shows in full, so that the PDF's claims are checked against the signed line). Blocking: render it off the
 * event loop.
 */
public final class IntegrityPdf {
  private static final PDRectangle SIZE = PDRectangle.A4;
  private static final float MARGIN = 40;
  private static final float FONT = 8;
  private static final float LEADING = 11;
  private static final int WRAP = 110;

  private IntegrityPdf() {}

  private static String title(String check) {
    return switch (check) {
      case "start" -> "Contrôle d'intégrité de début de scrutin";
      case "end" -> "Contrôle d'intégrité de fin de scrutin";
      default -> "Contrôle d'intégrité à la demande";
    };
  }

  public static byte[] render(IntegrityReport r, String electionName) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"h", title(r.check()) + " (rapport n° " + r.n() + ")"});
    lines.add(new String[] {"", "Élection : " + electionName + " (" + r.election() + ")"});
    lines.add(new String[] {"", "Contrôlée le : " + r.at() + " (UTC), par : " + r.by() + ", contre le scellement n° "
        + r.seal()});
    lines.add(new String[] {"b", r.valid() ? "Résultat : conforme (aucune anomalie)"
        : "Résultat : NON CONFORME (" + r.problems().size() + " anomalie(s))"});
    for (String c : IntegrityReport.CHECKS) {
      JsonObject x = r.results().getJsonObject(c);
      if (x != null) {
        lines.add(new String[] {"", (x.getBoolean("ok", false) ? "[OK] " : "[ANOMALIE] ") + c + " : "
            + x.getString("detail", "")});
      }
    }
    if (!r.problems().isEmpty()) {
      lines.add(new String[] {"b", "Anomalies"});
      for (int i = 0; i < r.problems().size(); i++) {
        JsonObject p = r.problems().getJsonObject(i);
        lines.add(new String[] {"", p.getString("check") + " : " + p.getString("text")});
      }
    }
    lines.add(new String[] {"b", "Signature"});
    lines.add(new String[] {"", "Clé (Ed25519), empreinte : " + r.kid()});
    lines.add(new String[] {"", "Signature (base64) de la ligne JSON ci-dessous sans son champ sig :"});
    lines.add(new String[] {"", r.sig()});
    lines.add(new String[] {"", "Ligne signée (GET /v1/admin/elections/" + r.election() + "/integrity/reports) :"});
    lines.add(new String[] {"", r.signedText()});
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

  private static List<String> wrap(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += WRAP) {
      out.add(text.substring(i, Math.min(text.length(), i + WRAP)));
    }
    return out.isEmpty() ? List.of("") : out;
  }

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
