package fr.sesame.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.LocalRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, point 2: what a login code costs the outbox in Redis commands. A dispatcher reads again at once only
 * when a read brought as many entries as it asked for, and a wake reaches only the dispatchers of the message's lane:
 * one read, the send's begin, its finish and its audit append, 4 commands a code sent one at a time. (Reading
 * again after every read that brought something and after every finished send, and waking the bulk dispatcher for
 * a login code, cost 7: about 4 of a journey's 17 commands, 2026-11-30.) The idle poll is an hour here, so only
 * what the codes cause is counted; on a Redis of its own, so that no other test's gateway reads these codes.
 */
class OutboxReadCostTest {
  static final LocalRedis own = LocalRedis.start();
  static final TestGateway gw = new TestGateway(1, TestGateway.QUIET_OUTBOX, null, own.url());

  @AfterAll
  static void close() {
    try {
      gw.close(); // before its Redis: a gateway left on a stopped Redis only logs reconnections
    } finally {
      own.close();
    }
  }

  /** The outbox connection's commands once they stop changing (the finish and audit follow the send). */
  private static long settledOutboxCommands() throws InterruptedException {
    long last = -1;
    long now = gw.gateway.outboxRedisCommandsSent();
    while (now != last) {
      Thread.sleep(200);
      last = now;
      now = gw.gateway.outboxRedisCommandsSent();
    }
    return now;
  }

  @Test
  void aLoginCodeSentAloneCostsTheOutboxFourCommands() throws Exception {
    String el = gw.openElection();
    // the first code loads the scripts and puts the election in the index of audited elections
    assertThat(gw.login(el, "bruno", "20235678", "email").status()).isEqualTo(200);
    assertThat(gw.outbox.await("bruno.durand@univ-test.fr", 1, TestGateway.NOTIFICATION_WAIT)).hasSize(1);
    long before = settledOutboxCommands();
    int codes = 12;
    for (int i = 0; i < codes; i++) {
      gw.clock.advance(Duration.ofMinutes(10)); // past the voter's limit on codes
      assertThat(gw.login(el, "bruno", "20235678", "email").status()).isEqualTo(200);
      assertThat(gw.outbox.await("bruno.durand@univ-test.fr", i + 2, TestGateway.NOTIFICATION_WAIT))
          .hasSize(i + 2);
    }
    double perCode = (settledOutboxCommands() - before) / (double) codes;
    assertThat(perCode).as("read, begin, finish, audit").isLessThanOrEqualTo(4.0);
  }
}
