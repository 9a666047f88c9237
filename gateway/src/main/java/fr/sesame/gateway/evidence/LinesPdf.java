package fr.sesame.gateway.evidence;

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
 * The evidence PDFs' layout (sealing report, integrity reports): A4 pages of lines, each {@code {style, text}} with
 * style {@code h} (title), {@code b} (heading) or {@code ""} (text), long lines cut at {@value #WRAP} characters
 * (digests and signatures have no spaces), what the standard font cannot draw shown as {@code ?}. Blocking: render
 * off the event loop.
 */
final class LinesPdf {
  private static final PDRectangle SIZE = PDRectangle.A4;
  private static final float MARGIN = 40;
  private static final float FONT = 8;
  private static final float LEADING = 11;
  private static final int WRAP = 110;

  private LinesPdf() {}

  static byte[] render(List<String[]> lines) {
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
