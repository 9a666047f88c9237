package fr.sesame.channels.pdf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * A plain A4 letter as PDF (Apache PDFBox): a bold title and the text, wrapped, on as many pages as needed.
 * The recipient's address is printed by Maileva on its address sheet, so nothing has to fit an envelope
 * window. The font is DejaVu Sans (Bitstream Vera licence, {@code DejaVu-LICENSE.txt} next to it), shipped in
 * the jar and embedded as a subset: print services refuse fonts that are not embedded, and the standard 14
 * (Helvetica) are not. It covers French text; a character it cannot draw is replaced by '?'.
 * CPU work: run it off the event loop.
 */
public final class LetterPdf {
  private static final float MARGIN = 72;
  private static final float SIZE = 11;
  private static final float LEADING = 15;
  private static final int WRAP = 85;

  /** The font files, read once (each letter parses and subsets its own copy: PDFBox's fonts are not shared). */
  private static final byte[] REGULAR = resource("DejaVuSans.ttf");
  private static final byte[] BOLD = resource("DejaVuSans-Bold.ttf");

  private LetterPdf() {}

  public static byte[] render(String title, String text) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.split("\n", -1)) {
      lines.addAll(wrap(paragraph));
    }
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDFont regular = PDType0Font.load(doc, new ByteArrayInputStream(REGULAR));
      PDFont bold = PDType0Font.load(doc, new ByteArrayInputStream(BOLD));
      float top = PDRectangle.A4.getHeight() - MARGIN;
      int perPage = (int) ((top - MARGIN) / LEADING) - 3;
      for (int start = 0; start == 0 || start < lines.size(); start += perPage) {
        PDPage page = new PDPage(PDRectangle.A4);
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.newLineAtOffset(MARGIN, top);
          if (start == 0 && title != null && !title.isBlank()) {
            cs.setFont(bold, 14);
            cs.showText(safe(bold, title));
            cs.newLineAtOffset(0, -LEADING * 2);
          }
          cs.setFont(regular, SIZE);
          for (String line : lines.subList(start, Math.min(lines.size(), start + perPage))) {
            cs.showText(safe(regular, line));
            cs.newLineAtOffset(0, -LEADING);
          }
          cs.endText();
        }
        if (lines.isEmpty()) {
          break;
        }
      }
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("the letter could not be rendered", e);
    }
  }

  private static List<String> wrap(String paragraph) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : paragraph.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > WRAP) {
        out.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    out.add(line.toString());
    return out;
  }

  private static byte[] resource(String name) {
    try (InputStream in = LetterPdf.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("font " + name + " missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("font " + name + " unreadable", e);
    }
  }

  private static String safe(PDFont font, String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      try {
        font.encode(String.valueOf(c));
        out.append(c);
      } catch (IOException | IllegalArgumentException e) {
        out.append('?');
      }
    }
    return out.toString();
  }
}
