package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.AttemptListener;
import fr.sesame.channels.NotificationException;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.config.ChannelsConfig;
import fr.sesame.channels.config.ChannelsNotifier;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.testkit.FakeHttpServer;
import fr.sesame.testkit.FakeMaileva;
import fr.sesame.testkit.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A letter costs money: Maileva reports each sending's id before submitting it, and tells afterwards whether an
 * interrupted one was submitted. Through the notifier built from configuration as in production, against a fake
 * Maileva that keeps its sendings.
 */
class MailevaResumeTest {
  final Vertx vertx = Vertx.vertx();
  final FakeMaileva maileva = new FakeMaileva(vertx);
  final TestClock clock = new TestClock(Instant.parse("2026-12-01T09:00:00Z"));
  final ChannelsNotifier notifier = ChannelsConfig.fromMap(Map.of("post", Map.of("chain", List.of("maileva"),
          "providers", Map.of("maileva", Map.of("type", "maileva", "authUrl", maileva.authUrl(),
              "apiUrl", maileva.apiUrl(), "clientId", "sesame-client", "backoff", "PT0.01S", "attempts", "2",
              "timeout", "PT20S")))),
      Map.of("SESAME_PROVIDER_MAILEVA_CLIENT_SECRET", "s3cret")).build(vertx, clock, new SimpleMeterRegistry());

  @AfterEach
  void close() {
    maileva.close();
    vertx.close();
  }

  /** Keeps what it is told; {@code built} answers {@code recording}. */
  static final class Recorder implements AttemptListener {
    final List<String> built = new ArrayList<>();
    /** How many requests the fake had received when each reference was reported. */
    final List<List<String>> requestsThen = new ArrayList<>();
    final FakeMaileva maileva;
    final Future<Void> recording;

    Recorder(FakeMaileva maileva, Future<Void> recording) {
      this.maileva = maileva;
      this.recording = recording;
    }

    @Override
    public void attempt(String provider, Instant at, String outcome) {
    }

    @Override
    public Future<Void> built(String provider, String reference) {
      built.add(provider + ":" + reference);
      requestsThen.add(maileva.requests().stream().map(Object::toString).toList());
      return recording;
    }
  }

  @Test
  void theSendingIdIsReportedBeforeItsRecipientDocumentAndSubmission() {
    Recorder listener = new Recorder(maileva, Future.succeededFuture());
    Receipt receipt = await(notifier.send(MailevaPostProviderTest.LETTER, listener));

    assertThat(listener.built).containsExactly("maileva:" + receipt.messageId());
    assertThat(listener.requestsThen).singleElement().as("only the sending existed when it was reported")
        .isEqualTo(List.of("POST /mail/v2/sendings"));
    assertThat(maileva.requests()).extracting(Object::toString).containsExactly("POST /mail/v2/sendings",
        "POST /mail/v2/sendings/" + receipt.messageId() + "/recipients",
        "POST /mail/v2/sendings/" + receipt.messageId() + "/documents",
        "POST /mail/v2/sendings/" + receipt.messageId() + "/submit");
    assertThat(maileva.status(receipt.messageId())).isEqualTo(FakeMaileva.SUBMITTED);
  }

  @Test
  void aSendingWhoseIdCannotBeRecordedIsDeletedNeverSubmitted() {
    Recorder listener = new Recorder(maileva, Future.failedFuture(new IllegalStateException("store down")));

    assertThat(failure(notifier.send(MailevaPostProviderTest.LETTER, listener)))
        .isInstanceOf(NotificationException.class);
    assertThat(listener.built).as("tried again, as a transient failure").hasSize(2);
    assertThat(maileva.requests()).extracting(r -> r.method() + " " + r.path()).noneMatch(r -> r.endsWith("/submit"))
        .noneMatch(r -> r.endsWith("/recipients"));
    for (String ref : listener.built) {
      assertThat(maileva.status(ref.substring("maileva:".length()))).as(ref + " deleted").isNull();
    }
  }

  /**
   * The time limit does not stop the call: a sending created after its attempt was given up would be submitted
   * while the next attempt posts another letter. Reporting it is refused, so it is deleted.
   */
  @Test
  void aSendingCreatedAfterItsAttemptWasGivenUpIsDeletedNeverSubmitted() {
    ChannelsNotifier quick = ChannelsConfig.fromMap(Map.of("post", Map.of("chain", List.of("maileva"),
            "providers", Map.of("maileva", Map.of("type", "maileva", "authUrl", maileva.authUrl(),
                "apiUrl", maileva.apiUrl(), "clientId", "sesame-client", "timeout", "PT0.3S", "attempts", "1")))),
        Map.of("SESAME_PROVIDER_MAILEVA_CLIENT_SECRET", "s3cret")).build(vertx, clock, new SimpleMeterRegistry());
    maileva.delayCreation(1_000);
    Recorder listener = new Recorder(maileva, Future.succeededFuture());

    assertThat(failure(quick.send(MailevaPostProviderTest.LETTER, listener))).isInstanceOf(NotificationException.class);
    var deleted = maileva.awaitRequest(r -> r.method().equals("DELETE"), "the late sending deleted");
    assertThat(listener.built).as("nothing recorded").isEmpty();
    assertThat(deleted.path()).isEqualTo(maileva.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().endsWith("/sendings")).findFirst().orElseThrow().path()
        + "/" + deleted.path().substring("/mail/v2/sendings/".length()));
    assertThat(maileva.requests()).extracting(Object::toString).noneMatch(r -> r.endsWith("/submit"))
        .noneMatch(r -> r.endsWith("/recipients"));
  }

  @Test
  void aSubmittedSendingIsFoundSent() {
    maileva.holds("s-submitted", FakeMaileva.SUBMITTED);

    assertThat(await(notifier.resume("maileva", "s-submitted")))
        .contains(new Receipt("maileva", "s-submitted", clock.instant()));
    assertThat(maileva.requests()).extracting(Object::toString).containsExactly("GET /mail/v2/sendings/s-submitted");
    assertThat(maileva.status("s-submitted")).isEqualTo(FakeMaileva.SUBMITTED);
  }

  @Test
  void aDraftWasNotSentAndIsDeleted() {
    maileva.holds("s-draft", FakeMaileva.DRAFT);

    assertThat(await(notifier.resume("maileva", "s-draft"))).isEmpty();
    assertThat(maileva.requests()).extracting(Object::toString)
        .containsExactly("GET /mail/v2/sendings/s-draft", "DELETE /mail/v2/sendings/s-draft");
    assertThat(maileva.status("s-draft")).isNull();
  }

  @Test
  void aSendingMailevaDoesNotKnowWasNotSent() {
    assertThat(await(notifier.resume("maileva", "s-unknown"))).isEqualTo(Optional.empty());
  }

  @Test
  void whenMailevaCannotTellTheAskFailsTransiently() {
    maileva.holds("s-1", FakeMaileva.SUBMITTED).answerStatusAsks(FakeHttpServer.Reply.of(503, "{}"));
    assertThat(((ProviderException) failure(notifier.resume("maileva", "s-1"))).kind())
        .isEqualTo(ProviderException.Kind.TRANSIENT);

    maileva.answerStatusAsks(FakeHttpServer.Reply.of(400, "{}"));
    assertThat(((ProviderException) failure(notifier.resume("maileva", "s-1"))).kind())
        .as("not a rejection of a message: nothing is known").isEqualTo(ProviderException.Kind.TRANSIENT);
  }

  @Test
  void aProviderNoLongerConfiguredCannotTell() {
    assertThat(failure(notifier.resume("gone", "s-1"))).isInstanceOf(NotificationException.class);
  }
}
