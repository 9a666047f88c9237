package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.opentest4j.TestAbortedException;

/** The browser itself: how it starts, what it sends, JavaScript off, and that it leaves nothing behind. */
class BrowserTest {
  private static TestPages pages;
  private static Browser browser; // the default one, shared by the tests that need no other

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
  void startsFromTheSystemDriverWithoutSeleniumManagerAndLeavesNoProcessOrProfileBehind() throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    List<Logger> loggers = List.of(Logger.getLogger("org.openqa.selenium.remote.service.DriverFinder"),
        Logger.getLogger("org.openqa.selenium.manager.SeleniumManager"));
    List<Level> before = loggers.stream().map(Logger::getLevel).toList();
    loggers.forEach(l -> {
      l.setLevel(Level.ALL);
      l.addHandler(handler);
    });
    Browser own;
    try {
      own = Browser.start();
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).removeHandler(handler);
        loggers.get(i).setLevel(before.get(i));
      }
    }
    List<ProcessHandle> processes;
    try (own) {
      own.open(pages.url("/good"));
      assertThat(own.title()).isEqualTo("Connexion - Sésame");
      Object size = own.script("return [window.innerWidth, window.outerWidth, window.outerHeight];");
      assertThat((List<?>) size).element(2).isEqualTo(900L);
      assertThat((List<?>) size).element(1).isEqualTo(1280L);
      assertThat(own.script("return navigator.language;")).isEqualTo("fr-FR");
      processes = own.liveProcesses();
      assertThat(processes).as("chromedriver and Chromium's processes").hasSizeGreaterThan(1);
      assertThat(processes.get(0).info().command())
          .hasValueSatisfying(c -> assertThat(c).endsWith("chromedriver"));
      assertThat(processes).anySatisfy(p -> assertThat(p.info().arguments().map(List::of).orElse(List.of()))
          .contains("--user-data-dir=" + own.profile()));
    }
    // the driver as given, or the file it links to (Debian's /usr/bin/chromedriver is a link since 2026-11-26)
    String real = java.nio.file.Path.of(Browser.CHROMEDRIVER).toRealPath().toString();
    assertThat(records).extracting(LogRecord::getMessage)
        .anySatisfy(m -> assertThat(m).isIn("Skipping Selenium Manager, path to chromedriver specified in"
            + " Service class: " + Browser.CHROMEDRIVER, "Skipping Selenium Manager, path to chromedriver specified in"
            + " Service class: " + real));
    assertThat(records).noneSatisfy(r -> assertThat(r.getLoggerName()).contains("SeleniumManager"));
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(own.liveProcesses()).isEmpty();
    assertThat(Files.exists(own.profile())).isFalse();
    own.close(); // twice is fine
  }

  @Test
  void sendsTheAcceptLanguageItIsGiven() {
    try (Browser en = Browser.start(Browser.Options.DEFAULTS.withAcceptLanguage("en-GB,en"))) {
      int from = pages.events().size();
      browser.open(pages.url("/good?fr"));
      en.open(pages.url("/good?en"));
      assertThat(pages.events().awaitFrom(from, e -> e.startsWith("/good?fr "), Duration.ofSeconds(5), "fr"))
          .isEqualTo("/good?fr fr-FR,fr;q=0.9,en;q=0.8");
      assertThat(pages.events().awaitFrom(from, e -> e.startsWith("/good?en "), Duration.ofSeconds(5), "en"))
          .isEqualTo("/good?en en-GB,en;q=0.9");
    }
  }

  @Test
  void keepsASecureHostCookieOverPlainHttpOnLoopback() {
    // the gateway's pages bind flows to a __Host- cookie (Secure): page tests serve them over http://127.0.0.1
    browser.open(pages.url("/cookie"));
    int from = pages.cookies().size();
    browser.open(pages.url("/good?after-cookie"));
    assertThat(pages.cookies().awaitFrom(from, e -> e.startsWith("/good "), Duration.ofSeconds(5), "the next page"))
        .isEqualTo("/good __Host-test=abc");
    browser.driver().manage().deleteAllCookies();
  }

  @Test
  void withoutJavaScriptShowsNoscriptAndRunsNoScriptOfThePage() {
    try (Browser off = Browser.withoutJavaScript()) {
      off.open(pages.url("/scripted"));
      assertThat(off.find(By.id("noscript")).isDisplayed()).isTrue();
      assertThat(off.find(By.id("noscript")).getText()).isEqualTo("Cette page marche sans JavaScript.");
      assertThat(off.find(By.id("scripted")).getText()).isEmpty();
      // the helpers still run their own scripts: axe finds nothing here, and what is wrong elsewhere
      off.axe().assertNoViolations("a page without JavaScript");
      off.open(pages.url("/bad"));
      assertThat(off.axe().violations()).extracting(Axe.Violation::id)
          .contains("image-alt", "label", "color-contrast");
      off.open(pages.url("/good"));
      assertThat(off.keyboard().tabTo(By.id("go")).accessibleName()).isEqualTo("Continuer");

      browser.open(pages.url("/scripted"));
      assertThat(browser.find(By.id("scripted")).getText()).isEqualTo("Texte posé par le script");
      assertThat(browser.findAll(By.id("noscript"))).isEmpty(); // with scripts on, <noscript> is not parsed
    }
  }

  @Test
  void aMissingBrowserFailsWithTheLineThatInstallsIt() {
    assertThatThrownBy(() -> Browser.requireInstalled(Browser.CHROMEDRIVER, "/nowhere/chromium"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/nowhere/chromium is missing")
        .hasMessageContaining("apt-get update && apt-get install -y chromium chromium-driver")
        .hasMessageContaining("-Dsesame.browser=skip");
  }

  @Test
  void sesameBrowserSkipAbortsTheTestInsteadOfStarting() {
    String before = System.getProperty(Browser.SKIP_PROPERTY);
    System.setProperty(Browser.SKIP_PROPERTY, "skip");
    try {
      assertThatThrownBy(Browser::start).isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("-Dsesame.browser=skip");
    } finally {
      if (before == null) System.clearProperty(Browser.SKIP_PROPERTY);
      else System.setProperty(Browser.SKIP_PROPERTY, before);
    }
  }
}
