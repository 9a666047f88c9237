package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeHttpServer.Reply;
import fr.sesame.testkit.FakeHttpServer.Request;
import fr.sesame.testkit.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway as `serve` builds it from configuration: SMS codes through the real OVH adapter to a fake
 * OVH API, email codes through the real SMTP adapter to a real SMTP server (GreenMail). The test reads the
 * code from what the provider received, as a voter's phone or mailbox would.
 */
class RealProvidersLoginTest {
  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withPerMethodLifecycle(false);
  static final Pattern CODE = Pattern.compile("(\\d{6})");
  static final AtomicInteger ovhStatus = new AtomicInteger(200);
  static Vertx vertx;
  static FakeHttpServer fakeOvh;
  static TestGateway test;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    fakeOvh = new FakeHttpServer(vertx)
        .route(r -> r.path().endsWith("/auth/time"), r -> Reply.of(200, Long.toString(Instant.now().getEpochSecond())))
        .route(r -> !isSignedJob(r), r -> Reply.of(400, "{\"message\":\"bad request\"}"))
        .route(r -> true, r -> Reply.of(ovhStatus.get(), "{\"ids\":[" + ovhJobs().size()
            + "],\"validReceivers\":[\"+33612345678\"],\"invalidReceivers\":[]}"));

    Map<String, Object> channels = Map.of(
        "sms", Map.of("chain", List.of("ovh"), "providers", Map.of("ovh", Map.of("type", "ovh-sms",
            "endpoint", fakeOvh.url() + "/1.0", "serviceName", "sms-test-1",
            "sender", "SESAME", "attempts", 1))),
        "email", Map.of("chain", List.of("smtp"), "providers", Map.of("smtp", Map.of("type", "smtp",
            "host", "127.0.0.1", "port", smtp.getSmtp().getPort(), "starttls", "disabled",
            "from", "no-reply@sesame.fr"))));
    Map<String, String> env = Map.of("SESAME_PROVIDER_OVH_APPLICATION_KEY", "ak",
        "SESAME_PROVIDER_OVH_APPLICATION_SECRET", "as", "SESAME_PROVIDER_OVH_CONSUMER_KEY", "ck");
    ChannelsConfig channelsConfig = ChannelsConfig.fromMap(channels, env);
    test = TestGateway.withProviders(2, channelsConfig);
  }

  @AfterAll
  static void stop() {
    test.close();
    fakeOvh.close();
    vertx.close();
  }

  static boolean isSignedJob(Request r) {
    return r.header("X-Ovh-Signature") != null && r.path().equals("/1.0/sms/sms-test-1/jobs");
  }

  /** The well-formed SMS jobs OVH received so far, in order. */
  static List<JsonObject> ovhJobs() {
    return fakeOvh.requests().stream().filter(RealProvidersLoginTest::isSignedJob).map(r -> new JsonObject(r.body()))
        .toList();
  }

  private static String election() {
    String el = TestGateway.newElectionId();
    test.http.put("/v1/admin/elections/" + el, TestGateway.ADMIN, TestGateway.electionBody(
        test.clock.instant().minus(Duration.ofDays(1)), test.clock.instant().plus(Duration.ofDays(1))));
    test.http.postRaw("/v1/admin/elections/" + el + "/voters", TestGateway.ADMIN, "text/csv", TestGateway.ROLL.getBytes());
    return el;
  }

  private static String code(String text) {
    Matcher m = CODE.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  @Test
  void smsCodeGoesThroughOvhAndLogsTheVoterIn() {
    ovhStatus.set(200);
    String el = election();
    Http.Res login = test.http.post("/v1/elections/" + el + "/login",
        new JsonObject().put("identifier", "alice").put("secret", "20231234").put("channel", "sms"));
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    List<JsonObject> jobs = ovhJobs();
    JsonObject job = jobs.get(jobs.size() - 1);
    assertThat(job.getJsonArray("receivers").getList()).containsExactly("+33612345678");
    String code = code(job.getString("message"));
    assertThat(job.getString("charset")).isEqualTo("UTF-8");
    assertThat(job.getString("message")).isEqualTo("Sesame : votre code de connexion est " + code
        + ". Il expire dans 5 min. Ne le communiquez à personne.");
    Http.Res verify = test.http.post("/v1/elections/" + el + "/login/" + login.json().getString("challengeId") + "/verify",
        new JsonObject().put("code", code));
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
  }

  @Test
  void anEnglishSmsCodeGoesThroughOvhInEnglish() {
    ovhStatus.set(200);
    String el = election();
    Http.Res login = test.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "alice")
        .put("secret", "20231234").put("channel", "sms").put("lang", "en"));
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    List<JsonObject> jobs = ovhJobs();
    String message = jobs.get(jobs.size() - 1).getString("message");
    assertThat(message).isEqualTo("Sesame: your login code is " + code(message)
        + ". It expires in 5 min. Do not share it.");
  }

  @Test
  void theEmailCodeKeepsItsAccentsThroughSmtpAndTheEnglishOneIsInEnglish() throws Exception {
    String el = election();
    for (String lang : new String[] {"fr", "en"}) {
      Http.Res login = test.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "emma")
          .put("secret", "1990-06-15").put("channel", "email").put("lang", lang));
      assertThat(login.status()).as(login.body()).isEqualTo(200);
      var mails = smtp.getReceivedMessagesForDomain("univ-test.fr");
      var mail = mails[mails.length - 1];
      String body = ((String) mail.getContent()).replace("\r\n", "\n").strip();
      String code = code(body);
      if (lang.equals("fr")) {
        assertThat(mail.getSubject()).isEqualTo("Votre code de connexion");
        assertThat(body).isEqualTo("Bonjour,\n\nVotre code de connexion est : " + code
            + "\nIl expire dans 5 minutes.\n\nSi vous n'avez pas demandé ce code, ignorez ce message.");
      } else {
        assertThat(mail.getSubject()).isEqualTo("Your login code");
        assertThat(body).isEqualTo("Hello,\n\nYour login code is: " + code
            + "\nIt expires in 5 minutes.\n\nIf you did not ask for this code, ignore this message.");
      }
    }
  }

  @Test
  void emailCodeGoesThroughSmtp() throws Exception {
    String el = election();
    Http.Res login = test.http.post("/v1/elections/" + el + "/login",
        new JsonObject().put("identifier", "emma").put("secret", "1990-06-15").put("channel", "email"));
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    var mails = smtp.getReceivedMessagesForDomain("univ-test.fr");
    var mail = mails[mails.length - 1];
    assertThat(mail.getSubject()).isEqualTo("Votre code de connexion");
    Http.Res verify = test.http.post("/v1/elections/" + el + "/login/" + login.json().getString("challengeId") + "/verify",
        new JsonObject().put("code", code(GreenMailUtil.getBody(mail))));
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
  }

  @Test
  void providerDownAnswers503AndTheFailureIsAudited() {
    ovhStatus.set(503);
    try {
      String el = election();
      Http.Res login = test.http.post("/v1/elections/" + el + "/login",
          new JsonObject().put("identifier", "alice").put("secret", "20231234").put("channel", "sms"));
      assertThat(login.status()).isEqualTo(503);
      assertThat(login.problemType()).isEqualTo("/problems/dependency-unavailable");
      String audit = test.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body();
      assertThat(audit).contains("\"type\":\"otp.sent\"", "\"outcome\":\"queued\"",
          "\"type\":\"notification.failed\"", "every sms provider failed");
      assertThat(test.http.get("/metrics", null).body()).contains("sesame_channel_exhausted_total{channel=\"sms\"}");
    } finally {
      ovhStatus.set(200);
    }
  }
}
