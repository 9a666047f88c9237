package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.http.pages.LoginPagesBrowserTest;
import fr.sesame.gateway.staff.Totp;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Browser;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The staff console in a real browser (Chromium): an invited support agent sets a password and an authenticator
 * app, logs in with both, finds a locked voter and unlocks him with a reason; axe-core finds no violation on any
 * page or error state; the login works from the keyboard alone, and without JavaScript.
 */
class ConsoleBrowserTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated();
  static Browser browser;
  static Browser noScript;
  static String el;

  @BeforeAll
  static void start() {
    el = gw.openElection();
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
  }

  private static String base() {
    return "http://localhost:" + gw.gateway.port();
  }

  private static void submit(Browser b, By button) {
    LoginPagesBrowserTest.submit(b, button);
  }

  /** From the invitation link to an active account; @return the app's secret */
  private static byte[] enrol(Browser b, String email) {
    return enrol(b, email, "support");
  }

  private static byte[] enrol(Browser b, String email, String role) {
    assertThat(ConsoleFixtures.invite(gw, email, el, role).status()).isEqualTo(201);
    b.open(base() + "/console/invitation/" + ConsoleFixtures.invitationToken(gw, email));
    assertThat(b.title()).contains("Activer votre compte");
    b.axe().assertNoViolations("the invitation page");
    b.find(By.id("password")).sendKeys("Password1");
    b.find(By.id("confirm")).sendKeys("Password1");
    submit(b, By.cssSelector("button.primary"));
    assertThat(b.find(By.id("password-error")).getText()).contains("trop courant");
    b.axe().assertNoViolations("the invitation page with a refused password");
    b.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    b.find(By.id("confirm")).sendKeys("Bureau-de-vote-2026");
    submit(b, By.cssSelector("button.primary"));
    String key = b.find(By.id("totp-key")).getText().replace(" ", "");
    b.axe().assertNoViolations("the authenticator app page");
    byte[] secret = ConsoleFixtures.base32(key);
    b.find(By.id("code")).sendKeys(new Totp().code(secret, gw.clock.instant()));
    submit(b, By.cssSelector("button.primary"));
    assertThat(b.url()).endsWith("/console/connexion?active=1");
    assertThat(b.find(By.cssSelector(".notice")).getText()).contains("actif");
    return secret;
  }

  @Test
  void anAgentEnrolsLogsInWithBothFactorsAndUnlocksAVoterWithAReason() {
    byte[] secret = enrol(browser, "agent.browser@univ-test.fr");
    browser.axe().assertNoViolations("the console login page");
    submit(browser, By.cssSelector("button.primary")); // nothing filled in
    assertThat(browser.title()).startsWith("Erreur :");
    browser.axe().assertNoViolations("the console login page with its errors");
    browser.find(By.id("email")).sendKeys("agent.browser@univ-test.fr");
    browser.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.url()).endsWith("/console/connexion/code");
    browser.axe().assertNoViolations("the console code page");
    gw.clock.advance(Duration.ofSeconds(30));
    browser.find(By.id("code")).sendKeys(new Totp().code(secret, gw.clock.instant()));
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.url()).endsWith("/console");
    browser.axe().assertNoViolations("the console home");

    for (int i = 0; i < 5; i++) {
      gw.login(el, "chloe", "999" + i, "email");
    }
    submit(browser, By.partialLinkText("Test election"));
    assertThat(browser.find(By.id("turnout-total")).getText()).contains("0");
    browser.axe().assertNoViolations("the election page with its turnout");
    submit(browser, By.partialLinkText("Rechercher un électeur"));
    browser.axe().assertNoViolations("the voter search");
    browser.find(By.id("identifier")).sendKeys("chloe");
    submit(browser, By.cssSelector("form[role=search] button"));
    assertThat(browser.find(By.id("voter-state")).getText()).isEqualTo("Verrouillé");
    browser.axe().assertNoViolations("a locked voter's status");
    submit(browser, By.xpath("//button[normalize-space()='Déverrouiller le compte']"));
    assertThat(browser.find(By.id("reason-error")).getText()).contains("motif");
    browser.axe().assertNoViolations("the unlock form without a reason");
    browser.find(By.id("reason")).sendKeys("Identité vérifiée par téléphone");
    submit(browser, By.xpath("//button[normalize-space()='Déverrouiller le compte']"));
    assertThat(browser.find(By.cssSelector(".notice")).getText()).contains("déverrouillé");
    assertThat(browser.find(By.id("voter-state")).getText()).isEqualTo("Actif");
    assertThat(gw.status(el, "chloe").json().getString("status")).isEqualTo("active");
  }

  /** Issue 16, point 4: the incident log, its form and the form's errors, for an organiser; axe finds nothing. */
  @Test
  void anOrganiserRecordsAnIncident() {
    browser.driver().manage().deleteAllCookies();
    byte[] secret = enrol(browser, "organiser.browser@univ-test.fr", "organiser");
    browser.find(By.id("email")).sendKeys("organiser.browser@univ-test.fr");
    browser.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    submit(browser, By.cssSelector("button.primary"));
    gw.clock.advance(Duration.ofSeconds(30));
    browser.find(By.id("code")).sendKeys(new Totp().code(secret, gw.clock.instant()));
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.url()).endsWith("/console");
    submit(browser, By.partialLinkText("Test election"));
    submit(browser, By.partialLinkText("Journal des incidents"));
    browser.axe().assertNoViolations("the incident log, empty, with its form");
    submit(browser, By.xpath("//button[normalize-space()='Enregistrer l’incident et alerter le bureau']"));
    assertThat(browser.find(By.id("summary-error")).getText()).contains("Décrivez");
    browser.axe().assertNoViolations("the incident form with its error");
    browser.find(By.id("summary")).sendKeys("Page de connexion indisponible de 10 h 02 à 10 h 06");
    submit(browser, By.xpath("//button[normalize-space()='Enregistrer l’incident et alerter le bureau']"));
    assertThat(browser.find(By.cssSelector(".notice")).getText()).contains("Incident enregistré");
    assertThat(browser.find(By.cssSelector("table")).getText()).contains("Page de connexion indisponible");
    browser.axe().assertNoViolations("the incident log with an incident");
  }

  @Test
  void theLoginWorksFromTheKeyboardAloneAndWithoutJavaScript() {
    byte[] secret = enrol(noScript, "agent.keys@univ-test.fr");
    var keys = browser.keyboard();
    browser.driver().manage().deleteAllCookies();
    browser.open(base() + "/console/connexion");
    keys.tabTo(By.id("email"));
    keys.assertFocusVisible();
    keys.type("agent.keys@univ-test.fr");
    keys.tabTo(By.id("password"));
    keys.type("Bureau-de-vote-2026");
    keys.tabTo(By.cssSelector("button.primary"));
    keys.assertFocusVisible();
    org.openqa.selenium.WebElement page = browser.find(By.tagName("html"));
    keys.enter();
    LoginPagesBrowserTest.awaitNewPage(browser, page);
    keys.tabTo(By.id("code"));
    gw.clock.advance(Duration.ofSeconds(30));
    keys.type(new Totp().code(secret, gw.clock.instant()));
    page = browser.find(By.tagName("html"));
    keys.enter();
    LoginPagesBrowserTest.awaitNewPage(browser, page);
    assertThat(browser.url()).endsWith("/console");
    assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Console");

    // without JavaScript, the same login: an earlier code of this step was used, so the next step's
    noScript.open(base() + "/console/connexion");
    noScript.find(By.id("email")).sendKeys("agent.keys@univ-test.fr");
    noScript.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    submit(noScript, By.cssSelector("button.primary"));
    gw.clock.advance(Duration.ofSeconds(30));
    noScript.find(By.id("code")).sendKeys(new Totp().code(secret, gw.clock.instant()));
    submit(noScript, By.cssSelector("button.primary"));
    assertThat(noScript.url()).endsWith("/console");
    noScript.axe().assertNoViolations("the console home without JavaScript");
  }

  @Test
  void anAgentWithAPhoneChoosesSmsAndLogsInWithTheCodeSent() {
    String email = "agent.sms@univ-test.fr";
    String phone = "+33655443399";
    assertThat(ConsoleFixtures.invite(gw, email, el, "support", "06 55 44 33 99").status()).isEqualTo(201);
    browser.driver().manage().deleteAllCookies();
    browser.open(base() + "/console/invitation/" + ConsoleFixtures.invitationToken(gw, email));
    browser.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    browser.find(By.id("confirm")).sendKeys("Bureau-de-vote-2026");
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.title()).contains("Choisir votre second facteur");
    browser.axe().assertNoViolations("the choice of the second factor");
    int before = gw.outbox.list(phone).size();
    submit(browser, By.xpath("//button[normalize-space()='Recevoir un code par SMS']"));
    ConsoleFixtures.awaitMessages(gw, phone, before + 1);
    String code = gw.lastCode(phone);
    browser.axe().assertNoViolations("the SMS enrolment's code form");
    browser.find(By.id("smsCode")).sendKeys(code.equals("000000") ? "111111" : "000000");
    submit(browser, By.xpath("//button[normalize-space()='Activer mon compte avec le SMS']"));
    assertThat(browser.find(By.id("sms-code-error")).getText()).contains("SMS");
    browser.axe().assertNoViolations("the SMS enrolment with a wrong code");
    browser.find(By.id("smsCode")).sendKeys(code);
    submit(browser, By.xpath("//button[normalize-space()='Activer mon compte avec le SMS']"));
    assertThat(browser.url()).endsWith("/console/connexion?active=1");

    browser.find(By.id("email")).sendKeys(email);
    browser.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.url()).endsWith("/console/connexion/code");
    ConsoleFixtures.awaitMessages(gw, phone, before + 2);
    assertThat(browser.find(By.tagName("main")).getText()).contains("+33 6** ** ** 99");
    browser.axe().assertNoViolations("the console code page for SMS");
    submit(browser, By.xpath("//button[normalize-space()='Envoyer un nouveau code']"));
    assertThat(browser.find(By.cssSelector(".notice")).getText()).contains("30 secondes");
    browser.axe().assertNoViolations("the console code page after a resend too soon");
    browser.find(By.id("code")).sendKeys(gw.lastCode(phone));
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.url()).endsWith("/console");
  }
}
