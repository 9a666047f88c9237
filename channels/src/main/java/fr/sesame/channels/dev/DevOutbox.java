package fr.sesame.channels.dev;

import fr.sesame.channels.Message;
import fr.sesame.channels.Notifier;
import fr.sesame.channels.Receipt;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The notifier of dev mode and tests: it sends nothing and keeps the last {@code capacity} messages
 * in memory so that a developer (through {@code GET /dev/outbox}) or a test can read them.
 *
 * <p>Thread-safe: every gateway event loop shares one outbox.
 */
public final class DevOutbox implements Notifier {
  /** The provider name written in receipts. */
  public static final String PROVIDER = "dev-outbox";

  /** One message as the outbox shows it. */
  public record Entry(long id, Message message, Instant sentAt) {}

  private final Clock clock;
  private final int capacity;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final AtomicLong ids = new AtomicLong();

  /**
   * @param clock    time of the entries
   * @param capacity how many messages are kept; older ones are dropped first (at least 1)
   */
  public DevOutbox(Clock clock, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.capacity = capacity;
  }

  @Override
  public Future<Receipt> send(Message message, fr.sesame.channels.AttemptListener attempts,
                                 java.util.Set<String> exclude) {
    if (exclude.contains(PROVIDER)) {
      return Future.failedFuture(new fr.sesame.channels.NotificationException("every provider failed (" + PROVIDER
          + " excluded)"));
    }
    Entry entry = new Entry(ids.incrementAndGet(), message, clock.instant());
    synchronized (entries) {
      entries.addLast(entry);
      while (entries.size() > capacity) {
        entries.removeFirst();
      }
      entries.notifyAll(); // wakes whoever awaits messages
    }
    attempts.attempt(PROVIDER, entry.sentAt(), "accepted");
    return Future.succeededFuture(new Receipt(PROVIDER, "dev-" + entry.id(), entry.sentAt()));
  }

  /** Every channel's chain is the dev outbox alone. */
  @Override
  public List<String> chain(fr.sesame.channels.ChannelKind channel) {
    return List.of(PROVIDER);
  }

  /** @return the kept messages, oldest first; only those sent to {@code to} when it is not null */
  public List<Entry> list(String to) {
    List<Entry> out = new ArrayList<>();
    synchronized (entries) {
      for (Entry e : entries) {
        if (to == null || e.message().to().equals(to)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /**
   * Waits until {@code count} messages sent to {@code to} (every message when it is null) are kept, for at most
   * {@code timeout}: the caller wakes as each message arrives, never polls. For tests and tools on their own
   * thread (never an event loop: it blocks).
   * @return the kept messages to {@code to}, oldest first: {@code count} or more, fewer when the time ran out
   */
  public List<Entry> await(String to, int count, java.time.Duration timeout) {
    long until = System.nanoTime() + timeout.toNanos();
    synchronized (entries) {
      while (true) {
        List<Entry> found = list(to);
        long left = until - System.nanoTime();
        if (found.size() >= count || left <= 0) {
          return found;
        }
        try {
          java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(entries, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return list(to);
        }
      }
    }
  }

  /** @return the newest message sent to {@code to}, or null */
  public Entry last(String to) {
    synchronized (entries) {
      var it = entries.descendingIterator();
      while (it.hasNext()) {
        Entry e = it.next();
        if (e.message().to().equals(to)) {
          return e;
        }
      }
    }
    return null;
  }
}
