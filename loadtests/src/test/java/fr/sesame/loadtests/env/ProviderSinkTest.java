package fr.sesame.loadtests.env;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sink answers as OVH's SMS API and as an SMTP server do, and keeps the codes. */
class ProviderSinkTest {
  @Test
  void keepsTheCodeOfAnOvhSmsJobAndCountsSmtpMessages() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ProviderSink sink = ProviderSink.start()) {
      var answer = await(WebClient.create(vertx).postAbs(sink.ovhEndpoint() + "/sms/sms-load/jobs")
          .sendJsonObject(new JsonObject().put("receivers", new JsonArray().add("+33612345678"))
              .put("message", "Sesame : votre code de connexion est 482913. Il expire dans 5 min.")),
          Duration.ofSeconds(10));
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject().getJsonArray("validReceivers")).containsExactly("+33612345678");
      assertThat(sink.takeCode("+33612345678")).isEqualTo("482913");
      assertThat(sink.takeCode("+33612345678")).as("taken once").isNull();

      MailClient mail = MailClient.create(vertx, new MailConfig().setHostname(sink.host()).setPort(sink.smtpPort())
          .setStarttls(StartTLSOptions.DISABLED));
      for (int i = 0; i < 3; i++) {
        await(mail.sendMail(new MailMessage().setFrom("no-reply@sesame.test").setTo("v" + i + "@campaign.test")
            .setSubject("Vos codes").setText("texte\n.\nfin")), Duration.ofSeconds(10));
      }
      assertThat(sink.emailsReceived()).isEqualTo(3);
    } finally {
      vertx.close();
    }
  }
}
