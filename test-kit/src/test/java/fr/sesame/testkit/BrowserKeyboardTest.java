package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The keyboard-only walk: what Tab reaches, whether the focus shows, and Enter. */
class BrowserKeyboardTest {
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
  void tabWalksTheGoodPageInOrderWithTheAccessibleNames() {
    browser.open(pages.url("/good"));
    assertThat(browser.keyboard().walk()).extracting(Keyboard.Focus::toString)
        .containsExactly("input#voter[name=voter] \"Identifiant de votant\"", "button#go \"Continuer\"");
  }

  @Test
  void reachesTheInputAndTheButtonShowsTheFocusAndSubmitsWithEnter() {
    browser.open(pages.url("/good"));
    Keyboard kb = browser.keyboard();
    assertThat(kb.tabTo(By.id("voter")).accessibleName()).isEqualTo("Identifiant de votant");
    kb.assertFocusVisible();
    kb.type("V-0042");
    assertThat(kb.tabTo(By.id("go")).tag()).isEqualTo("button");
    kb.assertFocusVisible();
    assertThat(kb.focused().id()).as("the focus is back after the check").isEqualTo("go");

    int from = pages.events().size();
    kb.enter();
    pages.events().awaitFrom(from, e -> e.startsWith("/done?voter=V-0042 "), Duration.ofSeconds(10), "the form sent");
    assertThat(browser.title()).isEqualTo("Envoyé");
  }

  @Test
  void failsWhenTabNeverReachesTheElement() {
    browser.open(pages.url("/hidden-focus"));
    assertThatThrownBy(() -> browser.keyboard().tabTo(By.id("fake")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Tab never reached By.id: fake")
        .hasMessageContaining("it reached, in order: [button#ghost \"Rien ne se voit\"]");
  }

  @Test
  void failsWhenTheFocusDoesNotShow() {
    browser.open(pages.url("/hidden-focus"));
    Keyboard kb = browser.keyboard();
    kb.tabTo(By.id("ghost"));
    assertThatThrownBy(kb::assertFocusVisible)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the focus does not show on button#ghost");
  }

  @Test
  void failsWhenNothingHasTheFocus() {
    browser.open(pages.url("/good"));
    assertThat(browser.keyboard().focused()).isNull();
    assertThatThrownBy(browser.keyboard()::assertFocusVisible)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("nothing has the focus");
  }
}
