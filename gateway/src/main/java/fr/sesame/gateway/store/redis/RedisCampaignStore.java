package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;
import static fr.sesame.redis.LuaScript.str;

import fr.sesame.gateway.store.CampaignStore;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credential campaigns in Redis: the lock, the records and the roll index of an election share its slot
 * ({@link RedisKeys#campaignLock}); the running campaigns' set is in a slot of its own. Nothing here waits for
 * replicas: the messages a campaign queues are confirmed by the outbox; a record lost in a failover is marked
 * failed when found running without its lock, and the voters it had reached are not sent again (the outbox's
 * idempotency keys).
 */
public final class RedisCampaignStore implements CampaignStore {
  static final LuaScript START = LuaScript.load("redis/campaign/start.lua");
  static final LuaScript CLAIM = LuaScript.load("redis/campaign/claim.lua");
  static final LuaScript PROGRESS = LuaScript.load("redis/campaign/progress.lua");
  static final LuaScript FINISH = LuaScript.load("redis/campaign/finish.lua");
  private final RedisAccess redis;

  public RedisCampaignStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Start> start(NewCampaign c) {
    String e = c.electionId();
    // an accepted campaign survives the loss of the primary (the 202 says it will run)
    return START.runConfirmed(redis, new String[] {RedisKeys.campaignLock(e), RedisKeys.campaign(e, c.campaignId()),
            RedisKeys.campaigns(e), RedisKeys.rollIndex(e)}, Long.toString(c.nowMs()), c.campaignId(), c.token(),
        Long.toString(c.untilMs()), c.channel(), c.college() == null ? "" : c.college(), c.actor(), c.ip(),
        Long.toString(c.keepMs()))
        .map(r -> CampaignReply.of(num(r, 0)) == CampaignReply.HELD ? new Start(true, num(r, 1), "", 0)
            : new Start(false, 0, str(r, 1), num(r, 2)));
  }

  @Override
  public Future<Map.Entry<Claim, String>> claim(String electionId, String campaignId, String token, long nowMs,
                                                long untilMs, long keepMs) {
    return CLAIM.run(redis, new String[] {RedisKeys.campaignLock(electionId),
            RedisKeys.campaign(electionId, campaignId)}, Long.toString(nowMs), campaignId, token,
        Long.toString(untilMs), Long.toString(keepMs))
        .map(r -> switch (CampaignReply.of(num(r, 0))) {
          case HELD -> Map.entry(Claim.TAKEN, str(r, 1));
          case BUSY -> Map.entry(Claim.BUSY, "");
          default -> Map.entry(Claim.ENDED, "");
        });
  }

  @Override
  public Future<Boolean> progress(String electionId, String campaignId, String token, long untilMs, Page p) {
    return PROGRESS.run(redis, new String[] {RedisKeys.campaignLock(electionId),
            RedisKeys.campaign(electionId, campaignId)}, token, Long.toString(untilMs), p.cursor(),
        Long.toString(p.walked()), Long.toString(p.inScope()), Long.toString(p.queued()),
        Long.toString(p.noContact()), Long.toString(p.refused()), Long.toString(p.notOnRoll()))
        .map(r -> CampaignReply.of(num(r, 0)) == CampaignReply.HELD);
  }

  @Override
  public Future<Boolean> finish(String electionId, String campaignId, String token, String status, long nowMs,
                                String error) {
    return FINISH.runConfirmed(redis, new String[] {RedisKeys.campaignLock(electionId),
            RedisKeys.campaign(electionId, campaignId)}, token, status, Long.toString(nowMs),
        error == null ? "" : error)
        .map(r -> CampaignReply.of(num(r, 0)) == CampaignReply.HELD);
  }

  @Override
  public Future<Optional<Map<String, String>>> find(String electionId, String campaignId) {
    return redis.await(redis.commands().hgetall(RedisKeys.campaign(electionId, campaignId)))
        .map(f -> f == null || f.isEmpty() ? Optional.empty() : Optional.of(f));
  }

  @Override
  public Future<Optional<Map.Entry<String, Long>>> lock(String electionId) {
    return redis.await(redis.commands().hmget(RedisKeys.campaignLock(electionId), "c", "u")).map(v -> {
      if (v.size() < 2 || !v.get(0).hasValue() || !v.get(1).hasValue()) {
        return Optional.empty();
      }
      return Optional.of(Map.entry(v.get(0).getValue(), Long.parseLong(v.get(1).getValue())));
    });
  }

  @Override
  public Future<List<String>> list(String electionId, int count) {
    return redis.await(redis.commands().zrevrange(RedisKeys.campaigns(electionId), 0, count - 1));
  }

  @Override
  public Future<List<String>> rollPage(String electionId, String cursor, int count) {
    return RollIndexPages.page(redis, electionId, "", "", cursor, count);
  }

  @Override
  public Future<Void> activate(String electionId, String campaignId) {
    return redis.await(redis.commands().sadd(RedisKeys.ACTIVE_CAMPAIGNS, electionId + " " + campaignId)).mapEmpty();
  }

  @Override
  public Future<Void> deactivate(String electionId, String campaignId) {
    return redis.await(redis.commands().srem(RedisKeys.ACTIVE_CAMPAIGNS, electionId + " " + campaignId)).mapEmpty();
  }

  @Override
  public Future<List<Map.Entry<String, String>>> active() {
    return redis.await(redis.commands().smembers(RedisKeys.ACTIVE_CAMPAIGNS)).map(members -> {
      List<Map.Entry<String, String>> out = new ArrayList<>();
      for (String m : members) {
        int sp = m.indexOf(' ');
        if (sp > 0) {
          out.add(Map.entry(m.substring(0, sp), m.substring(sp + 1)));
        }
      }
      return out;
    });
  }
}
