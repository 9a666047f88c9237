package fr.sesame.gateway.audit;

import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An election's audit trail read a page at a time, for people: newest first, filtered by event type (a prefix such as
 * {@code support.}), actor (a prefix such as {@code staff:}) and time. A page reads the stream backwards (or forwards,
 * for the newer page) from a cursor, a batch of {@value #BATCH} events at a time, and stops once it has
 * {@value #PAGE} matching events or has examined {@value #SCAN}: a filter that matches rarely gives a short page with
 * a cursor to go on, never a read of the whole stream. The time filter reads each event's own time; events are written
 * in time order give or take the clocks of several gateways, so an older page stops {@link #SKEW} before the start.
 * The alerts are read the same way from their own index (the {@code alert.*} events again, under the same ids), so
 * an alert of the first hour is found without reading the logins since.
 */
public final class AuditJournal {
  public static final int PAGE = 50;
  static final int BATCH = 200;
  static final int SCAN = 5_000;
  static final Duration SKEW = Duration.ofMinutes(5);
  private final AuditStore store;

  public AuditJournal(AuditStore store) {
    this.store = store;
  }

  /** What to show; null fields filter nothing. {@code to} is exclusive. */
  public record Filter(String typePrefix, String actorPrefix, Instant from, Instant to) {
    public static final Filter NONE = new Filter(null, null, null, null);

    boolean matches(Entry e) {
      return (typePrefix == null || e.type().startsWith(typePrefix))
          && (actorPrefix == null || e.actor().startsWith(actorPrefix))
          && (from == null || e.at() != null && !e.at().isBefore(from))
          && (to == null || e.at() != null && e.at().isBefore(to));
    }
  }

  /** One event as written (an event that cannot be read shows with its id and type {@code ?}). */
  public record Entry(String id, Instant at, String type, String actor, String ip, String outcome,
                      Map<String, Object> details) {}

  /**
   * A page, newest first.
   * @param older   the cursor of the next, older page ({@code before}), null at the start of the trail
   * @param newer   the cursor of the previous, newer page ({@code after}), null on the newest page
   * @param examined how many events were read for this page
   */
  public record Page(List<Entry> entries, String older, String newer, int examined) {}

  /** The page of events before {@code before} ("+" for the newest). */
  public Future<Page> older(String electionId, Filter filter, String before) {
    return older((c, n) -> store.before(electionId, c, n), filter, before);
  }

  /** The page of events after {@code after}, shown newest first. */
  public Future<Page> newer(String electionId, Filter filter, String after) {
    return newer((c, n) -> store.range(electionId, c, n), filter, after);
  }

  /** The page of alerts ({@code alert.*} events, read from their own index) before {@code before} ("+"). */
  public Future<Page> olderAlerts(String electionId, String before) {
    return older((c, n) -> store.alertsBefore(electionId, c, n), Filter.NONE, before);
  }

  /** The page of alerts after {@code after}, shown newest first. */
  public Future<Page> newerAlerts(String electionId, String after) {
    return newer((c, n) -> store.alertsAfter(electionId, c, n), Filter.NONE, after);
  }

  /** The election's last alert, if any (one read of the alerts' index). */
  public Future<java.util.Optional<Entry>> latestAlert(String electionId) {
    return store.alertsBefore(electionId, "+", 1).map(l -> l.stream().findFirst().map(AuditJournal::entry));
  }

  /** Events from a cursor, at most {@code count}, in the direction of the read. */
  private interface Source {
    Future<List<AuditStore.Stored>> read(String cursor, int count);
  }

  private Future<Page> older(Source source, Filter filter, String before) {
    List<Entry> found = new ArrayList<>();
    return back(source, filter, before, found, 0).map(r -> new Page(found, r.cursor,
        "+".equals(before) ? null : found.isEmpty() ? before : found.get(0).id(), r.examined));
  }

  private Future<Page> newer(Source source, Filter filter, String after) {
    List<Entry> found = new ArrayList<>();
    return forward(source, filter, after, found, 0).map(r -> {
      Collections.reverse(found);
      return new Page(found, found.isEmpty() ? after : found.get(found.size() - 1).id(), r.cursor, r.examined);
    });
  }

  private record Scan(String cursor, int examined) {}

  private Future<Scan> back(Source source, Filter filter, String before, List<Entry> found, int examined) {
    // newest first: an event far enough before the range's start ends the walk
    return walk(source, filter, e -> filter.from() != null && e.at() != null
        && e.at().isBefore(filter.from().minus(SKEW)), before, found, examined);
  }

  private Future<Scan> forward(Source source, Filter filter, String after, List<Entry> found, int examined) {
    // oldest first: an event far enough after the range's end ends the walk
    return walk(source, filter, e -> filter.to() != null && e.at() != null
        && e.at().isAfter(filter.to().plus(SKEW)), after, found, examined);
  }

  /**
   * Reads {@code source} from {@code cursor} a batch at a time, keeping the events {@code filter} matches, until a
   * page is full, an event lies {@code beyond} the range, the stream ends, or {@link #SCAN} events were examined.
   */
  private Future<Scan> walk(Source source, Filter filter, java.util.function.Predicate<Entry> beyond, String cursor,
                            List<Entry> found, int examined) {
    return source.read(cursor, BATCH).compose(batch -> {
      int seen = examined;
      for (AuditStore.Stored s : batch) {
        seen++;
        Entry e = entry(s);
        if (beyond.test(e)) {
          return Future.succeededFuture(new Scan(null, seen));
        }
        if (filter.matches(e)) {
          found.add(e);
          if (found.size() == PAGE) {
            return Future.succeededFuture(new Scan(e.id(), seen));
          }
        }
      }
      if (batch.size() < BATCH) {
        return Future.succeededFuture(new Scan(null, seen));
      }
      String last = batch.get(batch.size() - 1).id();
      return seen >= SCAN ? Future.succeededFuture(new Scan(last, seen))
          : walk(source, filter, beyond, last, found, seen);
    });
  }

  static Entry entry(AuditStore.Stored s) {
    try {
      JsonObject j = new JsonObject(s.json());
      Instant at;
      try {
        at = Instant.parse(j.getString("t", ""));
      } catch (DateTimeParseException ex) {
        at = null;
      }
      JsonObject d = j.getJsonObject("d");
      return new Entry(s.id(), at, j.getString("type", "?"), j.getString("actor", ""), j.getString("ip", ""),
          j.getString("outcome", ""), d == null ? Map.of() : new LinkedHashMap<>(d.getMap()));
    } catch (DecodeException | ClassCastException | NullPointerException ex) {
      return new Entry(s.id(), null, "?", "", "", "", Map.of());
    }
  }
}
