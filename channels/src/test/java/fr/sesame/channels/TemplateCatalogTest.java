package fr.sesame.channels;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.templates.TemplateCatalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateCatalogTest {
  final TemplateCatalog catalog = new TemplateCatalog();

  @Test
  void everyTemplateExistsForEachOfItsChannelsInFrenchAndEnglish() {
    for (String name : new String[] {"login-code", "access-codes", "access-letter", "vote-receipt", "bureau-alert", "staff-invitation"}) {
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
        + "Je répète : 1, 2, 3, 4, 5, 6.");
  }

  /** Words our French texts once carried without their accents; none may come back (issue 14). */
  static final java.util.List<java.util.regex.Pattern> UNACCENTED = java.util.stream.Stream.of(
          "acces", "etes", "electorale?s?", "elections?", "communique", "envoyee?", "a personne", "pas demande",
          "repete", "accusee?", "reception", "ete", "enregistree?", "numero", "joint a", "recue?", "deja",
          "identite", "securite", "telephone", "emargement", "electeur", "electrice", "reessayez", "delai",
          "verifiez", "periode")
      .map(w -> java.util.regex.Pattern.compile("(?iu)(?<![\\p{L}])" + w + "(?![\\p{L}])")).toList();

  @Test
  void frenchTextsCarryTheirAccents() {
    for (String name : new String[] {"login-code", "access-codes", "access-letter", "vote-receipt", "bureau-alert", "staff-invitation"}) {
      var spec = catalog.spec(name).orElseThrow();
      Map<String, String> data = new java.util.HashMap<>();
      spec.fields().forEach(f -> data.put(f, "1"));
      for (ChannelKind ch : spec.channels()) {
        Message m = catalog.render(name, ch, "fr", "to", data);
        String all = m.subject() + "\n" + m.text() + "\n" + pdfText(m);
        for (var wrong : UNACCENTED) {
          assertThat(wrong.matcher(all).find()).as(name + "/" + ch + " holds '" + wrong.pattern() + "': " + all)
              .isFalse();
        }
      }
    }
  }

  @Test
  void theAccessCodesEmailInFrenchAndEnglish() {
    Map<String, String> data = Map.of("electionName", "Élections du CA 2026", "identifier", "chloe",
        "url", "https://vote.example");
    Message fr = catalog.render("access-codes", ChannelKind.EMAIL, "fr", "a@b.fr", data);
    assertThat(fr.subject()).isEqualTo("Vos accès au vote : Élections du CA 2026");
    assertThat(fr.text()).isEqualTo("""
        Bonjour,

        Vous êtes inscrit(e) sur la liste électorale de : Élections du CA 2026.
        Votre identifiant de vote est : chloe
        Le vote se fait sur : https://vote.example

        Votre code secret vous est communiqué par un autre moyen ; il n'est jamais envoyé par courriel.""");
    Message en = catalog.render("access-codes", ChannelKind.EMAIL, "en", "a@b.fr", data);
    assertThat(en.subject()).isEqualTo("Your voting access: Élections du CA 2026");
    assertThat(en.text()).isEqualTo("""
        Hello,

        You are on the electoral roll of: Élections du CA 2026.
        Your voter identifier is: chloe
        Vote at: https://vote.example

        Your secret code reaches you another way; it is never sent by email.""");
  }

  @Test
  void theAccessCodesLetterCarriesTheIdentifierAndAddressButNoSecret() {
    Map<String, String> data = Map.of("electionName", "CA 2026", "identifier", "chloe", "url", "https://vote.example");
    Message fr = catalog.render("access-codes", ChannelKind.POST, "fr", "Mme X\n75002 Paris", data);
    assertThat(fr.subject()).isEqualTo("Vos accès au vote : CA 2026");
    assertThat(fr.text()).startsWith("Madame, Monsieur,").contains("Votre identifiant de vote : chloe",
        "Le vote se fait sur : https://vote.example", "il ne figure jamais dans ce courrier");
    Message en = catalog.render("access-codes", ChannelKind.POST, "en", "Mme X\n75002 Paris", data);
    assertThat(en.subject()).isEqualTo("Your voting access: CA 2026");
    assertThat(en.text()).contains("Your voter identifier: chloe", "Vote at: https://vote.example");
    assertThat(catalog.spec("access-codes").orElseThrow().channels()).contains(ChannelKind.POST);
  }

  @Test
  void theAccessLetterInFrenchAndEnglish() {
    Map<String, String> data = Map.of("electionName", "CA 2026", "identifier", "chloe", "password", "7H3K-92QX",
        "url", "https://vote.example");
    Message fr = catalog.render("access-letter", ChannelKind.POST, "fr", "Mme X\n75002 Paris", data);
    assertThat(fr.subject()).isEqualTo("Vos codes d'accès au vote : CA 2026");
    assertThat(fr.text()).isEqualTo("""
        Madame, Monsieur,

        Vous êtes inscrit(e) sur la liste électorale de : CA 2026.

        Votre identifiant de vote : chloe
        Votre code secret : 7H3K-92QX

        Le vote se fait sur : https://vote.example

        Conservez ce courrier et ne communiquez ce code à personne. Si vous ne l'avez pas demandé, contactez le \
        support du scrutin.""");
    Message en = catalog.render("access-letter", ChannelKind.POST, "en", "Mme X\n75002 Paris", data);
    assertThat(en.subject()).isEqualTo("Your voting access codes: CA 2026");
    assertThat(en.text()).isEqualTo("""
        Dear voter,

        You are on the electoral roll of: CA 2026.

        Your voter identifier: chloe
        Your secret code: 7H3K-92QX

        Vote at: https://vote.example

        Keep this letter and share this code with no one. If you did not ask for it, contact the election's \
        support.""");
  }

  @Test
  void theVoteReceiptEmailInFrenchAndEnglish() {
    Message fr = catalog.render("vote-receipt", ChannelKind.EMAIL, "fr", "a@b.fr", RECEIPT);
    assertThat(fr.subject()).isEqualTo("Accusé de réception de votre vote");
    assertThat(fr.text()).isEqualTo("""
        Bonjour,

        Votre vote pour CA 2026 a bien été enregistré le 2026-12-01T09:12:03Z.
        Numéro d'accusé de réception : R-48213

        L'accusé de réception est joint à ce message (PDF).""");
    Message en = catalog.render("vote-receipt", ChannelKind.EMAIL, "en", "a@b.fr", RECEIPT);
    assertThat(en.subject()).isEqualTo("Receipt of your vote");
    assertThat(en.text()).isEqualTo("""
        Hello,

        Your vote in CA 2026 was recorded on 2026-12-01T09:12:03Z.
        Receipt number: R-48213

        The receipt is attached (PDF).""");
  }
}
