package fr.sesame.channels.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Print services refuse fonts that are not embedded: the letter embeds its own, silently. */
class LetterPdfTest {
  @Test
  void everyFontIsEmbeddedAccentsSurviveAndNothingIsLogged() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    byte[] pdf;
    try {
      pdf = LetterPdf.render("Élection du conseil", "Élection du CA : votre code est 7H3K-92QX.\n"
          + "Ne le communiquez à personne. Œuvre, naïf, façade, « guillemets » — ça va.\n" + "mot ".repeat(3_000));
    } finally {
      root.detachAppender(logged);
    }
    assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();

    try (var doc = Loader.loadPDF(pdf)) {
      assertThat(doc.getNumberOfPages()).isGreaterThan(1);
      List<String> fonts = new ArrayList<>();
      for (PDPage page : doc.getPages()) {
        for (var name : page.getResources().getFontNames()) {
          PDFont font = page.getResources().getFont(name);
          fonts.add(font.getName());
          assertThat(font.isEmbedded()).as(font.getName()).isTrue();
        }
      }
      assertThat(fonts).isNotEmpty().allMatch(n -> n.contains("DejaVuSans"));
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("Élection du conseil", "Élection du CA : votre code est 7H3K-92QX.",
          "Œuvre, naïf, façade, « guillemets » — ça va.");
    }
  }
}
