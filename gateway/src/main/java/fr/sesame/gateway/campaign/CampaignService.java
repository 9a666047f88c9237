package fr.sesame.gateway.campaign;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.Campaign;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.store.CampaignStore;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.gateway.store.VoterStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credential campaigns: every voter of an election (or of one college) is sent their access information (the
 * réassort's message: identifier and the platform's address, never the secret; {@link SupportService#accessRequest})
 * by email, SMS or post (a letter, to the roll's postal address), through the outbox's bulk lane, so login codes
 * keep their priority. One campaign at a time per election, across gateway instances. A campaign runs as a job: it walks the election's roll index a page of
 * {@value #PAGE} pseudonyms at a time, puts each reachable voter's message in the outbox under an idempotency key of
 * the campaign and the voter, then records the page's counts and moves its cursor past it in one step. Its runner
 * holds a lease ({@link #LEASE}), extended with every page and every {@link #RENEW_EVERY}; a gateway that stops
 * leaves the lease to run out, and every gateway looks every {@link #RESUME_EVERY} for such campaigns and resumes
 * them from their cursor: a page redone after a crash finds its voters' messages already accepted, so nobody gets a
 * message twice and nobody is counted twice. A campaign stays at most {@value #MAX_AHEAD} messages ahead of the
 * outbox's sends, so a large roll never fills Redis with messages waiting. Start, resumption and end are audited.
 */
public final class CampaignService {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignService.class);
  /** How long a runner's hold on its campaign lasts unrenewed. */
  public static final Duration LEASE = Duration.ofSeconds(60);
  /** How often a runner extends its lease between pages (a page extends it too). */
  public static final Duration RENEW_EVERY = LEASE.dividedBy(4);
  /** How often each gateway looks for campaigns whose runner's lease ran out. */
  public static final Duration RESUME_EVERY = Duration.ofSeconds(15);
  /** How long a campaign's record is kept after its start. */
  public static final Duration KEPT = Duration.ofDays(90);
  /** Pseudonyms of the roll index read and handled at a time. */
  static final int PAGE = 200;
  /** Messages a campaign may have queued that no provider has taken yet: beyond, it waits for the outbox. */
  static final long MAX_AHEAD = 2_000;
  /** How long a campaign ahead of the outbox waits before it looks again. */
  private static final long AHEAD_WAIT_MS = 500;
  /** What a campaign id is made of; any other names no campaign. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** Campaigns a list shows at most. */
  public static final int LIST_MAX = 50;

  private final CampaignStore store;
  private final VoterStore voters;
  private final OutboxStore outbox;
  private final NotificationService notifications;
  private final SupportService support;
  private final ElectionService elections;
  private final AuditTrail audit;
  private final RandomTokens random;
  private final Clock clock;
  private final Vertx vertx;
  /** The campaigns this instance runs, by "election campaign". */
  private final Map<String, Runner> running = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  public CampaignService(CampaignStore store, VoterStore voters, OutboxStore outbox, NotificationService notifications,
                         SupportService support, ElectionService elections, AuditTrail audit, RandomTokens random,
                         Clock clock, Vertx vertx) {
    this.store = store;
    this.voters = voters;
    this.outbox = outbox;
    this.notifications = notifications;
    this.support = support;
    this.elections = elections;
    this.audit = audit;
    this.random = random;
    this.clock = clock;
    this.vertx = vertx;
  }

  /**
   * Starts a campaign. Completes with its id once it is recorded and its start audited; it then runs on. By post,
   * each voter whose roll line gives a postal address gets a letter; the others are skipped ({@code noContact}),
   * all of them when the roll gives no address at all.
   * Fails with a {@link ProblemException}: {@code validation-failed} for a channel other than email, SMS or post or
   * an unknown college; {@code no-platform-url} (409) when the election has no platform address to send; {@code campaign-in-progress}
   * (409, naming it) while another campaign of the election runs.
   * @param college the college to reach, or null for every voter
   */
  public Future<String> start(Election election, ChannelKind channel, String college, ClientInfo by) {
    if (channel != ChannelKind.EMAIL && channel != ChannelKind.SMS && channel != ChannelKind.POST) {
      return Future.failedFuture(new ProblemException(ProblemType.VALIDATION_FAILED,
          "'channel' must be email, sms or post"));
    }
    if (college != null && !election.colleges().containsKey(college)) {
      return Future.failedFuture(new ProblemException(ProblemType.VALIDATION_FAILED,
          "'college' is not a college of this election"));
    }
    if (election.platformUrl() == null) {
      return Future.failedFuture(new ProblemException(ProblemType.NO_PLATFORM_URL,
          "the election has no 'platformUrl': set it to send the access information"));
    }
    String id = newId();
    String token = newId();
    long now = clock.millis();
    CampaignStore.NewCampaign c = new CampaignStore.NewCampaign(election.id(), id, token, now, now + LEASE.toMillis(),
        channel.wireName(), college, by.actor(), by.ip(), KEPT.toMillis());
    // marked active first: a campaign recorded is always found by the gateways that resume stopped ones
    return store.activate(election.id(), id).compose(v -> store.start(c)).compose(s -> {
      if (!s.started()) {
        if (s.runningUntilMs() <= clock.millis()) { // its runner stopped: resume it now rather than in 15 s
          resume(election.id(), s.runningId()).onFailure(e -> LOG.warn("campaign {} of election {} not resumed: {}",
              s.runningId(), election.id(), e.getClass().getSimpleName()));
        }
        return store.deactivate(election.id(), id).transform(x -> Future.failedFuture(new ProblemException(
            ProblemType.CAMPAIGN_IN_PROGRESS, "another credential campaign of this election is running: start "
            + "yours once it is over", new JsonObject().put("campaignId", s.runningId()))));
      }
      return audit.record(election.id(), AuditEvent.of(clock.instant(), "campaign.start", by.actor(), by.ip(),
              "started", "campaignId", id, "channel", channel.wireName(), "college", college, "rollSize",
              s.rollSize()))
          .map(x -> {
            new Runner(election.id(), election, id, token, channel, college, by, "").begin();
            return id;
          });
    });
  }

  /** The campaign as it stands; empty when the election has no such campaign (or it expired). */
  public Future<Optional<Campaign>> find(String electionId, String campaignId) {
    if (!ID.matcher(campaignId).matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    Future<Optional<Map<String, String>>> record = store.find(electionId, campaignId);
    Future<Optional<Map.Entry<String, Long>>> lock = store.lock(electionId);
    Future<Map<String, Long>> deliveries = outbox.campaignDeliveries(electionId, campaignId);
    return Future.all(record, lock, deliveries).map(cf -> record.result().map(f -> campaign(electionId, campaignId, f,
        lock.result(), deliveries.result())));
  }

  /** The election's campaigns, newest first (at most {@value #LIST_MAX}). */
  public Future<List<Campaign>> list(String electionId) {
    return store.list(electionId, LIST_MAX).compose(ids -> {
      List<Future<Optional<Campaign>>> all = new ArrayList<>();
      ids.forEach(id -> all.add(find(electionId, id)));
      return Future.all(all).map(cf -> {
        List<Campaign> out = new ArrayList<>();
        all.forEach(f -> f.result().ifPresent(out::add));
        return out;
      });
    });
  }

  /** The id of the election's campaign running now, if any. */
  public Future<Optional<String>> running(String electionId) {
    return store.lock(electionId).map(l -> l.map(Map.Entry::getKey));
  }

  /**
   * Looks for running campaigns whose runner's lease has run out (its gateway stopped) and resumes them here, from
   * their cursor. Called every {@link #RESUME_EVERY} by the gateway. @return how many were resumed
   */
  public Future<Integer> resumeStalled() {
    if (stopped) {
      return Future.succeededFuture(0);
    }
    return store.active().compose(active -> {
      List<Future<Boolean>> all = new ArrayList<>();
      for (Map.Entry<String, String> a : active) {
        if (!running.containsKey(a.getKey() + " " + a.getValue())) {
          all.add(resume(a.getKey(), a.getValue()));
        }
      }
      return Future.all(all).map(cf -> (int) all.stream().filter(Future::result).count());
    });
  }

  /** No new page starts on this instance from now (the gateway stops): its campaigns are resumed elsewhere. */
  public void stop() {
    stopped = true;
    running.values().forEach(Runner::halt);
  }

  private Future<Boolean> resume(String electionId, String campaignId) {
    String token = newId();
    long now = clock.millis();
    return store.claim(electionId, campaignId, token, now, now + LEASE.toMillis(), KEPT.toMillis()).compose(claim -> {
      if (claim.getKey() == CampaignStore.Claim.ENDED) {
        return store.deactivate(electionId, campaignId).map(false);
      }
      if (claim.getKey() == CampaignStore.Claim.BUSY) {
        return Future.succeededFuture(false);
      }
      String cursor = claim.getValue();
      return Future.all(store.find(electionId, campaignId), elections.find(electionId)).compose(cf -> {
        Optional<Map<String, String>> f = cf.resultAt(0);
        Optional<Election> e = cf.resultAt(1);
        if (f.isEmpty()) {
          return store.deactivate(electionId, campaignId).map(false);
        }
        Map<String, String> r = f.get();
        ClientInfo by = new ClientInfo(r.getOrDefault("ip", ""), r.getOrDefault("ac", ""));
        String college = r.getOrDefault("co", "").isEmpty() ? null : r.get("co");
        ChannelKind channel = ChannelKind.fromWire(r.getOrDefault("ch", "")).orElse(ChannelKind.EMAIL);
        LOG.info("campaign {} of election {} resumed here after its runner's lease ran out", campaignId, electionId);
        return audit.record(electionId, AuditEvent.of(clock.instant(), "campaign.resume", by.actor(), by.ip(),
            "resumed", "campaignId", campaignId)).map(x -> {
              Runner runner = new Runner(electionId, e.orElse(null), campaignId, token, channel, college, by,
                  cursor);
              if (e.isEmpty() || e.get().platformUrl() == null) {
                runner.fail("the election " + (e.isEmpty() ? "is gone" : "no longer has a platform address"));
              } else {
                runner.begin();
              }
              return true;
            });
      });
    });
  }

  private Campaign campaign(String electionId, String id, Map<String, String> f,
                            Optional<Map.Entry<String, Long>> lock, Map<String, Long> d) {
    Campaign.Status status = Campaign.Status.of(f.getOrDefault("s", "failed"));
    boolean stalled = status == Campaign.Status.RUNNING && (lock.isEmpty() || !lock.get().getKey().equals(id)
        || lock.get().getValue() <= clock.millis());
    Map<String, long[]> byProvider = new java.util.TreeMap<>();
    String[] kinds = {"sent", "delivered", "failed", "undelivered"};
    d.forEach((k, v) -> {
      int colon = k.lastIndexOf(':');
      if (colon > 0) {
        int kind = List.of(kinds).indexOf(k.substring(colon + 1));
        if (kind >= 0) {
          byProvider.computeIfAbsent(k.substring(0, colon), p -> new long[4])[kind] += v;
        }
      }
    });
    List<Campaign.ProviderFigures> providers = new ArrayList<>();
    byProvider.forEach((p, n) -> providers.add(new Campaign.ProviderFigures(p, n[0], n[1], n[2], n[3])));
    return new Campaign(id, electionId, f.get("ch"), f.getOrDefault("co", "").isEmpty() ? null : f.get("co"), status,
        instant(f.get("sa")), instant(f.get("fa")),
        new Campaign.Counts(n(f, "rs"), n(f, "wk"), n(f, "to"), n(f, "q"), n(f, "nc"), n(f, "rf"), n(f, "nr")),
        new Campaign.Deliveries(d.getOrDefault("sent", 0L), d.getOrDefault("delivered", 0L),
            d.getOrDefault("failed", 0L), providers), stalled, f.get("e"));
  }

  private static long n(Map<String, String> f, String field) {
    String v = f.get(field);
    return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
  }

  private static Instant instant(String ms) {
    return ms == null || ms.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(ms));
  }

  private String newId() {
    return RandomTokens.base64Url(random.bytes(16));
  }

  /** What became of one voter of a page. */
  private enum Outcome { OUT_OF_SCOPE, NOT_ON_ROLL, NO_CONTACT, REFUSED, QUEUED }

  /** One campaign run by this instance, from a cursor: page after page on one event loop until its end. */
  private final class Runner {
    private final Election election;
    private final String electionId;
    private final String id;
    private final String token;
    private final ChannelKind channel;
    private final String college;
    private final ClientInfo by;
    private final String key;
    private String cursor;
    private long timer = -1;
    private volatile boolean halted;
    private boolean lost;

    Runner(String electionId, Election election, String id, String token, ChannelKind channel, String college,
           ClientInfo by, String cursor) {
      this.electionId = electionId;
      this.election = election;
      this.id = id;
      this.token = token;
      this.channel = channel;
      this.college = college;
      this.by = by;
      this.cursor = cursor;
      this.key = electionId + " " + id;
    }

    void begin() {
      running.put(key, this);
      timer = vertx.setPeriodic(RENEW_EVERY.toMillis(), t -> renew());
      next();
    }

    void halt() {
      halted = true;
    }

    private void renew() {
      store.progress(electionId, id, token, clock.millis() + LEASE.toMillis(), CampaignStore.Page.RENEWAL)
          .onSuccess(held -> {
            if (!held) {
              lost();
            }
          });
    }

    private void next() {
      if (halted || stopped) {
        leave("this gateway is stopping");
        return;
      }
      caughtUp().compose(v -> store.rollPage(electionId, cursor, PAGE)).compose(page -> {
        if (page.isEmpty()) {
          return end().map(false);
        }
        return handle(page).map(true);
      }).onSuccess(more -> {
        if (more) {
          next();
        }
      }).onFailure(e -> {
        if (e instanceof LostException) {
          lost();
        } else if (e instanceof BrokenVoterException) {
          fail("a voter's record could not be read");
        } else {
          leave(e.getClass().getSimpleName());
        }
      });
    }

    /** Completes once the outbox has taken all but {@link #MAX_AHEAD} of this campaign's messages. */
    private Future<Void> caughtUp() {
      return Future.all(store.find(electionId, id), outbox.campaignDeliveries(electionId, id)).compose(cf -> {
        Optional<Map<String, String>> f = cf.resultAt(0);
        Map<String, Long> d = cf.resultAt(1);
        long queued = f.map(r -> n(r, "q")).orElse(0L);
        long ahead = queued - d.getOrDefault("sent", 0L) - d.getOrDefault("delivered", 0L)
            - d.getOrDefault("failed", 0L);
        if (ahead <= MAX_AHEAD || halted || stopped) {
          return Future.succeededFuture();
        }
        Promise<Void> waited = Promise.promise();
        vertx.setTimer(AHEAD_WAIT_MS, t -> waited.complete());
        return waited.future().compose(v -> caughtUp());
      });
    }

    private Future<Void> handle(List<String> page) {
      List<Future<Outcome>> all = new ArrayList<>(page.size());
      for (String p : page) {
        all.add(one(p));
      }
      return Future.all(all).compose(cf -> {
        long[] n = new long[Outcome.values().length];
        all.forEach(f -> n[f.result().ordinal()]++);
        String last = page.get(page.size() - 1);
        long inScope = page.size() - n[Outcome.OUT_OF_SCOPE.ordinal()] - n[Outcome.NOT_ON_ROLL.ordinal()];
        CampaignStore.Page counts = new CampaignStore.Page(last, page.size(), inScope, n[Outcome.QUEUED.ordinal()],
            n[Outcome.NO_CONTACT.ordinal()], n[Outcome.REFUSED.ordinal()], n[Outcome.NOT_ON_ROLL.ordinal()]);
        return store.progress(electionId, id, token, clock.millis() + LEASE.toMillis(), counts).compose(held -> {
          if (!held) {
            return Future.failedFuture(new LostException());
          }
          cursor = last;
          return Future.succeededFuture();
        });
      });
    }

    private Future<Outcome> one(String pseudonym) {
      return voters.read(new VoterKey(electionId, pseudonym)).compose(found -> {
        if (found.isEmpty()) {
          return Future.succeededFuture(Outcome.NOT_ON_ROLL);
        }
        VoterStore.VoterRecord v = found.get();
        if (college != null && !college.equals(v.college())) {
          return Future.succeededFuture(Outcome.OUT_OF_SCOPE);
        }
        String to;
        String identifier;
        try {
          to = support.contactOf(pseudonym, v, channel).orElse(null);
          identifier = to == null ? null : support.identity(pseudonym, v.identityEnc()).getString("i");
        } catch (RuntimeException e) { // a record that does not decrypt: never sent, and the campaign says so
          return Future.failedFuture(new BrokenVoterException());
        }
        if (to == null) {
          return Future.succeededFuture(Outcome.NO_CONTACT);
        }
        // the same key on every run of this campaign: a page redone after a crash sends nothing twice
        return notifications.accept(SupportService.accessRequest(election, identifier, channel, to,
                "campaign:" + id + ":" + pseudonym, electionId + ":" + id), by)
            .map(a -> a.refused() != null ? Outcome.REFUSED : Outcome.QUEUED);
      });
    }

    private Future<Void> end() {
      return finish("done", "");
    }

    void fail(String why) {
      finish("failed", why).onFailure(e -> leave(e.getClass().getSimpleName()));
    }

    private Future<Void> finish(String status, String error) {
      stopTimer();
      return store.finish(electionId, id, token, status, clock.millis(), error).compose(held -> {
        running.remove(key);
        if (!held) {
          lost();
          return Future.succeededFuture();
        }
        return store.find(electionId, id).compose(f -> {
          Map<String, String> r = f.orElse(Map.of());
          return audit.record(electionId, AuditEvent.of(clock.instant(), "campaign.end", by.actor(), by.ip(),
              status, "campaignId", id, "total", n(r, "to"), "queued", n(r, "q"), "noContact", n(r, "nc"),
              "refused", n(r, "rf"), "notOnRoll", n(r, "nr"), "error", error.isEmpty() ? null : error));
        }).compose(v -> store.deactivate(electionId, id));
      });
    }

    /** Another runner took the campaign over (this one's lease ran out): this one stops, writing nothing more. */
    private void lost() {
      if (lost) {
        return;
      }
      lost = true;
      stopTimer();
      running.remove(key);
      halted = true;
      LOG.warn("campaign {} of election {} was taken over by another gateway (this one's lease ran out): it stops "
          + "here", id, electionId);
    }

    /** Stops here, the campaign still running: its lease runs out and a gateway resumes it from its cursor. */
    private void leave(String why) {
      stopTimer();
      running.remove(key);
      if (!stopped) {
        LOG.warn("campaign {} of election {} paused ({}): it is resumed from its cursor within {} s", id,
            electionId, why, LEASE.plus(RESUME_EVERY).toSeconds());
      }
    }

    private void stopTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  /** The runner's lease was taken over. */
  private static final class LostException extends RuntimeException {
    LostException() {
      super(null, null, false, false);
    }
  }

  /** A voter's record would not decrypt. */
  private static final class BrokenVoterException extends RuntimeException {
    BrokenVoterException() {
      super(null, null, false, false);
    }
  }
}
