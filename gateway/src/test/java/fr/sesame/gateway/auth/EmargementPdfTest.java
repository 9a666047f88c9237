package fr.sesame.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EmargementPdf}, read back with PDFBox: lines, accents, characters it cannot draw, totals, page numbers. */
class EmargementPdfTest {
  static final EmargementPdf.Texts FR = new EmargementPdf.Texts("Liste d’émargement", "Éditée le {0} (heure de Paris)",
      "Page {0} sur {1}", "Émargements par collège", "Total : {0}", "Aucun émargement.",
      List.of("Identifiant", "Nom", "Prénom", "Collège", "Émargé le", "Adresse IP", "Session"), Locale.FRENCH);
  private static final Instant AT = Instant.parse("2026-12-01T09:30:00Z");

  @TempDir
  Path dir;

  private static String text(Path file) throws Exception {
    try (PDDocument doc = Loader.loadPDF(file.toFile())) {
      return new PDFTextStripper().getText(doc);
    }
  }

  @Test
  void aLongListHasALinePerEmargementTotalsByCollegeAndNumberedPages() throws Exception {
    Path file = dir.resolve("list.pdf");
    try (EmargementPdf pdf = new EmargementPdf(FR, "Élections du CA", AT, ZoneId.of("Europe/Paris"), dir)) {
      for (int page = 0; page < 3; page++) { // three pages of the list, as EmargementList gives them
        List<EmargementList.Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          int n = page * 400 + i;
          rows.add(new EmargementList.Row("v" + n, n == 7 ? "Łukasz 王" : "Bérénice-Çœur", "Zoë", n % 3 == 0
              ? "personnels" : "étudiants", AT.plusSeconds(n), "192.0.2." + (n % 250), "sid-" + n));
        }
        pdf.add(rows);
      }
      pdf.finish(file);
    }

    String text = text(file);
    try (PDDocument doc = Loader.loadPDF(file.toFile())) {
      int pages = doc.getNumberOfPages();
      assertThat(pages).isGreaterThan(20);
      assertThat(text).contains("Page 1 sur " + pages, "Page " + pages + " sur " + pages);
    }
    assertThat(text).contains("Liste d’émargement — Élections du CA", "Éditée le 01/12/2026 10:30:00")
        .contains("v0 Bérénice-Çœur Zoë personnels 01/12/2026 10:30:00 192.0.2.0 sid-0")
        .contains("v1199 Bérénice-Çœur Zoë étudiants")
        .as("what Helvetica cannot draw becomes ?, the rest of the name stays").contains("v7 ?ukasz ? Zoë")
        .contains("personnels 400", "étudiants 800", "Total : 1200");
    assertThat(text.lines().filter(l -> l.matches("v[0-9]+ .*"))).hasSize(1200);
  }

  @Test
  void anEmptyListSaysSo() throws Exception {
    Path file = dir.resolve("empty.pdf");
    try (EmargementPdf pdf = new EmargementPdf(FR, "Scrutin", AT, ZoneId.of("Europe/Paris"), null)) {
      pdf.finish(file);
    }
    assertThat(Files.size(file)).isPositive();
    assertThat(text(file)).contains("Aucun émargement.", "Total : 0", "Page 1 sur 1");
  }

  @Test
  void beyondItsMemoryTheDocumentKeepsItsStreamsInTheWorkDirectoryAndLeavesNothingThere() throws Exception {
    Path work = Files.createDirectory(dir.resolve("work"));
    Path file = dir.resolve("spilled.pdf");
    try (EmargementPdf pdf = new EmargementPdf(FR, "Scrutin", AT, ZoneId.of("Europe/Paris"), work, 0)) {
      List<EmargementList.Row> rows = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        rows.add(new EmargementList.Row("v" + i, "Dupont", "Zoé", "A", AT, "192.0.2.1", "sid-" + i));
      }
      pdf.add(rows);
      try (var files = Files.list(work)) {
        assertThat(files.count()).as("the scratch file").isPositive();
      }
      pdf.finish(file);
    }
    try (var files = Files.list(work)) {
      assertThat(files.toList()).as("removed on close").isEmpty();
    }
    assertThat(text(file)).contains("v299 Dupont Zoé A", "Total : 300");
  }
}
