package fr.sesame.gateway.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A credential campaign: every voter of an election (or of one college) sent their access information by one
 * channel, as a job any gateway instance reads back.
 *
 * @param campaignId  its id (random, URL-safe), unique within its election
 * @param electionId  the election
 * @param channel     {@code email}, {@code sms} or {@code post}
 * @param college     the college it is limited to, or null for every voter
 * @param status      running, done or failed
 * @param startedAt   when it started
 * @param finishedAt  when it ended; null while it runs
 * @param counts      the roll walked and what became of each voter
 * @param deliveries  what the outbox did with its messages, overall and per provider
 * @param stalled     running, but its runner's lease has run out: a gateway will resume it (within
 *                    {@code CampaignService.RESUME_EVERY})
 * @param error       why it failed, or null
 */
public record Campaign(String campaignId, String electionId, String channel, String college, Status status,
                       Instant startedAt, Instant finishedAt, Counts counts, Deliveries deliveries, boolean stalled,
                       String error) {
  public Campaign {
    Objects.requireNonNull(campaignId, "campaignId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(deliveries, "deliveries");
  }

  /** A campaign's state; its JSON and stored name is the lower-case constant name. */
  public enum Status {
    RUNNING, DONE, FAILED;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status of(String json) {
      return valueOf(json.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * How far the campaign went through the roll.
   * @param rollSize  voters in the roll index when it started (what the progress bar measures against)
   * @param walked    voters of the roll index looked at so far
   * @param inScope   of those, the voters of its college (all of them without one)
   * @param queued    messages put in the outbox (each voter once, whatever the restarts)
   * @param noContact voters skipped: the roll has no contact of theirs on the channel
   * @param refused   voters skipped: the caps on paid sends refused the message (SMS)
   * @param notOnRoll index entries whose voter is no longer on the roll
   */
  public record Counts(long rollSize, long walked, long inScope, long queued, long noContact, long refused,
                       long notOnRoll) {
    public long skipped() {
      return noContact + refused + notOnRoll;
    }

    /** Per cent of the roll walked, 0 to 100. */
    public int percentWalked(boolean done) {
      if (done || rollSize == 0) {
        return done ? 100 : 0;
      }
      return (int) Math.min(100, walked * 100 / rollSize);
    }
  }

  /** One provider's share of a campaign's messages. */
  public record ProviderFigures(String provider, long sent, long delivered, long failed, long undelivered) {}

  /**
   * What became of the messages queued.
   * @param sent       with a provider that has not reported their delivery (yet, or ever: SMTP never does)
   * @param delivered  reported delivered
   * @param failed     failed for good
   * @param providers  per provider, by name
   */
  public record Deliveries(long sent, long delivered, long failed, List<ProviderFigures> providers) {
    public static final Deliveries NONE = new Deliveries(0, 0, 0, List.of());

    /** Messages queued but not yet with a provider. */
    public long waiting(long queued) {
      return Math.max(0, queued - sent - delivered - failed);
    }
  }

  /** The API's view. */
  public JsonObject toJson() {
    JsonArray providers = new JsonArray();
    for (ProviderFigures p : deliveries.providers()) {
      providers.add(new JsonObject().put("provider", p.provider()).put("sent", p.sent())
          .put("delivered", p.delivered()).put("failed", p.failed()).put("undelivered", p.undelivered()));
    }
    JsonObject json = new JsonObject().put("campaignId", campaignId).put("status", status.json())
        .put("channel", channel).put("college", college).put("stalled", stalled)
        .put("startedAt", startedAt == null ? null : startedAt.toString())
        .put("finishedAt", finishedAt == null ? null : finishedAt.toString())
        .put("rollSize", counts.rollSize()).put("walked", counts.walked()).put("total", counts.inScope())
        .put("queued", counts.queued())
        .put("skipped", new JsonObject().put("total", counts.skipped()).put("noContact", counts.noContact())
            .put("refused", counts.refused()).put("notOnRoll", counts.notOnRoll()))
        .put("waiting", deliveries.waiting(counts.queued())).put("sent", deliveries.sent())
        .put("delivered", deliveries.delivered()).put("failed", deliveries.failed()).put("providers", providers);
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }
}
