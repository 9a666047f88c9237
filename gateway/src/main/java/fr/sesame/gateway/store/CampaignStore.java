package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credential campaigns (port): each election's campaign lock (one campaign at a time), the campaigns' records
 * and cursors, the roll index they walk, and the set of running campaigns a gateway looks through to resume one
 * whose runner stopped. A runner holds a lease on its campaign, extended with every page it records; every
 * decision compares the caller's {@code nowMs}. Every method fails with the store's exception when the store is
 * unreachable.
 */
public interface CampaignStore {
  /** What starting found: started (with the roll's size), or another campaign running (its id, its lease's end). */
  record Start(boolean started, long rollSize, String runningId, long runningUntilMs) {}

  /** What a new campaign is. */
  record NewCampaign(String electionId, String campaignId, String token, long nowMs, long untilMs, String channel,
                     String college, String actor, String ip, long keepMs) {}

  /** Records the campaign as running and takes the election's campaign lock, unless a campaign holds it. */
  Future<Start> start(NewCampaign campaign);

  /** What claiming a running campaign found. */
  enum Claim { TAKEN, BUSY, ENDED }

  /**
   * Takes over the running campaign for {@code token} if its runner's lease ran out by {@code nowMs}.
   * @return TAKEN with its cursor, BUSY (its lease runs), or ENDED (nothing to resume; marked failed if another
   *     campaign holds the lock)
   */
  Future<Map.Entry<Claim, String>> claim(String electionId, String campaignId, String token, long nowMs, long untilMs,
                                         long keepMs);

  /** A page's counts, added to the campaign's. */
  record Page(String cursor, long walked, long inScope, long queued, long noContact, long refused, long notOnRoll) {
    public static final Page RENEWAL = new Page("", 0, 0, 0, 0, 0, 0);
  }

  /**
   * Adds the page's counts, moves the cursor and extends the lease to {@code untilMs}, at once.
   * @return false, with nothing written, when another runner holds the campaign now
   */
  Future<Boolean> progress(String electionId, String campaignId, String token, long untilMs, Page page);

  /** Records the end and releases the lock. @return false, nothing written, when another runner holds it */
  Future<Boolean> finish(String electionId, String campaignId, String token, String status, long nowMs, String error);

  /** The campaign's stored fields; empty when unknown or expired. */
  Future<Optional<Map<String, String>>> find(String electionId, String campaignId);

  /** The campaign lock's holder and lease end, empty when free. */
  Future<Optional<Map.Entry<String, Long>>> lock(String electionId);

  /** The election's campaigns, newest first, at most {@code count}. */
  Future<List<String>> list(String electionId, int count);

  /** Pseudonyms of the roll index after {@code cursor} ("" from the start), at most {@code count}, in order. */
  Future<List<String>> rollPage(String electionId, String cursor, int count);

  /** Marks the campaign as running, for the gateways that resume stopped ones. */
  Future<Void> activate(String electionId, String campaignId);

  /** No longer running. */
  Future<Void> deactivate(String electionId, String campaignId);

  /** The campaigns marked running: {election, campaign} pairs. */
  Future<List<Map.Entry<String, String>>> active();
}
