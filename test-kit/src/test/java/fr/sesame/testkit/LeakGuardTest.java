package fr.sesame.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the leak guard finds, and what it lets through (masked values, other numbers). No I/O. */
class LeakGuardTest {
  @AfterEach
  void forgetTheLeaksThisTestMadeOnPurpose() {
    LeakGuard.unreported();
  }

  @Test
  void findsEmailAddressesAndPhoneNumbersWhateverTheirValue() {
    assertThat(LeakGuard.scan("sent to jeanne.martin@univ-exemple.fr", null))
        .containsExactly("email address jeanne.martin@univ-exemple.fr");
    assertThat(LeakGuard.scan("to=+33612345678&x", null)).containsExactly("phone number +33612345678");
    assertThat(LeakGuard.scan("call +33 6 12 34 56 78 now", null)).containsExactly("phone number +33 6 12 34 56 78");
    assertThat(LeakGuard.scan("tel 0698765432.", null)).containsExactly("phone number 0698765432");
    assertThat(LeakGuard.scan("phone=0698765432&x", null)).containsExactly("phone number 0698765432");
    assertThat(LeakGuard.scan("tel 06 98 76 54 32", null)).containsExactly("phone number 06 98 76 54 32");
  }

  /** A request id whose first group happens to equal a registered value is not that value logged (CI, 2026-11-30). */
  @Test
  void aRequestIdThatHappensToHoldARegisteredValueIsNoLeak() {
    LeakGuard.secret("20230600");
    assertThat(LeakGuard.scan("POST login 429 2.6ms 20230600-4c1a-4385-8c2e-5836d1a88ac6", null)).isEmpty();
    assertThat(LeakGuard.scan("student 20230600 logged", null)).containsExactly("registered value 20230600");
    assertThat(LeakGuard.scan("id 20230600-4c1a", null)).as("not a UUID: still split")
        .containsExactly("registered value 20230600");
  }

  @Test
  void letsMaskedValuesSendersAndOtherNumbersThrough() {
    assertThat(LeakGuard.scan("sent to +33 6 ** ** ** 78 and j***@univ-test.fr", null)).isEmpty();
    assertThat(LeakGuard.scan("from no-reply@sesame.fr", null)).isEmpty();
    assertThat(LeakGuard.scan("POST login 429 1.2ms 26525dd1-ccf6-495b-b204-0797321966af", null)).isEmpty();
    assertThat(LeakGuard.scan("request 1ab23801-2569-4ba3-9608-0600468923c9", null)).isEmpty();
    assertThat(LeakGuard.scan("took 1764579600000 ms at 2026-06-15T07:00:00Z, port 40612, +0100", null)).isEmpty();
  }

  @Test
  void findsARegisteredValueAsAWordOrAPartOfOne() {
    LeakGuard.secrets("918273", "tok_A-b9zQ", "s3cret pass");
    assertThat(LeakGuard.scan("code=918273", null)).containsExactly("registered value 918273");
    assertThat(LeakGuard.scan("otp-918273-x", null)).containsExactly("registered value 918273");
    assertThat(LeakGuard.scan("Bearer tok_A-b9zQ", null)).contains("registered value tok_A-b9zQ");
    assertThat(LeakGuard.scan("a s3cret pass here", null)).containsExactly("registered value s3cret pass");
    assertThat(LeakGuard.scan("id 99182739 and 1918273", null)).isEmpty();
    assertThat(LeakGuard.secret("abc")).as("too short to register").isEqualTo("abc");
    assertThat(LeakGuard.scan("abc", null)).isEmpty();
  }

  @Test
  void findsAShortValueOnlyWhereABodyOrAQueryWouldQuoteIt() {
    LeakGuard.secret("4729");
    assertThat(LeakGuard.scan("{\"secret\":\"4729\"}", null)).containsExactly("registered value 4729");
    assertThat(LeakGuard.scan("of 'secret=4729&x=%'", null)).containsExactly("registered value 4729");
    assertThat(LeakGuard.scan("request b4253fe7-4729-4eeb-97d9 after 4729 ms, port 4729", null)).isEmpty();
  }

  @Test
  void findsAValueRegisteredAfterItWasLogged() {
    LoggerFactory.getLogger(LeakGuardTest.class).info("the code is 564738");
    assertThat(LeakGuard.unreported()).isEmpty();
    LeakGuard.secret("564738");
    assertThat(LeakGuard.unreported()).singleElement().asString()
        .contains("registered value 564738", "logged before it was registered", "the code is 564738");
  }

  @Test
  void seesArgumentsAndExceptionCausesOfAnEvent() {
    LeakGuard.secret("7H3K-92QX");
    LoggerFactory.getLogger(LeakGuardTest.class).info("failed", new IllegalStateException("wrapper",
        new IllegalArgumentException("bad secret 7H3K-92QX")));
    assertThat(LeakGuard.unreported()).singleElement().asString().contains("registered value 7H3K-92QX");
    LoggerFactory.getLogger(LeakGuardTest.class).info("failed for {}", "chloe.bernard@univ-test.fr", "extra 0698765432");
    assertThat(LeakGuard.unreported()).singleElement().asString()
        .startsWith("email address chloe.bernard@univ-test.fr, phone number 0698765432 — ");
  }

  @Test
  void learnsTheSecretsOfRequestsAndResponses() {
    LeakGuard.fromRequest("application/json", "{\"identifier\":\"alice\",\"secret\":\"20239999\",\"code\":\"forged\"}");
    LeakGuard.fromRequest("text/csv", "identifier,secret,birthDate\nzoe,K9-pass-77,1999-02-03\n");
    LeakGuard.fromResponse("{\"sessionToken\":\"q0Ox1-Zz_token\"}");
    assertThat(LeakGuard.scan("20239999 K9-pass-77 1999-02-03 q0Ox1-Zz_token forged alice", null)).containsExactly(
        "registered value 20239999", "registered value K9-pass-77", "registered value 1999-02-03",
        "registered value q0Ox1-Zz_token");
  }
}
