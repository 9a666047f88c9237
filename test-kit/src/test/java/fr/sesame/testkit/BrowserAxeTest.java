package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** axe-core in the browser: it finds what is wrong, passes what is right, and says what it found. */
class BrowserAxeTest {
  private static TestPages pages;
  private static Browser browser; // one per class: starting Chromium is the slow part

  @BeforeAll
  static void start() throws Exception {
    pages = new TestPages();
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    pages.close();
  }

  @Test
  void findsTheMissingAltTheMissingLabelAndTheLowContrast() {
    browser.open(pages.url("/bad"));
    List<Axe.Violation> violations = browser.axe().violations();

    assertThat(violations).extracting(Axe.Violation::id)
        .contains("image-alt", "label", "color-contrast");
    Axe.Violation alt = violations.stream().filter(v -> v.id().equals("image-alt")).findFirst().orElseThrow();
    assertThat(alt.impact()).isEqualTo("critical");
    assertThat(alt.help()).isNotBlank();
    assertThat(alt.helpUrl()).contains("dequeuniversity.com/rules/axe/4.14/image-alt");
    assertThat(alt.nodes()).singleElement().satisfies(n -> {
      assertThat(n.target()).containsExactly("img");
      assertThat(n.html()).isEqualTo("<img src=\"/logo.png\">");
      assertThat(n.summary()).contains("alt");
    });
    assertThat(violations.stream().filter(v -> v.id().equals("label")).findFirst().orElseThrow().nodes())
        .extracting(n -> n.target().get(0)).containsExactly("#unlabelled");
  }

  @Test
  void assertNoViolationsListsEveryViolationReadably() {
    browser.open(pages.url("/bad"));
    assertThatThrownBy(() -> browser.axe().assertNoViolations("the bad test page"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("axe-core 4.14.1 found ")
        .hasMessageContaining(" violations on the bad test page (" + pages.url("/bad") + "):")
        .hasMessageContaining("image-alt [critical] Images must have alternative text")
        .hasMessageContaining("at img  <img src=\"/logo.png\">")
        .hasMessageContaining("label [critical]")
        .hasMessageContaining("at #unlabelled  <input id=\"unlabelled\" type=\"text\">")
        .hasMessageContaining("color-contrast [serious]")
        .hasMessageContaining("Fix any of the following:");
  }

  @Test
  void findsNothingOnAGoodPageServedWithAStrictContentSecurityPolicy() {
    browser.open(pages.url("/good"));
    assertThat(browser.axe().violations()).isEmpty();
    browser.axe().assertNoViolations("the good test page"); // axe already there: not injected twice
  }

  @Test
  void theVendoredAxeIsTheOneItsReadmeNames() throws Exception {
    byte[] js;
    try (var in = Axe.class.getResourceAsStream("/fr/sesame/testkit/axe/axe.min.js")) {
      js = in.readAllBytes();
    }
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(js)))
        .isEqualTo("29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c");
    assertThat(new String(js, 0, 16, StandardCharsets.UTF_8)).isEqualTo("/*! axe v" + Axe.VERSION + "\n");
  }

  @Test
  void runsTheWcag2xAAndAaRulesAndBestPractices() {
    assertThat(Axe.TAGS).containsExactly("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice");
    browser.open(pages.url("/good"));
    browser.axe().violations();
    assertThat(browser.script("return axe.version;")).isEqualTo(Axe.VERSION);
  }
}
