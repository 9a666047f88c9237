package fr.sesame.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What happened, in order, for a test to wait on: any thread (an event loop, a Redis client's thread)
 * {@link #add}s an event, and a test thread blocks until an event it wants is there. Waiting wakes on each
 * {@code add}, never by polling, and is bounded: when the time is up it fails with an {@link AssertionError}
 * naming what was awaited and listing what did happen.
 *
 * <pre>{@code
 * EventLog<String> sent = new EventLog<>();
 * provider.onSend(sent::add);                   // from the event loop
 * sent.await(to::equals, Duration.ofSeconds(15), "an SMS to " + to);
 * }</pre>
 *
 * @param <T> the events' type
 */
public final class EventLog<T> {
  private final List<T> events = new ArrayList<>(); // guarded by this

  /** Records {@code event} and wakes the threads that wait. */
  public synchronized void add(T event) {
    events.add(event);
    notifyAll();
  }

  /** How many events were recorded so far: an index for {@link #awaitFrom}. */
  public synchronized int size() {
    return events.size();
  }

  /** A copy of the events so far, in order. */
  public synchronized List<T> all() {
    return List.copyOf(events);
  }

  /**
   * The first event, recorded before or during the call, that {@code wanted} accepts.
   * @param what what the test waits for, for the failure message
   * @throws AssertionError if none came within {@code timeout}
   */
  public T await(Predicate<? super T> wanted, Duration timeout, String what) {
    return awaitFrom(0, wanted, timeout, what);
  }

  /**
   * The first event at index {@code from} or later (see {@link #size()}) that {@code wanted} accepts: an
   * event that happens after a given point.
   * @throws AssertionError if none came within {@code timeout}
   */
  public synchronized T awaitFrom(int from, Predicate<? super T> wanted, Duration timeout, String what) {
    Objects.requireNonNull(wanted, "wanted");
    long deadline = System.nanoTime() + timeout.toNanos();
    int next = from;
    while (true) {
      for (; next < events.size(); next++) {
        T e = events.get(next);
        if (wanted.test(e)) {
          return e;
        }
      }
      if (!waitUntil(deadline)) {
        throw new AssertionError("no " + what + " within " + Durations.text(timeout) + "; events since #" + from
            + ": " + events.subList(Math.min(from, events.size()), events.size()));
      }
    }
  }

  /**
   * Waits until more than {@code count} events were recorded.
   * @return false if the time was up first
   */
  public synchronized boolean awaitMoreThan(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (events.size() <= count) {
      if (!waitUntil(deadline)) {
        return false;
      }
    }
    return true;
  }

  /** Waits for the next {@link #add} or the deadline. @return false if the deadline has passed */
  private boolean waitUntil(long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    try {
      // wait(ms, ns) would round to milliseconds anyway; a spurious wake-up just loops once more
      wait(Math.max(1, left / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
    return true;
  }

  @Override
  public synchronized String toString() {
    return events.toString();
  }
}
