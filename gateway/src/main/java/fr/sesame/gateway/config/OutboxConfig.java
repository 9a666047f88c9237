package fr.sesame.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The durable notification outbox.
 *
 * @param maxInFlight       sends in flight per gateway instance; default 256
 * @param bulkShare         the share of those that bulk messages may take, so that login codes always find
 *                          room; default 0.25 (measured: it keeps a login code's p99 near 12 ms during a
 *                          campaign for about 5 % of the campaign's speed; docs/benchmarks.md)
 * @param idlePoll          how often an idle dispatcher looks for work (a message accepted on the same
 *                          instance wakes it at once); default 20 ms
 * @param recoverAfter      the lease of an entry being sent: its dispatcher renews it three times per period,
 *                          and an entry neither finished nor renewed for this long is taken over by another
 *                          dispatcher (crash recovery); default 5 s
 * @param recoverEvery      how often a dispatcher looks for such entries; default 1 s
 * @param contentRetention  recipients and message data are deleted after this; default 48 h
 * @param recordRetention   status and attempts are deleted after this; default 90 days
 * @param purgeEvery        how often retention runs; default 1 min
 * @param reportPollEvery   for a provider without delivery webhook (Mailjet SMS): how long after a send it
 *                          is first asked for the message's fate, and then how often; default 10 s
 * @param reportPollFor     how long it is asked before the gateway gives up (the message stays "sent");
 *                          default 30 min
 */
public record OutboxConfig(int maxInFlight, double bulkShare, Duration idlePoll, Duration recoverAfter,
                           Duration recoverEvery, Duration contentRetention, Duration recordRetention,
                           Duration purgeEvery, Duration reportPollEvery, Duration reportPollFor) {
  private static final Duration REPORT_POLL_EVERY = Duration.ofSeconds(10);
  private static final Duration REPORT_POLL_FOR = Duration.ofMinutes(30);
  public static final OutboxConfig DEFAULTS = new OutboxConfig(256, 0.25, Duration.ofMillis(20),
      Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(48), Duration.ofDays(90), Duration.ofMinutes(1));

  /** With the default report polling. */
  public OutboxConfig(int maxInFlight, double bulkShare, Duration idlePoll, Duration recoverAfter,
                      Duration recoverEvery, Duration contentRetention, Duration recordRetention,
                      Duration purgeEvery) {
    this(maxInFlight, bulkShare, idlePoll, recoverAfter, recoverEvery, contentRetention, recordRetention, purgeEvery,
        REPORT_POLL_EVERY, REPORT_POLL_FOR);
  }

  public OutboxConfig {
    if (maxInFlight < 1 || bulkShare <= 0 || bulkShare > 1) {
      throw new IllegalArgumentException("outbox.maxInFlight must be at least 1 and outbox.bulkShare in (0, 1]");
    }
    Objects.requireNonNull(idlePoll, "outbox.idlePoll");
    Objects.requireNonNull(recoverAfter, "outbox.recoverAfter");
    Objects.requireNonNull(recoverEvery, "outbox.recoverEvery");
    Objects.requireNonNull(contentRetention, "outbox.contentRetention");
    Objects.requireNonNull(recordRetention, "outbox.recordRetention");
    Objects.requireNonNull(purgeEvery, "outbox.purgeEvery");
    Objects.requireNonNull(reportPollEvery, "outbox.reportPollEvery");
    Objects.requireNonNull(reportPollFor, "outbox.reportPollFor");
    if (reportPollEvery.toMillis() < 100) {
      throw new IllegalArgumentException("outbox.reportPollEvery must be at least 100 ms");
    }
    if (recordRetention.compareTo(contentRetention) < 0) {
      throw new IllegalArgumentException("outbox.recordRetention must be at least outbox.contentRetention");
    }
  }
}
