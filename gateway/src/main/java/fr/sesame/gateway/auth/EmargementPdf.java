package fr.sesame.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The émargement list as a PDF for the bureau (Apache PDFBox): A4 landscape, a title with the election and the time it
 * was generated, one line per émargement (the columns of the CSV), the totals by college, "page n of N" on each page.
 * The font is Helvetica (a standard 14 font, WinAnsiEncoding: French accents, œ, €, ’), not embedded: the list is read
 * and printed, not sent to a print service; a character it cannot encode is drawn as '?', so no name is refused.
 * The document keeps its page streams in memory up to 8 MiB, then in a temporary file in the directory it is given
 * (one only the gateway can read), so a long list stays bounded in memory. Blocking: use it off the event loop, from
 * one thread at a time.
 */
public final class EmargementPdf implements AutoCloseable {
  /**
   * The words of the document, in the reader's language.
   * @param generated a pattern whose {0} is the time it was generated
   * @param page      a pattern: {0} this page, {1} the number of pages
   * @param total     a pattern: {0} the number of émargements
   * @param headers   the 7 column headers (identifier, last name, first name, college, voted at, IP, session)
   */
  public record Texts(String title, String generated, String page, String totals, String total, String empty,
                      List<String> headers, Locale locale) {}

  private static final PDRectangle SIZE = new PDRectangle(PDRectangle.A4.getHeight(), PDRectangle.A4.getWidth());
  private static final long IN_MEMORY = 8L << 20;
  private static final float MARGIN = 30;
  private static final float FONT = 8;
  private static final float LEADING = 11;
  private static final float[] WIDTHS = {100, 115, 100, 80, 85, 100, 202};
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");
  private final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
  private final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
  private final Texts texts;
  private final String election;
  private final Instant generatedAt;
  private final ZoneId zone;
  private final PDDocument doc;
  private final Map<String, Long> byCollege = new TreeMap<>();
  private final BitSet drawable = new BitSet(65536);
  private final BitSet checked = new BitSet(65536);
  private PDPageContentStream out;
  private float y;
  private long count;

  /**
   * @param workDir where the document's streams go beyond 8 MiB in memory (a directory only the gateway reads;
   *                null: memory only)
   */
  public EmargementPdf(Texts texts, String election, Instant generatedAt, ZoneId zone, Path workDir) {
    this(texts, election, generatedAt, zone, workDir, IN_MEMORY);
  }

  /** @param inMemory how much of the streams stays in memory (0: all in the work directory) */
  EmargementPdf(Texts texts, String election, Instant generatedAt, ZoneId zone, Path workDir, long inMemory) {
    this.doc = new PDDocument(workDir == null ? IOUtils.createMemoryOnlyStreamCache()
        : (inMemory == 0 ? MemoryUsageSetting.setupTempFileOnly() : MemoryUsageSetting.setupMixed(inMemory))
            .setTempDir(workDir.toFile()).streamCache);
    this.texts = texts;
    this.election = election;
    this.generatedAt = generatedAt;
    this.zone = zone;
  }

  /** Draws these émargements, after the ones already drawn. */
  public void add(List<EmargementList.Row> rows) {
    try {
      for (EmargementList.Row r : rows) {
        if (out == null || y < MARGIN + 2 * LEADING) {
          newPage();
        }
        line(regular, List.of(r.identifier(), r.lastName(), r.firstName(), r.college(),
            WHEN.format(r.votedAt().atZone(zone)), r.ip(), r.sessionId()));
        byCollege.merge(r.college(), 1L, Long::sum);
        count++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The totals by college, the page numbers, then the document saved to {@code file}. */
  public void finish(Path file) {
    try {
      if (out == null) {
        newPage();
        text(regular, FONT + 1, MARGIN, y, texts.empty());
        y -= 2 * LEADING;
      }
      if (y < MARGIN + (byCollege.size() + 4) * LEADING) {
        newPage();
      } else {
        y -= LEADING;
      }
      text(bold, FONT + 2, MARGIN, y, texts.totals());
      y -= 1.5f * LEADING;
      for (Map.Entry<String, Long> c : byCollege.entrySet()) {
        if (y < MARGIN + 2 * LEADING) {
          newPage();
        }
        text(regular, FONT + 1, MARGIN, y, c.getKey());
        text(regular, FONT + 1, MARGIN + 200, y, Long.toString(c.getValue()));
        y -= LEADING;
      }
      text(bold, FONT + 1, MARGIN, y, MessageFormat.format(texts.total(), Long.toString(count)));
      out.close();
      out = null;
      int pages = doc.getNumberOfPages();
      for (int i = 0; i < pages; i++) {
        try (PDPageContentStream s = new PDPageContentStream(doc, doc.getPage(i),
            PDPageContentStream.AppendMode.APPEND, true)) {
          String label = encodable(MessageFormat.format(texts.page(), Integer.toString(i + 1),
              Integer.toString(pages)));
          s.beginText();
          s.setFont(regular, FONT);
          s.newLineAtOffset(SIZE.getWidth() - MARGIN - regular.getStringWidth(label) / 1000 * FONT, MARGIN / 2);
          s.showText(label);
          s.endText();
        }
      }
      doc.save(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (out != null) {
        out.close();
      }
      doc.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void newPage() throws IOException {
    if (out != null) {
      out.close();
    }
    PDPage page = new PDPage(SIZE);
    doc.addPage(page);
    out = new PDPageContentStream(doc, page);
    y = SIZE.getHeight() - MARGIN - FONT;
    if (doc.getNumberOfPages() == 1) {
      text(bold, 14, MARGIN, y, texts.title() + " — " + election);
      y -= 18;
      text(regular, FONT + 1, MARGIN, y, MessageFormat.format(texts.generated(), WHEN.format(generatedAt.atZone(zone))));
      y -= 2 * LEADING;
    }
    line(bold, texts.headers());
  }

  private void line(PDType1Font font, List<String> cells) throws IOException {
    float x = MARGIN;
    for (int i = 0; i < cells.size(); i++) {
      text(font, FONT, x, y, fit(font, cells.get(i), WIDTHS[i] - 4));
      x += WIDTHS[i];
    }
    y -= LEADING;
  }

  private void text(PDType1Font font, float size, float x, float at, String s) throws IOException {
    out.beginText();
    out.setFont(font, size);
    out.newLineAtOffset(x, at);
    out.showText(encodable(s));
    out.endText();
  }

  /** {@code s} cut with an ellipsis to fit {@code width} points. */
  private String fit(PDType1Font font, String s, float width) throws IOException {
    String text = encodable(s == null ? "" : s);
    if (font.getStringWidth(text) / 1000 * FONT <= width) {
      return text;
    }
    while (!text.isEmpty() && font.getStringWidth(text + "…") / 1000 * FONT > width) {
      text = text.substring(0, text.length() - 1);
    }
    return text + "…";
  }

  /** {@code s} with every character Helvetica's WinAnsiEncoding cannot draw (and every control) as '?'. */
  String encodable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> b.append(drawable(cp) ? (char) cp : '?'));
    return b.toString();
  }

  private boolean drawable(int cp) {
    if (cp > 0xFFFF || Character.isISOControl(cp) || Character.isSurrogate((char) cp)) {
      return false;
    }
    if (!checked.get(cp)) {
      checked.set(cp);
      try {
        regular.encode(String.valueOf((char) cp));
        bold.encode(String.valueOf((char) cp));
        drawable.set(cp);
      } catch (IllegalArgumentException | IOException e) {
        // not in WinAnsiEncoding: drawn as '?'
      }
    }
    return drawable.get(cp);
  }
}
