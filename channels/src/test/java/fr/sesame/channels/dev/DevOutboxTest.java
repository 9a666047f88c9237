package fr.sesame.channels.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DevOutboxTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);

  private static Message sms(String to, String text) {
    return new Message(ChannelKind.SMS, to, null, text, "login-code");
  }

  @Test
  void filtersByDestinationAndKeepsOrder() {
    DevOutbox outbox = new DevOutbox(clock, 10);
    outbox.send(sms("+33612345678", "one"));
    outbox.send(sms("+33700000000", "two"));
    outbox.send(sms("+33612345678", "three"));

    assertThat(outbox.list(null)).extracting(e -> e.message().text()).containsExactly("one", "two", "three");
    assertThat(outbox.list("+33612345678")).extracting(e -> e.message().text()).containsExactly("one", "three");
    assertThat(outbox.last("+33612345678").message().text()).isEqualTo("three");
    assertThat(outbox.last("+33999999999")).isNull();
  }

  @Test
  void dropsOldestBeyondCapacity() {
    DevOutbox outbox = new DevOutbox(clock, 2);
    outbox.send(sms("a", "1"));
    outbox.send(sms("a", "2"));
    outbox.send(sms("a", "3"));
    assertThat(outbox.list(null)).extracting(e -> e.message().text()).containsExactly("2", "3");
  }

  @Test
  void receiptNamesTheOutboxAndTheClockTime() {
    var receipt = new DevOutbox(clock, 1).send(sms("a", "x")).result();
    assertThat(receipt.provider()).isEqualTo("dev-outbox");
    assertThat(receipt.acceptedAt()).isEqualTo(clock.instant());
  }

  @Test
  void awaitWakesWhenTheMessagesArriveAndGivesUpAtItsDeadline() throws Exception {
    DevOutbox outbox = new DevOutbox(clock, 10);
    outbox.send(sms("+33700000000", "other"));
    Thread sender = new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      outbox.send(sms("+33612345678", "one"));
      outbox.send(sms("+33612345678", "two"));
    });
    long start = System.nanoTime();
    sender.start();
    var got = outbox.await("+33612345678", 2, java.time.Duration.ofSeconds(10));
    long waited = System.nanoTime() - start;
    assertThat(got).extracting(e -> e.message().text()).containsExactly("one", "two");
    assertThat(waited).as("woken by the messages, not by the deadline").isLessThan(5_000_000_000L);
    sender.join();

    long before = System.nanoTime();
    assertThat(outbox.await("+33612345678", 3, java.time.Duration.ofMillis(200))).hasSize(2);
    assertThat(System.nanoTime() - before).as("waits until its deadline").isGreaterThanOrEqualTo(200_000_000L);
    assertThat(outbox.await(null, 3, java.time.Duration.ZERO)).hasSize(3);
  }

  @Test
  void refusesZeroCapacity() {
    assertThatThrownBy(() -> new DevOutbox(clock, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
