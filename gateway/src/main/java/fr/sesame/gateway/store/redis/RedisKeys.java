package fr.sesame.gateway.store.redis;

/**
 * The Redis key layout. The part in braces is the Redis Cluster hash tag: all of one voter's keys share a
 * slot (so one Lua script can touch them atomically), and so do all of one election's.
 * Voter keys hold a keyed-hash pseudonym, never the identifier.
 *
 * <pre>
 * gw:{v:P}            hash  the voter: c college, s secret hash, n identity (enc), e email (enc), p phone (enc),
 *                           a postal address (enc; absent when the roll gives none), lp phone given at login (enc),
 *                           f failures, la locked-at ms, ll last login ms
 * gw:{v:P}:ch         hash  the voter's current login challenge: id, h code hash, x expiry ms, r resends, ch channel
 * gw:{v:P}:s:T        hash  a session, T = keyed hash of the token: e election, c college, sid, ip, t start ms, a last access ms
 * gw:{v:P}:i:K        hash  a login step's outcome kept for an Idempotency-Key (K = keyed hash of election, step,
 *                           key): r reply (JSON), x1..x3 what the step kept beside it, s the session it opened
 * gw:{ph:H}           string who a phone given at login belongs to (the voter's key); H = keyed hash of
 *                           the election and the number
 * gw:{v:P}:pc         (never written) on a Redis Cluster, what a login script gets for the claim's key while the
 *                           claim is not taken yet: it answers NEEDS_CLAIM (lib/voter.lua, RedisVoterStore)
 * rl:{E}:NAME:S       string a login rate limit's state (GCRA TAT, µs): NAME the policy, S the subject
 * rl:{v:P}:login-voter:P string on a Redis Cluster, the login-voter limit's state, in the voter's slot (decided
 *                           in the login script; RedisVoterStore.voterLimitScope)
 * rl:{nt}:CH:NAME:S   string a paid send's limit (CH sms or voice); rl:{nt}:CH:trip:SCOPE:S a tripped breaker
 * gw:{sf:I}           hash  a staff account (and gw:{sf:I}:u:N, :sc, :ss, gw:{st:K:H} tokens, gw:{el:E}:staff):
 *                           see RedisStaffStore
 * gw:{el:E}           string the election (JSON)
 * gw:{el:E}:em        hash  émargements: P -> {"t":ms,"ip":..,"sid":..}
 * gw:{el:E}:audit     stream audit events: e event JSON, h SHA-256 hex
 * gw:{el:E}:audit:heads hash writer -> hash of its last event
 * gw:{el:E}:audit:alerts stream the alert.* audit events again, under their ids in gw:{el:E}:audit
 * gw:{el:E}:incidents list  the election's incident log: copies of its incident audit events (JSON), oldest first
 * gw:{audit}:elections set   the elections that have audit events (the checkpoints' list)
 * gw:{audit}:lease    string the audit checkpoints' lease (SET NX PX): the instance taking them this period
 * gw:{el:E}:import    hash  the election's roll-import lock (a lease): t holder's token, u lease end ms, j 1 once
 *                           the holder is a job with a record (redis/roll/lock.lua)
 * gw:{el:E}:import:J  hash  roll-import job J: s status, sa started ms, fa finished ms, lr lines read, im imported,
 *                           cr created, rj rejected, un unreachable, r final report (JSON), e error (JSON)
 * gw:{el:E}:import:J:lines list  job J's line report: chunks of CSV lines, in line order
 * gw:{el:E}:roll      zset  the roll index: every pseudonym the roll imports wrote, scores 0 (walked by
 *                           ZRANGEBYLEX in pages: a credential campaign's cursor is the last pseudonym walked)
 * gw:{el:E}:seals     list  the election's seals, oldest first: each seal's signed line (evidence.Seal); also appended
 *                           to DIR/E.seals.jsonl outside Redis
 * gw:{el:E}:sealn     string the last seal number given (INCR: two seals taken at once get two numbers)
 * gw:{el:E}:sealed    string the number of the seal in force (absent: not sealed, or reopened by POST .../seal/reopen)
 * gw:{seal}:lease     string the automatic sealing's lease (SET NX PX): the instance sealing this period
 * gw:{integrity}:lease string the integrity check's lease (SET NX PX): the instance checking this period
 * gw:{el:E}:integrity:K string an election's start or end check (K) claimed by an instance (SET NX PX): done once
 * gw:{el:E}:cp        hash  the election's campaign lock: c the campaign running, t its runner's token, u lease end ms
 * gw:{el:E}:cp:C      hash  credential campaign C: s status, ch channel, co college, ac actor, ip, sa started ms,
 *                           fa finished ms, cur cursor, rs roll size, wk walked, to in scope, q queued, nc no contact,
 *                           rf refused, nr not on the roll, e error (redis/campaign/start.lua)
 * gw:{el:E}:cps       zset  the election's campaigns (score: started ms)
 * gw:{nt}:cp:E:C      hash  campaign C's delivery counters, moved by the outbox scripts (OutboxStore#campaignDeliveries)
 * gw:{cp}:active      set   "E C" of every campaign running: what each gateway looks through to resume one whose
 *                           runner's lease ran out
 * gw:{dx:E}           hash  the destruction job of election E (issue 16 point 6): st requested|running, rq requester,
 *                           ra requested ms, ap approver, aa approved ms, ct controllers, el retention dates, rr 1
 *                           once the staff roles are gone, cur the sweep's SCAN cursor, sw 1 once swept, n:KIND
 *                           counts; removed once the certificate is written (RedisDestructionStore)
 * </pre>
 */
