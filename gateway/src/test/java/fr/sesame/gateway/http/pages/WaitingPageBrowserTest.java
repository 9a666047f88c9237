package fr.sesame.gateway.http.pages;

import static fr.sesame.gateway.http.pages.LoginPagesBrowserTest.awaitNewPage;
import static fr.sesame.gateway.http.pages.LoginPagesBrowserTest.submit;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.AdmissionConfig;
import fr.sesame.gateway.dev.DemoBallotBox;
import fr.sesame.gateway.dev.DemoElection;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Browser;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hosted login page's door (issue 17, point 1) in Chromium: a first submit held back shows the waiting page
 * (French and English, axe-core finds no violation, the keyboard reaches its button), which brings the form back
 * at the voter's turn — by itself with JavaScript, with its button without — and the voter then logs in. The
 * door is the real admission class pinned at 2 new logins a second on the test's clock; two API logins (to an
 * election that does not exist: the door comes first) fill the instant, so the next submit is held.
 */
public class WaitingPageBrowserTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.withAdmission(AdmissionConfig.DEFAULTS.withFixedRate(2, 2));
  static DemoBallotBox box;
  static Browser browser;
  static Browser noScript;

  @BeforeAll
  static void start() throws Exception {
    DemoElection.seed(gw.gateway.vertx(), gw.gateway.port(), TestGateway.ADMIN);
    box = DemoBallotBox.start(gw.gateway.vertx(), gw.gateway.port(), gw.gateway.issuer(), TestGateway.ADMIN);
    browser = Browser.start();
    noScript = Browser.withoutJavaScript();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {browser, noScript, box}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeEach
  void freshBrowsersAndAnEmptyQueue() {
    browser.driver().manage().deleteAllCookies();
    noScript.driver().manage().deleteAllCookies();
    gw.clock.advance(Duration.ofMinutes(10));
  }

  /** Two new logins take this instant's turns: the next one is held back. */
  private static void fillTheDoor() {
    for (int i = 0; i < 2; i++) {
      assertThat(gw.http.post("/v1/elections/no-such-election/login", new JsonObject().put("identifier", "x" + i)
          .put("secret", "s").put("channel", "email")).status()).isEqualTo(404);
    }
  }

  /** The code of the next message to {@code to}, once it is there (the outbox sends it after the page answered). */
  private static String nextCode(String to, int before) {
    assertThat(gw.outbox.await(to, before + 1, Duration.ofSeconds(30))).as("a code to " + to + " among "
        + gw.outbox.await(null, 0, Duration.ZERO).stream().map(e -> e.message().to()).toList()).hasSizeGreaterThan(before);
    return gw.lastCode(to);
  }

  private static int sentTo(String to) {
    return gw.outbox.await(to, 0, Duration.ZERO).size();
  }

  private static void toLoginPage(Browser b) {
    b.open(box.url());
    submit(b, By.linkText("Se connecter pour voter"));
    assertThat(b.url()).contains("/connexion/");
  }

  private static void typeLogin(Browser b, String identifier, String secret) {
    b.find(By.id("identifier")).clear();
    b.find(By.id("identifier")).sendKeys(identifier);
    b.find(By.id("secret")).sendKeys(secret);
    submit(b, By.cssSelector("button.primary"));
  }

  @Test
  void withoutJavaScriptTheButtonBringsTheFormBackAtTheVotersTurn() {
    toLoginPage(noScript);
    fillTheDoor();
    int before = sentTo("chloe.bernard@univ-demo.fr");
    typeLogin(noScript, "chloe", "4321");
    assertThat(noScript.find(By.tagName("h1")).getText()).isEqualTo("Affluence : votre place est réservée");
    assertThat(noScript.find(By.cssSelector("p.notice")).getText()).isEqualTo("Attente estimée : environ 1 seconde(s).");
    assertThat(noScript.driver().getPageSource()).as("the secret is kept nowhere").doesNotContain("4321");
    noScript.axe().assertNoViolations("the waiting page");

    submit(noScript, By.cssSelector("button.primary")); // too early: the same place, the same page
    assertThat(noScript.url()).contains("/attente?ticket=").doesNotContain("4321").doesNotContain("chloe");
    assertThat(noScript.find(By.tagName("h1")).getText()).isEqualTo("Affluence : votre place est réservée");

    gw.clock.advance(Duration.ofSeconds(1)); // the load dropped: the turn has come
    var keys = noScript.keyboard();
    keys.tabTo(By.cssSelector("button.primary"));
    keys.assertFocusVisible();
    org.openqa.selenium.WebElement waiting = noScript.find(By.tagName("html"));
    keys.enter();
    awaitNewPage(noScript, waiting);
    assertThat(noScript.find(By.cssSelector("p.notice")).getText())
        .isEqualTo("C'est votre tour : saisissez à nouveau votre identifiant et votre secret.");
    noScript.axe().assertNoViolations("the login form at the voter's turn");
    // newcomers fill this instant's free turns and more: the voter's turn was kept for it
    int last = 0;
    for (int i = 0; i < 3; i++) {
      last = gw.http.post("/v1/elections/no-such-election/login", new JsonObject().put("identifier", "late" + i)
          .put("secret", "s").put("channel", "email")).status();
    }
    assertThat(last).isEqualTo(503);
    typeLogin(noScript, "chloe", "4321");
    if (noScript.url().endsWith("/canal")) {
      noScript.find(By.id("channel-email")).click();
      submit(noScript, By.cssSelector("form button.primary"));
    }
    assertThat(noScript.url()).endsWith("/code");
    noScript.find(By.id("code")).sendKeys(nextCode("chloe.bernard@univ-demo.fr", before));
    submit(noScript, By.cssSelector("form button.primary"));
    assertThat(noScript.find(By.tagName("h1")).getText()).isEqualTo("Vous êtes connecté à l’urne");
  }

  @Test
  void withJavaScriptThePageRetriesByItselfOnceTheLoadDrops() {
    toLoginPage(browser);
    fillTheDoor();
    int before = sentTo("+33612345678");
    typeLogin(browser, "alice", "20231234");
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Affluence : votre place est réservée");
    // the pause button stops the page from going on by itself (WCAG 2.2.1), and starts it again
    browser.find(By.id("auto-refresh-toggle")).click();
    assertThat(browser.find(By.id("auto-refresh-toggle")).getText()).isEqualTo("Reprendre la mise à jour automatique");
    browser.axe().assertNoViolations("the waiting page with its script, paused");
    browser.find(By.id("auto-refresh-toggle")).click();
    gw.clock.advance(Duration.ofSeconds(1));
    new WebDriverWait(browser.driver(), Duration.ofSeconds(15))
        .until(d -> !d.findElements(By.id("secret")).isEmpty());
    assertThat(browser.url()).contains("/attente?ticket=");
    typeLogin(browser, "alice", "20231234");
    assertThat(browser.url()).endsWith("/canal");
    browser.find(By.id("channel-sms")).click();
    submit(browser, By.cssSelector("form button.primary"));
    assertThat(browser.url()).as(browser.find(By.tagName("main")).getText()).endsWith("/code");
    browser.find(By.id("code")).sendKeys(nextCode("+33612345678", before));
    submit(browser, By.cssSelector("form button.primary"));
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Vous êtes connecté à l’urne");
  }

  @Test
  void theWaitingPageInEnglishKeepsThePlace() {
    toLoginPage(noScript);
    fillTheDoor();
    typeLogin(noScript, "chloe", "4321");
    submit(noScript, By.cssSelector("a[hreflang=en]"));
    assertThat(noScript.find(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
    assertThat(noScript.find(By.tagName("h1")).getText()).isEqualTo("Busy: your place is kept");
    assertThat(noScript.find(By.cssSelector("p.notice")).getText()).isEqualTo("Estimated wait: about 1 second(s).");
    noScript.axe().assertNoViolations("the waiting page in English");
    gw.clock.advance(Duration.ofSeconds(1));
    submit(noScript, By.cssSelector("button.primary"));
    assertThat(noScript.find(By.cssSelector("p.notice")).getText())
        .isEqualTo("It is your turn: type your identifier and secret again.");
    noScript.axe().assertNoViolations("the login form at the voter's turn, in English");
  }

  @Test
  void aForgedTicketStartsOver() {
    toLoginPage(noScript);
    String form = noScript.url();
    noScript.open(form + "/attente?ticket=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assertThat(noScript.url()).isEqualTo(form);
    assertThat(noScript.driver().findElements(By.name("ticket"))).isEmpty();
  }
}
