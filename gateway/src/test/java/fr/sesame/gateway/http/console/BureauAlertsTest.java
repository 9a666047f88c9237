package fr.sesame.gateway.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.Attachment;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.evidence.Seal;
import fr.sesame.gateway.evidence.SealNotice;
import fr.sesame.gateway.http.oidc.FormClient;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, points 1 and 4, through the dev outbox (the provider a developer's gateway sends to): a seal reaches
 * each bureau member as an email with the sealing PDF attached; an incident and a mass lockout reach them by email
 * and, when their staff account has a mobile phone, by a short SMS naming only the election. Support, with a phone
 * too, gets none of these.
 */
class BureauAlertsTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.isolated(new LockoutConfig(5, Duration.ofHours(24), 2));

  /** Invites a staff member of {@code el} (with a mobile phone when not null) and activates the account. */
  private static void member(String email, String el, String role, String phone) {
    Http.Res r = ConsoleFixtures.invite(gw, email, el, role, phone);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    ConsoleFixtures.enrol(gw, new FormClient(gw.gateway.port()), ConsoleFixtures.invitationToken(gw, email));
  }

  private static String pdfText(byte[] pdf) throws Exception {
    try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
      return new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
    }
  }

  @Test
  void aSealIsEmailedToEachBureauMemberWithTheSealingPdfAttached() throws Exception {
    String el = TestGateway.newElectionId();
    assertThat(gw.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
        gw.clock.instant().plus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(10)))).status())
        .isEqualTo(201);
    assertThat(gw.importRoll(el, TestGateway.ROLL).status()).isEqualTo(200);
    member("bureau.pv1@univ-test.fr", el, "bureau", null);
    member("bureau.pv2@univ-test.fr", el, "bureau", "06 55 44 33 11");
    member("expert.pv@univ-test.fr", el, "expert", null);

    Http.Res sealed = gw.http.postRaw("/v1/admin/elections/" + el + "/seal", TestGateway.ADMIN, "application/json",
        new byte[0]);
    assertThat(sealed.status()).as(sealed.body()).isEqualTo(201);
    Seal seal = Seal.parse(sealed.json().encode());

    for (String to : List.of("bureau.pv1@univ-test.fr", "bureau.pv2@univ-test.fr")) {
      ConsoleFixtures.awaitMessages(gw, to, 2); // the invitation, then the seal
      DevOutbox.Entry mail = gw.outbox.last(to);
      assertThat(mail.message().kind()).isEqualTo(ChannelKind.EMAIL);
      assertThat(mail.message().subject()).contains("Test election");
      assertThat(mail.message().text()).contains("Scellement n° 1", seal.digest(), "joint (PDF)",
          "/console/e/" + el + "/scellements/1.pdf");
      assertThat(mail.message().attachments()).singleElement().satisfies(file -> {
        assertThat(file.filename()).isEqualTo(SealNotice.filename(el, 1));
        assertThat(file.contentType()).isEqualTo("application/pdf");
      });
      Attachment pdf = mail.message().attachments().get(0);
      assertThat(pdfText(pdf.content())).contains("Procès-verbal de scellement n° 1", "Test election", el,
          seal.digest(), seal.kid());
    }
    assertThat(gw.outbox.list("expert.pv@univ-test.fr")).as("the expert is not the bureau").hasSize(1);
    assertThat(gw.outbox.list("+33655443311")).as("a seal sends no SMS").isEmpty();
  }

  @Test
  void anIncidentReachesTheBureauByEmailAndByAShortSmsWithoutItsSummary() {
    String el = gw.openElection();
    member("bureau.sms1@univ-test.fr", el, "bureau", "06 55 44 33 21");
    member("bureau.sms2@univ-test.fr", el, "bureau", null);
    member("support.sms@univ-test.fr", el, "support", "06 55 44 33 22");

    Http.Res r = gw.http.post("/v1/admin/elections/" + el + "/incidents", TestGateway.ADMIN,
        new JsonObject().put("severity", "high").put("summary", "Connexions suspectes depuis 203.0.113.7"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getInteger("bureauAlerted")).isEqualTo(2);

    ConsoleFixtures.awaitMessages(gw, "+33655443321", 1);
    DevOutbox.Entry sms = gw.outbox.last("+33655443321");
    assertThat(sms.message().kind()).isEqualTo(ChannelKind.SMS);
    assertThat(sms.message().text()).isEqualTo("Sesame, Test election : incident de sécurité enregistré (gravité high),"
        + " voir l'email et la console.");
    assertThat(sms.message().text()).as("the summary stays in the email").doesNotContain("203.0.113.7");
    for (String to : List.of("bureau.sms1@univ-test.fr", "bureau.sms2@univ-test.fr")) {
      ConsoleFixtures.awaitMessages(gw, to, 2); // the invitation, then the alert
      assertThat(gw.outbox.last(to).message().text()).contains("Connexions suspectes depuis 203.0.113.7");
    }
    assertThat(gw.outbox.list("+33655443322")).as("support is not the bureau").isEmpty();
  }

  @Test
  void aMassLockoutReachesTheBureauByEmailAndSms() {
    String el = gw.openElection();
    member("bureau.wave@univ-test.fr", el, "bureau", "06 55 44 33 31");
    for (String voter : List.of("alice", "bruno", "chloe")) { // the third lock of the minute: over 2
      for (int i = 0; i < 5; i++) {
        gw.login(el, voter, "0000000" + i, "email");
      }
    }
    ConsoleFixtures.awaitMessages(gw, "+33655443331", 1);
    assertThat(gw.outbox.last("+33655443331").message().text()).isEqualTo("Sesame, Test election : plus de 2 comptes"
        + " d'électeurs verrouillés en une minute, voir l'email et la console.");
    ConsoleFixtures.awaitMessages(gw, "bureau.wave@univ-test.fr", 2);
    assertThat(gw.outbox.last("bureau.wave@univ-test.fr").message().text()).contains("verrouillés en une minute");
  }
}