public final class RedisKeys {
  private RedisKeys() {}

  public static String voter(String pseudonym) {
    return "gw:{v:" + pseudonym + "}";
  }

  public static String challenge(String pseudonym) {
    return "gw:{v:" + pseudonym + "}:ch";
  }

  public static String session(String pseudonym, String tokenHash) {
    return "gw:{v:" + pseudonym + "}:s:" + tokenHash;
  }

  /** The claim key of a phone given at login; any key of this form when {@code hash} is "" (none given). */
  public static String phoneClaim(String hash) {
    return "gw:{ph:" + hash + "}";
  }

  /**
   * Redis Cluster: a key of the voter's slot standing for a phone's claim not taken yet (never written: a login
   * script answers NEEDS_CLAIM when it would claim the phone; RedisVoterStore).
   */
  public static String phoneClaimPending(String pseudonym) {
    return "gw:{v:" + pseudonym + "}:pc";
  }

  /** A login step's outcome kept for an Idempotency-Key; {@code keyHash} "" when the step has none (unused). */
  public static String idempotency(String pseudonym, String keyHash) {
    return "gw:{v:" + pseudonym + "}:i:" + keyHash;
  }

  public static String election(String electionId) {
    return "gw:{el:" + electionId + "}";
  }

  public static String emargements(String electionId) {
    return "gw:{el:" + electionId + "}:em";
  }

  public static String audit(String electionId) {
    return "gw:{el:" + electionId + "}:audit";
  }

  public static String auditAlerts(String electionId) {
    return "gw:{el:" + electionId + "}:audit:alerts";
  }

  public static String auditHeads(String electionId) {
    return "gw:{el:" + electionId + "}:audit:heads";
  }

  /** The election's incident log. */
  public static String incidents(String electionId) {
    return "gw:{el:" + electionId + "}:incidents";
  }

  /** The elections that have audit events. */
  public static String auditedElections() {
    return "gw:{audit}:elections";
  }

  /** The lease of the instance taking the audit checkpoints. */
  public static String checkpointLease() {
    return "gw:{audit}:lease";
  }

  /** An election's roll-import lock. */
  public static String importLock(String electionId) {
    return "gw:{el:" + electionId + "}:import";
  }

  /** A roll-import job of the election. */
  public static String importJob(String electionId, String jobId) {
    return "gw:{el:" + electionId + "}:import:" + jobId;
  }

  /** A roll-import job's line report. */
  public static String importLines(String electionId, String jobId) {
    return "gw:{el:" + electionId + "}:import:" + jobId + ":lines";
  }

  /** An election's roll index: the pseudonyms of its voters (a sorted set, scores 0, walked in lexical order). */
  public static String seals(String electionId) {
    return "gw:{el:" + electionId + "}:seals";
  }

  public static String sealed(String electionId) {
    return "gw:{el:" + electionId + "}:sealed";
  }

  public static String sealNumber(String electionId) {
    return "gw:{el:" + electionId + "}:sealn";
  }

  /** An election's automatic seal, claimed by the instance that makes it (once, across instances). */
  public static String sealAutomaticClaim(String electionId) {
    return "gw:{el:" + electionId + "}:seal:auto";
  }

  public static String sealLease() {
    return "gw:{seal}:lease";
  }

  /** An election's start or end integrity check, claimed by the instance that runs it (once, across instances). */
  public static String integrityClaim(String electionId, String kind) {
    return "gw:{el:" + electionId + "}:integrity:" + kind;
  }

  /** The integrity check's lease (issue 16, point 3): the instance checking this period. */
  public static String integrityLease() {
    return "gw:{integrity}:lease";
  }

  public static String rollIndex(String electionId) {
    return "gw:{el:" + electionId + "}:roll";
  }

  /** An election's credential-campaign lock. */
  public static String campaignLock(String electionId) {
    return "gw:{el:" + electionId + "}:cp";
  }

  /** A credential campaign of the election. */
  public static String campaign(String electionId, String campaignId) {
    return "gw:{el:" + electionId + "}:cp:" + campaignId;
  }

  /** The election's credential campaigns, by start time. */
  public static String campaigns(String electionId) {
    return "gw:{el:" + electionId + "}:cps";
  }

  /** The value of a campaign's messages' {@code cp} field, which names its delivery counters. */
  public static String campaignTag(String electionId, String campaignId) {
    return electionId + ":" + campaignId;
  }

  /** A campaign's delivery counters, in the outbox's slot (the outbox scripts build this name from {@code cp}). */
  public static String campaignDeliveries(String electionId, String campaignId) {
    return "gw:{nt}:cp:" + campaignTag(electionId, campaignId);
  }

  /** The campaigns running, across elections. */
  public static final String ACTIVE_CAMPAIGNS = "gw:{cp}:active";
}
