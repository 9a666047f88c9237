package fr.sesame.channels;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.templates.TemplateCatalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateCatalogTest {
  final TemplateCatalog catalog = new TemplateCatalog();

  @Test
  void everyTemplateExistsForEachOfItsChannelsInFrenchAndEnglish() {
    for (String name : new String[] {"login-code", "access-codes", "access-letter", "vote-receipt", "bureau-alert"}) {
      var spec = catalog.spec(name).orElseThrow();
      Map<String, String> data = new java.util.HashMap<>();
      spec.fields().forEach(f -> data.put(f, "<" + f + ">"));
      for (ChannelKind ch : spec.channels()) {
        for (String lang : TemplateCatalog.LANGUAGES) {
          Message m = catalog.render(name, ch, lang, "to", data);
          assertThat(m.text()).as(name + "/" + ch + "/" + lang).isNotBlank().doesNotContain("{{");
          if (!name.equals("login-code")) { // a code template needs either the code or its spoken form
            String all = m.text() + " " + m.subject() + " " + pdfText(m); // some fields are only in the PDF
            for (String f : spec.fields()) {
              assertThat(all).as(name + "/" + ch + "/" + lang).contains("<" + f + ">");
            }
          }
          assertThat(m.subject() != null).isEqualTo(ch == ChannelKind.EMAIL || ch == ChannelKind.POST);
        }
      }
    }
  }

  @Test
  void emailSubjectsCarryNoSecretAndAccessCodesNeverCarryAPassword() {
    Message m = catalog.render("login-code", ChannelKind.EMAIL, "fr", "a@b.fr",
        Map.of("code", "123456", "codeSpoken", "1, 2, 3, 4, 5, 6", "minutes", "5"));
    assertThat(m.subject()).isEqualTo("Votre code de connexion").doesNotContain("123456");
    assertThat(m.text()).contains("123456");
    assertThat(catalog.spec("access-codes").orElseThrow().fields()).doesNotContain("password", "secret");
  }

  static String pdfText(Message m) {
    StringBuilder out = new StringBuilder();
    for (var a : m.attachments()) {
      try (var doc = org.apache.pdfbox.Loader.loadPDF(a.content())) {
        out.append(new org.apache.pdfbox.text.PDFTextStripper().getText(doc));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
    return out.toString();
  }

  static final java.util.Map<String, String> RECEIPT = Map.of("electionName", "CA 2026",
      "votedAt", "2026-12-01T09:12:03Z", "receiptId", "R-48213", "ip", "203.0.113.7");

  @Test
  void theVoteReceiptCarriesAPdfWithTheTimeAndTheVotersIp() throws Exception {
    Message m = catalog.render("vote-receipt", ChannelKind.EMAIL, "fr", "a@b.fr", RECEIPT);
    assertThat(m.attachments()).hasSize(1);
    var pdf = m.attachments().get(0);
    assertThat(pdf.filename()).isEqualTo("accuse-de-reception.pdf");
    assertThat(pdf.contentType()).isEqualTo("application/pdf");
    try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf.content())) {
      assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(doc)).contains("Accusé de réception de vote",
          "CA 2026", "2026-12-01T09:12:03Z", "203.0.113.7", "R-48213");
    }
    assertThat(catalog.render("login-code", ChannelKind.SMS, "fr", "+33612345678",
        Map.of("code", "1", "codeSpoken", "1", "minutes", "5")).attachments()).isEmpty();
  }

  @Test
  void voiceReadsTheCodeDigitByDigitTwice() {
    Message m = catalog.render("login-code", ChannelKind.VOICE, "fr", "+33612345678",
        Map.of("code", "123456", "codeSpoken", TemplateCatalog.spoken("123456"), "minutes", "5"));
    assertThat(m.text()).isEqualTo("Bonjour. Votre code de connexion Sesame est : 1, 2, 3, 4, 5, 6. "
        + "Je repete : 1, 2, 3, 4, 5, 6.");
  }
}
