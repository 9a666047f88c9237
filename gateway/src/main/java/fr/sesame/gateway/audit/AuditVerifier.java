package fr.sesame.gateway.audit;

import fr.sesame.gateway.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes an election's audit chains from storage and says whether they hold, and where the first
 * break is: an event whose hash does not match its text, a missing or reordered event (sequence or link
 * broken), an event of another election, or a writer whose stored head is not its last event.
 */
public final class AuditVerifier {
  private static final int PAGE = 1000;
  private final AuditStore store;
  private final ChainAnchor.Source anchors;

  /** Checks the chains on their own: a chain rewritten with its head is not seen. */
  public AuditVerifier(AuditStore store) {
    this(store, ChainAnchor.Source.NONE);
  }

  /** Checks the chains, and that they still lead to the heads of the latest anchor (checkpoint) of the election. */
  public AuditVerifier(AuditStore store, ChainAnchor.Source anchors) {
    this.store = store;
    this.anchors = anchors;
  }

  /**
   * The verdict. {@code brokenAt} is null when the chains hold; {@code checkpoint} names the checkpoint the chains
   * were checked against, null when there is none yet.
   */
  public record Verdict(boolean valid, long events, int writers, JsonObject brokenAt, String checkpoint) {
    public Verdict(boolean valid, long events, int writers, JsonObject brokenAt) {
      this(valid, events, writers, brokenAt, null);
    }

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("valid", valid).put("events", events).put("writers", writers);
      if (brokenAt != null) {
        j.put("brokenAt", brokenAt);
      }
      if (checkpoint != null) {
        j.put("checkpoint", checkpoint);
      }
      return j;
    }
  }

  static final class Tip {
    long seq;
    String hash = "";
  }

  public Future<Verdict> verify(String electionId) {
    return anchors.latest(electionId).compose(anchor -> {
      if (anchor.isPresent() && anchor.get().broken() != null) {
        return Future.succeededFuture(new Verdict(false, 0, 0, new JsonObject().put("reason",
            anchor.get().label() + ": " + anchor.get().broken()), anchor.get().label()));
      }
      Promise<Verdict> done = Promise.promise();
      Map<String, Tip> tips = new HashMap<>();
      long[] count = {0};
      page(electionId, "-", tips, count, anchor.orElse(null), done);
      return done.future();
    });
  }

  private void page(String electionId, String after, Map<String, Tip> tips, long[] count, ChainAnchor anchor,
                    Promise<Verdict> done) {
    store.range(electionId, after, PAGE).onFailure(done::fail).onSuccess(events -> {
      for (AuditStore.Stored s : events) {
        count[0]++;
        JsonObject broken = check(electionId, s, tips, anchor);
        if (broken != null) {
          done.complete(new Verdict(false, count[0], tips.size(), broken));
          return;
        }
      }
      if (events.size() == PAGE) {
        page(electionId, events.get(events.size() - 1).id(), tips, count, anchor, done);
        return;
      }
      store.heads(electionId).onFailure(done::fail).onSuccess(heads -> {
        for (Map.Entry<String, String> h : heads.entrySet()) {
          Tip tip = tips.get(h.getKey());
          if (tip == null || !tip.hash.equals(h.getValue())) {
            done.complete(new Verdict(false, count[0], tips.size(), new JsonObject().put("writer", h.getKey())
                .put("reason", "events at the end of this writer's chain are missing")));
            return;
          }
        }
        if (anchor != null) {
          for (Map.Entry<String, ChainAnchor.Head> a : anchor.writers().entrySet()) {
            Tip tip = tips.get(a.getKey());
            long seen = tip == null ? 0 : tip.seq;
            if (seen < a.getValue().count()) {
              done.complete(new Verdict(false, count[0], tips.size(), new JsonObject().put("writer", a.getKey())
                  .put("reason", "this writer's chain has " + seen + " events, but the " + anchor.label()
                      + " counted " + a.getValue().count() + ": events were removed")));
              return;
            }
          }
        }
        if (heads.size() != tips.size()) {
          done.complete(new Verdict(false, count[0], tips.size(),
              new JsonObject().put("reason", "a writer's head is missing")));
          return;
        }
        done.complete(new Verdict(true, count[0], tips.size(), null, anchor == null ? null : anchor.label()));
      });
    });
  }

  static JsonObject check(String electionId, AuditStore.Stored s, Map<String, Tip> tips, ChainAnchor anchor) {
    return check(electionId, s, parse(s.json()), tips, anchor);
  }

  /**
   * The first break at {@code s}, or null when it links to its writer's chain.
   * @param e {@code s}'s text parsed ({@link #parse}), null when it is not a JSON object: a walk that reads the event's
   *          other fields parses it once for both
   */
  static JsonObject check(String electionId, AuditStore.Stored s, JsonObject e, Map<String, Tip> tips,
                          ChainAnchor anchor) {
    JsonObject where = new JsonObject().put("id", s.id());
    if (!ChainedAuditTrail.sha256(s.json()).equals(s.hash())) {
      return where.put("reason", "the event does not match its hash (altered)");
    }
    if (e == null) {
      return where.put("reason", "the event is not JSON");
    }
    try {
      return linked(electionId, s, e, where, tips, anchor);
    } catch (ClassCastException ex) { // a field of another type than the gateway writes: JSON rewritten by hand
      return where.put("reason", "the event's fields are not of their types (altered)");
    }
  }

  /** An event's text as a JSON object; null when it is none (not JSON, or another JSON value). */
  static JsonObject parse(String json) {
    try {
      return new JsonObject(json);
    } catch (RuntimeException e) { // DecodeException, or a JSON value that is no object
      return null;
    }
  }

  private static JsonObject linked(String electionId, AuditStore.Stored s, JsonObject e, JsonObject where,
                                   Map<String, Tip> tips, ChainAnchor anchor) {
    String writer = e.getString("w", "");
    Long seq = e.getLong("n");
    where.put("writer", writer).put("seq", seq);
    if (!electionId.equals(e.getString("el"))) {
      return where.put("reason", "the event belongs to another election");
    }
    Tip tip = tips.computeIfAbsent(writer, k -> new Tip());
    if (seq == null || seq != tip.seq + 1) {
      return where.put("reason", "events are missing before this one (expected sequence " + (tip.seq + 1) + ")");
    }
    if (!tip.hash.equals(e.getString("prev"))) {
      return where.put("reason", "the link to the previous event is broken");
    }
    tip.seq = seq;
    tip.hash = s.hash();
    ChainAnchor.Head head = anchor == null ? null : anchor.writers().get(writer);
    if (head != null && head.count() == seq && !head.hash().equals(s.hash())) {
      return where.put("reason", "the event does not match the " + anchor.label() + ": the chain was rewritten");
    }
    return null;
  }

}
