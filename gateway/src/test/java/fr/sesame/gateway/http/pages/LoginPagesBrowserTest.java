package fr.sesame.gateway.http.pages;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.dev.DemoBallotBox;
import fr.sesame.gateway.dev.DemoElection;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Browser;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The hosted login pages in a real browser (Debian's Chromium, headless): a voter logs into dev mode's demo
 * ballot box through them, with a mouse, with the keyboard only, and with JavaScript off; axe-core finds no
 * WCAG 2.2 AA violation on any page or state (errors, lockout, closed election, expired code, English).
 */
public class LoginPagesBrowserTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.withOidc();
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
    if (browser != null) {
      browser.close();
    }
    if (noScript != null) {
      noScript.close();
    }
    if (box != null) {
      box.close();
    }
  }

  @BeforeEach
  void freshBrowsers() {
    browser.driver().manage().deleteAllCookies();
    noScript.driver().manage().deleteAllCookies();
    gw.clock.advance(Duration.ofMinutes(10)); // each test's logins clear of the previous ones' per-voter limits
  }

  /** From the ballot box's home to Sesame's login page. */
  private static void toLoginPage(Browser b) {
    b.open(box.url());
    submit(b, By.linkText("Se connecter pour voter"));
    assertThat(b.url()).contains("/connexion/");
    assertThat(b.title()).contains("Connexion au vote");
  }

  /**
   * The identifier and the secret, then (the demo election's colleges offer different channels) the channel on
   * the next page, among the college's; a wrong secret stays on the first page.
   */
  private static void fillLogin(Browser b, String identifier, String secret, String channel) {
    b.find(By.id("identifier")).clear();
    b.find(By.id("identifier")).sendKeys(identifier);
    b.find(By.id("secret")).sendKeys(secret);
    assertThat(b.driver().findElements(By.name("channel"))).as("no channel before the secret").isEmpty();
    submit(b, By.cssSelector("button.primary"));
    if (b.url().endsWith("/canal")) {
      b.find(By.id("channel-" + channel)).click();
      submit(b, By.cssSelector("form button.primary"));
    }
  }

  /**
   * Clicks a submit button and waits for the next page: Selenium's click may return before the form's
   * navigation has begun, and the old page would then be read.
   */
  public static void submit(Browser b, By button) {
    org.openqa.selenium.WebElement old = b.find(By.tagName("html"));
    b.find(button).click();
    awaitNewPage(b, old);
  }

  /**
   * Waits until {@code old} (the previous page's root) is gone. Mid-navigation Chromium may answer a question
   * on it with "Node with given id does not belong to the document" rather than a stale-element error (a CI
   * run failed on it): gone too.
   */
  public static void awaitNewPage(Browser b, org.openqa.selenium.WebElement old) {
    new org.openqa.selenium.support.ui.WebDriverWait(b.driver(), Duration.ofSeconds(15)).until(d -> {
      try {
        old.isEnabled();
        return false;
      } catch (org.openqa.selenium.StaleElementReferenceException gone) {
        return true;
      } catch (org.openqa.selenium.WebDriverException e) {
        if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
          return true;
        }
        throw e;
      }
    });
  }

  @Test
  void aVoterLogsIntoTheDemoBallotBoxAndEveryPageIsAccessible() {
    toLoginPage(browser);
    browser.axe().assertNoViolations("the login page");
    submit(browser, By.cssSelector("button.primary")); // nothing filled in
    assertThat(browser.title()).startsWith("Erreur :");
    assertThat(browser.find(By.id("identifier")).getAttribute("aria-invalid")).isEqualTo("true");
    browser.axe().assertNoViolations("the login page with every field in error");

    browser.find(By.id("identifier")).sendKeys("alice");
    browser.find(By.id("secret")).sendKeys("20231234");
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.url()).endsWith("/canal");
    assertThat(browser.driver().findElements(By.name("channel"))).as("etudiants: SMS and email, no voice call")
        .extracting(e -> e.getAttribute("value")).containsExactly("sms", "email");
    browser.axe().assertNoViolations("the channel page");
    submit(browser, By.cssSelector("form button.primary")); // no channel chosen
    assertThat(browser.find(By.id("channel-error")).getText()).isNotBlank();
    browser.axe().assertNoViolations("the channel page with its error");
    browser.find(By.id("channel-sms")).click();
    submit(browser, By.cssSelector("form button.primary"));
    assertThat(browser.url()).endsWith("/code");
    assertThat(browser.find(By.id("code")).getAttribute("autocomplete")).isEqualTo("one-time-code");
    browser.axe().assertNoViolations("the code page");
    browser.find(By.id("code")).sendKeys("000000".equals(gw.lastCode("+33612345678")) ? "111111" : "000000");
    submit(browser, By.cssSelector("form button.primary"));
    assertThat(browser.find(By.id("code-error")).getText()).contains("Il vous reste");
    browser.axe().assertNoViolations("the code page after a wrong code");

    browser.find(By.id("code")).sendKeys(gw.lastCode("+33612345678"));
    submit(browser, By.cssSelector("form button.primary"));
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Vous êtes connecté à l’urne");
    assertThat(browser.find(By.tagName("body")).getText()).contains("urn:sesame:acr:secret+sms")
        .doesNotContain("alice");
  }

  @Test
  void withJavaScriptOffTheWholeLoginWorks() {
    toLoginPage(noScript);
    noScript.axe().assertNoViolations("the login page without JavaScript");
    fillLogin(noScript, "chloe", "4321", "email");
    noScript.find(By.id("code")).sendKeys(gw.lastCode("chloe.bernard@univ-test.fr".replace("univ-test",
        "univ-demo")));
    submit(noScript, By.cssSelector("form button.primary"));
    assertThat(noScript.find(By.tagName("h1")).getText()).isEqualTo("Vous êtes connecté à l’urne");
    assertThat(noScript.find(By.tagName("body")).getText()).contains("secret+email");
  }

  @Test
  void theKeyboardAloneLogsAVoterIn() {
    toLoginPage(browser);
    var keys = browser.keyboard();
    keys.tabTo(By.id("identifier"));
    keys.assertFocusVisible();
    keys.type("alice");
    keys.tabTo(By.id("secret"));
    keys.type("20231234");
    keys.tabTo(By.cssSelector("button.primary"));
    keys.assertFocusVisible();
    org.openqa.selenium.WebElement secretPage = browser.find(By.tagName("html"));
    keys.enter();
    awaitNewPage(browser, secretPage);
    assertThat(browser.url()).endsWith("/canal");
    keys.tabTo(By.name("channel")); // a radio group is one Tab stop; its arrows move and select
    for (int i = 0; i < 3 && !"channel-sms".equals(keys.focused().id()); i++) {
      keys.type(org.openqa.selenium.Keys.ARROW_UP);
    }
    assertThat(keys.focused().id()).isEqualTo("channel-sms");
    keys.assertFocusVisible();
    keys.space();
    keys.tabTo(By.cssSelector("form button.primary"));
    keys.assertFocusVisible();
    org.openqa.selenium.WebElement channelPage = browser.find(By.tagName("html"));
    keys.enter();
    awaitNewPage(browser, channelPage);
    assertThat(browser.url()).endsWith("/code");
    keys.tabTo(By.id("code"));
    keys.type(gw.lastCode("+33612345678"));
    org.openqa.selenium.WebElement codePage = browser.find(By.tagName("html"));
    keys.enter();
    awaitNewPage(browser, codePage);
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Vous êtes connecté à l’urne");
  }

  @Test
  void fiveWrongSecretsShowTheLockoutPage() {
    toLoginPage(browser);
    for (int i = 1; i <= 4; i++) {
      fillLogin(browser, "david", "000" + i, "sms");
      assertThat(browser.find(By.id("secret-error")).getText()).contains("Il vous reste " + (5 - i));
    }
    browser.axe().assertNoViolations("the login page after a wrong secret");
    fillLogin(browser, "david", "0009", "sms");
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Compte verrouillé");
    browser.axe().assertNoViolations("the lockout page");
  }

  @Test
  void aResendAndAnExpiredCodeAreSaidPlainly() {
    toLoginPage(browser);
    fillLogin(browser, "alice", "20231234", "sms");
    assertThat(browser.url()).as(browser.find(By.tagName("main")).getText()).endsWith("/code");
    String old = gw.lastCode("+33612345678");
    assertThat(browser.find(By.id("resend")).isEnabled()).as("30 s before a new code may be asked for").isFalse();
    assertThat(browser.find(By.id("resend-wait-text")).getText()).matches("Nouvel envoi possible dans (30|29|28) s\\.");
    browser.axe().assertNoViolations("the code page while a resend waits");
    gw.clock.advance(Duration.ofSeconds(31));
    browser.open(browser.url());
    assertThat(browser.find(By.id("resend")).isEnabled()).isTrue();
    submit(browser, By.xpath("//button[normalize-space()='Renvoyer un code']"));
    assertThat(browser.find(By.cssSelector(".notice")).getText()).contains("Un nouveau code");
    browser.axe().assertNoViolations("the code page after a resend");
    gw.clock.advance(Duration.ofMinutes(6));
    browser.find(By.id("code")).sendKeys(old);
    submit(browser, By.cssSelector("form button.primary"));
    assertThat(browser.find(By.id("code-error")).getText()).contains("expiré");
    browser.axe().assertNoViolations("the code page with an expired code");
  }

  @Test
  void theCodePageCountsDownAndWarnsAMinuteBeforeTheCodeEnds() {
    toLoginPage(browser);
    fillLogin(browser, "alice", "20231234", "sms");
    assertThat(browser.find(By.id("countdown-text")).getText()).as("about 5 minutes left")
        .matches("Temps restant pour saisir ce code : (5 min 00|4 min [0-5][0-9]) s");
    assertThat(browser.find(By.id("countdown-live")).getText()).isEmpty();
    gw.clock.advance(Duration.ofSeconds(250)); // 50 s left by the gateway's clock
    browser.open(browser.url());
    assertThat(browser.find(By.id("countdown-live")).getText()).startsWith("Moins d’une minute");
    browser.axe().assertNoViolations("the code page with its warning");
    assertThat(noScriptCountdownHidden()).isTrue();
  }

  /**
   * Without JavaScript the countdown stays hidden (the page says until when the code is valid), and a resend
   * asked before its 30 s is answered with the seconds left, and sends nothing.
   */
  private static boolean noScriptCountdownHidden() {
    toLoginPage(noScript);
    fillLogin(noScript, "chloe", "4321", "email");
    assertThat(noScript.find(By.id("resend-wait-text")).getText()).startsWith("Nouvel envoi possible dans");
    int sent = gw.outbox.list("chloe.bernard@univ-demo.fr").size();
    submit(noScript, By.id("resend"));
    assertThat(noScript.find(By.cssSelector(".notice")).getText()).contains("patientez encore");
    assertThat(gw.outbox.list("chloe.bernard@univ-demo.fr")).as("nothing sent again").hasSize(sent);
    return !noScript.find(By.id("countdown")).isDisplayed()
        && noScript.find(By.id("code-validity")).getText().contains("valable jusqu’à");
  }

  @Test
  void englishClosedElectionAndErrorPagesAreAccessibleToo() {
    toLoginPage(browser);
    submit(browser, By.linkText("English"));
    assertThat(browser.find(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
    assertThat(browser.title()).contains("Log in to vote");
    browser.axe().assertNoViolations("the login page in English");

    String closed = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + closed, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(10)), gw.clock.instant().minus(Duration.ofDays(1)))).status())
        .isEqualTo(201);
    Http.Res client = gw.http.put("/v1/admin/elections/" + closed + "/clients/c-" + closed, TestGateway.ADMIN,
        new JsonObject().put("name", "Urne close").put("redirectUris", new JsonArray().add("https://vote.example.fr/cb")));
    assertThat(client.status()).isEqualTo(201);
    browser.open(gw.gateway.issuer() + "/oidc/authorize?response_type=code&scope=openid&client_id=c-" + closed
        + "&redirect_uri=https%3A%2F%2Fvote.example.fr%2Fcb&code_challenge=" + "a".repeat(43)
        + "&code_challenge_method=S256&ui_locales=fr");
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Le scrutin n’est pas ouvert");
    browser.axe().assertNoViolations("the closed-election page");

    browser.open(gw.gateway.issuer() + "/oidc/authorize?client_id=nobody");
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("La connexion ne peut pas commencer");
    browser.axe().assertNoViolations("the error page of an invalid request");
  }
}
