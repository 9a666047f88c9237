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
    return enrol(b, email, el, "support");
  }

  private static byte[] enrol(Browser b, String email, String role) {
    return enrol(b, email, el, role);
  }

  /** From the invitation link to an active account with this role, then signed in with both factors. */
  private static void signIn(Browser b, String email, String election, String role) {
    byte[] secret = enrol(b, email, election, role);
    b.find(By.id("email")).sendKeys(email);
    b.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    submit(b, By.cssSelector("button.primary"));
    gw.clock.advance(Duration.ofSeconds(30));
    b.find(By.id("code")).sendKeys(new Totp().code(secret, gw.clock.instant()));
    submit(b, By.cssSelector("button.primary"));
  }

  /** From the invitation link to an active account with this role; @return the app's secret */
  private static byte[] enrol(Browser b, String email, String election, String role) {
    assertThat(ConsoleFixtures.invite(gw, email, election, role).status()).isEqualTo(201);
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
    signIn(browser, "organiser.incidents@univ-test.fr", el, "organiser");
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

  /**
   * Issue 16, point 1: the seal page of an election before its opening, for an organiser: reached from the
   * election's page, empty, then sealed now (the seal listed with its report), the reopening refused without a
   * reason, then done with one; axe finds nothing on any of these.
   */
  @Test
  void anOrganiserSealsAnElectionAndReopensItThroughTheAuditedProcedure() {
    String mine = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + mine, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofDays(2)), gw.clock.instant().plus(Duration.ofDays(10)))).status())
        .isEqualTo(201);
    assertThat(gw.importRoll(mine, TestGateway.ROLL).status()).isEqualTo(200);
    browser.driver().manage().deleteAllCookies();
    signIn(browser, "organiser.seals@univ-test.fr", mine, "organiser");
    browser.open(base() + "/console/e/" + mine);
    submit(browser, By.linkText("Scellements"));
    assertThat(browser.find(By.id("no-seal")).getText()).contains("Aucun scellement");
    browser.axe().assertNoViolations("the seal page, no seal yet");
    submit(browser, By.id("seal-now"));
    assertThat(browser.find(By.cssSelector(".notice")).getText()).contains("scellement n° 1");
    assertThat(browser.find(By.id("seal-in-force")).getText()).contains("n° 1");
    assertThat(browser.find(By.cssSelector("table")).getText()).as("sealed under the person's id").contains("staff:");
    assertThat(browser.find(By.partialLinkText("procès-verbal n° 1")).getAttribute("href"))
        .endsWith("/console/e/" + mine + "/scellements/1.pdf");
    browser.axe().assertNoViolations("the seal page with a seal in force");
    submit(browser, By.id("reopen"));
    assertThat(browser.find(By.id("reason-error")).getText()).contains("raison");
    browser.axe().assertNoViolations("the reopening form with its error");
    browser.find(By.id("reason")).sendKeys("Liste électorale à corriger : deux électeurs manquants");
    submit(browser, By.id("reopen"));
    assertThat(browser.find(By.cssSelector(".notice")).getText()).contains("Scellement n° 1 levé");
    assertThat(browser.find(By.id("seal-in-force")).getText()).contains("Aucun scellement en vigueur");
    browser.axe().assertNoViolations("the seal page after a reopening");
  }

  /**
   * Issue 16, point 6: the retention and destruction page with its request form, and a refusal (the election is
   * open) shown on it; axe finds nothing.
   */
  @Test
  void anOrganiserSeesTheRetentionDatesAndARefusedDestruction() {
    browser.driver().manage().deleteAllCookies();
    byte[] secret = enrol(browser, "organiser.destruction@univ-test.fr", "organiser");
    browser.find(By.id("email")).sendKeys("organiser.destruction@univ-test.fr");
    browser.find(By.id("password")).sendKeys("Bureau-de-vote-2026");
    submit(browser, By.cssSelector("button.primary"));
    gw.clock.advance(Duration.ofSeconds(30));
    browser.find(By.id("code")).sendKeys(new Totp().code(secret, gw.clock.instant()));
    submit(browser, By.cssSelector("button.primary"));
    assertThat(browser.url()).endsWith("/console");
    submit(browser, By.partialLinkText("Test election"));
    submit(browser, By.partialLinkText("Conservation et destruction"));
    assertThat(browser.find(By.cssSelector("table")).getText()).contains("Fin de la période de recours");
    browser.axe().assertNoViolations("the retention page with its request form");
    submit(browser, By.xpath("//button[normalize-space()='Demander la destruction des données']"));
    assertThat(browser.find(By.id("refusal")).getText()).contains("pas close");
    browser.axe().assertNoViolations("the retention page with a refusal");
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

  /** Issue 15, point 3: a credential campaign started from its page and followed to its end, every state walked. */
  @Test
  void anOrganiserStartsACampaignAndFollowsItsProgress() throws Exception {
    String election = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + election, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))
        .put("platformUrl", "https://vote.univ-test.fr")).status()).isEqualTo(201);
    assertThat(gw.importRoll(election, TestGateway.ROLL).status()).isEqualTo(200);
    try (Browser b = Browser.start()) {
      signIn(b, "organiser.campaign@univ-test.fr", election, "organiser");
      b.open(base() + "/console/e/" + election);
      submit(b, By.partialLinkText("campagnes"));
      assertThat(b.find(By.id("no-campaigns")).getText()).contains("Aucune campagne");
      b.axe().assertNoViolations("the campaigns page");
      assertThat(b.find(By.id("post-note")).getText()).contains("adresse postale");
      // the form refusing a start (another campaign of the election holds its lock)
      String lock = "gw:{el:" + election + "}:cp";
      try (var redis = fr.sesame.testkit.TestRedis.connect(gw.redisUrl)) {
        redis.sync().hset(lock, java.util.Map.of("c", "running-one", "t", "x", "u",
            Long.toString(gw.clock.millis() + 60_000)));
        new org.openqa.selenium.support.ui.Select(b.find(By.id("channel"))).selectByValue("post");
        submit(b, By.cssSelector("button.primary"));
        assertThat(b.find(By.id("start")).getText()).contains("déjà en cours");
        b.axe().assertNoViolations("the campaigns page refusing a second campaign");
        redis.sync().del(lock);
      }
      new org.openqa.selenium.support.ui.Select(b.find(By.id("channel"))).selectByValue("email");
      submit(b, By.cssSelector("button.primary"));
      String page = b.url();
      assertThat(page).contains("/campagnes/");
      // "terminée": every voter walked and queued; the providers' table comes once the sends have finished too
      // (a CI run on 5630e8f looked for it in the moment between)
      for (int i = 0; i < 100 && (!b.find(By.id("campaign-status")).getText().contains("terminée")
          || b.driver().findElements(By.id("providers")).isEmpty()); i++) {
        Thread.sleep(100);
        b.open(page);
      }
      assertThat(b.find(By.id("queued")).getText()).isEqualTo("4");
      assertThat(b.find(By.id("campaign-progress")).getAttribute("value")).isEqualTo("100");
      assertThat(b.find(By.id("providers")).getText()).contains("dev-outbox");
      b.axe().assertNoViolations("a finished campaign's progress");

      // the running state, as a campaign whose gateway stopped shows it, with its refresh turned off
      String id = page.substring(page.lastIndexOf('/') + 1);
      try (var redis = fr.sesame.testkit.TestRedis.connect(gw.redisUrl)) {
        redis.sync().hset("gw:{el:" + election + "}:cp:" + id, "s", "running");
        redis.sync().hset("gw:{el:" + election + "}:cp", java.util.Map.of("c", id, "t", "gone", "u",
            Long.toString(gw.clock.millis() + 600_000)));
        b.open(page + "?auto=0");
        assertThat(b.find(By.id("campaign-status")).getText()).contains("en cours");
        assertThat(b.find(By.id("auto")).getText()).contains("Actualiser");
        b.axe().assertNoViolations("a running campaign's progress, its refresh turned off");
        // and as it follows itself: a scripted reload the person can suspend (no meta refresh, which axe refuses)
        b.open(page);
        assertThat(b.find(By.id("auto-refresh-toggle")).getText()).isEqualTo("Suspendre la mise à jour automatique");
        b.axe().assertNoViolations("a running campaign's progress, updating itself");
        b.find(By.id("auto-refresh-toggle")).click();
        assertThat(b.find(By.id("auto-refresh-toggle")).getText()).isEqualTo("Reprendre la mise à jour automatique");
        b.axe().assertNoViolations("a running campaign's progress, its automatic update suspended");
        redis.sync().del("gw:{el:" + election + "}:cp");
        redis.sync().hset("gw:{el:" + election + "}:cp:" + id, "s", "done");
      }
      b.open(base() + "/console/e/" + election + "/campagnes");
      assertThat(b.find(By.id("campaigns")).getText()).contains("Courriel");
      b.axe().assertNoViolations("the campaigns page with its list");
    }
  }

  void anOrganiserCreatesAnElectionChangesItAndInvitesATeamWithNoAccessibilityViolation() {
    Browser b = browser;
    signIn(b, "organiser.browser@univ-test.fr", el, "organiser");
    assertThat(b.url()).endsWith("/console");

    submit(b, By.partialLinkText("Créer un scrutin"));
    b.axe().assertNoViolations("the new election form");
    submit(b, By.cssSelector("button.primary")); // nothing filled in
    assertThat(b.title()).startsWith("Erreur :");
    assertThat(b.find(By.id("college1-error")).getText()).contains("au moins un collège");
    b.axe().assertNoViolations("the new election form with its errors");
    String id = TestGateway.newElectionId();
    b.find(By.id("id")).sendKeys(id);
    b.find(By.id("name")).sendKeys("Scrutin du navigateur");
    setValue(b, "opensAt", "2027-01-10T08:00");
    setValue(b, "closesAt", "2027-01-12T18:00");
    b.find(By.id("college1Id")).sendKeys("etudiants");
    new org.openqa.selenium.support.ui.Select(b.find(By.id("college1Kind"))).selectByValue("SISCOL");
    b.find(By.id("college1-email")).click();
    submit(b, By.cssSelector("button.primary"));
    assertThat(b.url()).endsWith("/console/e/" + id + "?cree=1");
    assertThat(b.find(By.cssSelector(".notice")).getText()).contains("créé");
    b.axe().assertNoViolations("the new election's page");

    submit(b, By.partialLinkText("Modifier le scrutin"));
    b.axe().assertNoViolations("the election's form");
    submit(b, By.partialLinkText("Retour au scrutin"));
    submit(b, By.partialLinkText("Équipe du scrutin"));
    b.axe().assertNoViolations("the election's team");
    b.find(By.id("email")).sendKeys("pas-une-adresse");
    submit(b, By.cssSelector("button.primary"));
    assertThat(b.find(By.id("email-error")).isDisplayed()).isTrue();
    b.axe().assertNoViolations("the invitation form with its errors");
    b.find(By.id("email")).clear();
    b.find(By.id("email")).sendKeys("assesseur.browser@univ-test.fr");
    b.find(By.id("name")).sendKeys("Assesseur");
    new org.openqa.selenium.support.ui.Select(b.find(By.id("role"))).selectByValue("bureau");
    submit(b, By.cssSelector("button.primary"));
    assertThat(b.find(By.cssSelector(".notice")).getText()).contains("invitation");
    assertThat(b.find(By.id("team")).getText()).contains("Assesseur", "Bureau de vote", "Invitation envoyée");
    b.axe().assertNoViolations("the team with an invited member");
  }

  /** Sets an input's value as a picker would (typing into {@code datetime-local} depends on the locale). */
  private static void setValue(Browser b, String id, String value) {
    ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript("arguments[0].value = arguments[1]",
        b.find(By.id(id)), value);
  }

  @Test
  void theBureauReadsTheJournalTheAlertsTheProvidersAndTheListWithoutViolations() {
    Browser b = Browser.start();
    String el = gw.openElection(); // its own: the other tests expect no émargement
    try {
      signIn(b, "bureau.browser@univ-test.fr", el, "bureau");
      assertThat(b.url()).endsWith("/console");
      String token = gw.fullLogin(el, "emma", "15/06/1990", "email", "emma.robert@univ-test.fr");
      assertThat(gw.http.post("/v1/elections/" + el + "/emargements", TestGateway.PLATFORM,
          new io.vertx.core.json.JsonObject().put("sessionToken", token)).status()).isIn(201, 409);

      b.open(base() + "/console/e/" + el);
      assertThat(b.find(By.id("turnout-hours")).getText()).contains("externes");
      b.axe().assertNoViolations("the election page with its hour x college turnout");
      submit(b, By.partialLinkText("Consulter le journal"));
      assertThat(b.find(By.id("journal")).getText()).contains("login.");
      b.axe().assertNoViolations("the audit trail");
      b.find(By.id("type")).sendKeys("<mauvais>");
      submit(b, By.cssSelector("button.primary"));
      assertThat(b.find(By.id("type-error")).getText()).contains("minuscules");
      b.axe().assertNoViolations("the audit trail with a refused filter");
      b.open(base() + "/console/e/" + el + "/alertes");
      assertThat(b.find(By.tagName("h1")).getText()).isEqualTo("Alertes du scrutin");
      b.axe().assertNoViolations("the alerts");
      b.open(base() + "/console/e/" + el + "/fournisseurs");
      assertThat(b.find(By.tagName("h1")).getText()).contains("fournisseurs");
      b.axe().assertNoViolations("the providers' health");
      b.open(base() + "/console/e/" + el + "/fournisseurs?auto=1");
      assertThat(b.find(By.id("auto-refresh-toggle")).isDisplayed()).isTrue();
      b.axe().assertNoViolations("the providers' health, updating itself");
    } finally {
      b.close();
    }
  }

  /**
   * Issue 15, point 7: an organiser imports a roll saved by French Excel (`;`, Windows-1252) through the page,
   * follows its progress to the end and reads the unreachable voters, sends a voter's access information again
   * (réassort), and verifies the audit trail: in a real browser, axe on every page and state.
   */
  @Test
  void anOrganiserImportsAnExcelRollFollowsItToItsEndSendsAReassortAndVerifiesTheAudit() throws Exception {
    String election = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + election, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))
        .put("platformUrl", "https://vote.univ-test.fr")).status()).isEqualTo(201);
    java.nio.file.Path roll = java.nio.file.Files.createTempFile("liste-excel", ".csv");
    java.nio.file.Files.write(roll, String.join("\r\n",
        "identifier;college;lastName;firstName;birthDate;email;phone;secret",
        "helene;etudiants;Lefèvre;Hélène;;helene.lefevre@univ-test.fr;;12345678",
        "francois;personnels;Garçon;François;;;;1234",
        "noel;etudiants;Noël;Zoé;;;;87654321", "").getBytes(java.nio.charset.Charset.forName("windows-1252")));
    try (Browser b = Browser.start()) {
      signIn(b, "organiser.import@univ-test.fr", election, "organiser");
      b.open(base() + "/console/e/" + election);
      submit(b, By.partialLinkText("Importer la liste"));
      b.axe().assertNoViolations("the roll import page");
      b.find(By.id("roll")).sendKeys(roll.toAbsolutePath().toString());
      submit(b, By.cssSelector("button.primary"));
      assertThat(b.url()).contains("/import/");
      for (int i = 0; i < 100 && !b.find(By.id("import-status")).getText().contains("terminé"); i++) {
        b.axe().assertNoViolations("the import's progress while it runs");
        Thread.sleep(100);
        b.open(b.url());
      }
      assertThat(b.find(By.id("import-status")).getText()).isEqualTo("Import terminé.");
      assertThat(b.find(By.id("imported")).getText()).isEqualTo("3");
      assertThat(b.find(By.id("encoding")).getText()).containsIgnoringCase("1252");
      assertThat(b.find(By.id("separator")).getText()).contains(";");
      assertThat(b.find(By.id("unreachable")).getText()).contains("francois", "noel").doesNotContain("helene");
      b.axe().assertNoViolations("the import's end with the unreachable voters");

      b.open(base() + "/console/e/" + election + "/electeurs");
      b.find(By.id("identifier")).sendKeys("helene");
      submit(b, By.cssSelector("form[role=search] button"));
      int before = gw.outbox.list("helene.lefevre@univ-test.fr").size();
      b.find(By.id("reassort-email")).click();
      submit(b, By.xpath("//button[normalize-space()='Renvoyer les informations d’accès']"));
      assertThat(b.find(By.cssSelector(".notice")).getText()).contains("renvoyées");
      b.axe().assertNoViolations("a voter's status after a réassort");
      ConsoleFixtures.awaitMessages(gw, "helene.lefevre@univ-test.fr", before + 1);
      assertThat(gw.outbox.last("helene.lefevre@univ-test.fr").message().text())
          .contains("helene", "https://vote.univ-test.fr").doesNotContain("12345678");

      b.open(base() + "/console/e/" + election);
      submit(b, By.partialLinkText("Vérifier le journal"));
      assertThat(b.find(By.tagName("main")).getText()).contains("intègre");
      b.axe().assertNoViolations("the audit trail's verification");
    } finally {
      java.nio.file.Files.deleteIfExists(roll);
    }
  }
}
