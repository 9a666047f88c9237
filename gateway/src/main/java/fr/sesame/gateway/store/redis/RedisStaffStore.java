package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.store.StaffStore;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.SetArgs;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Staff accounts in Redis.
 * <pre>
 * gw:{sf:I}        hash    account I (I: keyed hash of the email): e email and n name (encrypted), r roles
 *                          (JSON: election id -> role), s status (invited, enrolling, active), ph password hash
 *                          (Argon2id, PHC), tk TOTP secret (encrypted), tp TOTP secret being enrolled
 *                          (encrypted), f failures, la locked at (ms), c created (ms), ll last login (ms),
 *                          pe mobile phone (encrypted, E.164), m2 second factor (totp, sms; totp when absent)
 * gw:{sf:I}:u:N    string  TOTP step N used by I (expires after the steps it could be accepted in)
 * gw:{sf:I}:sc     string  I's live SMS code: its expiry (ms) and keyed hash, "X.H" (deleted when used)
 * gw:{sf:I}:ss     hash    I's SMS code sends (redis/staff/code_send.lua): t last send ms, w window start ms,
 *                          n sends in the window (expires with the window; deleted at a login's success)
 * gw:{el:E}:staff set     the accounts with a role in election E
 * gw:{st:K:H}      string  a token of kind K (i invitation, p password checked awaiting the second factor,
 *                          s session) by its hash H: the account it stands for (expires)
 * </pre>
 * Accounts are confirmed writes; tokens are not (a failover that loses one makes the person log in again).
 */
public final class RedisStaffStore implements StaffStore {
  private static final Set<String> KINDS = Set.of("i", "p", "s");
  private final RedisAccess redis;

  public RedisStaffStore(RedisAccess redis) {
    this.redis = redis;
  }

  static String key(String staffId) {
    return "gw:{sf:" + staffId + "}";
  }

  private static String token(String kind, String hash) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("token kind " + kind);
    }
    return "gw:{st:" + kind + ":" + hash + "}";
  }

  @Override
  public Future<Map<String, String>> account(String staffId) {
    return redis.await(redis.commands().hgetall(key(staffId)));
  }

  @Override
  public Future<Boolean> create(String staffId, Map<String, String> fields) {
    // the status field decides: HSETNX on it, then the rest only when it was set
    var c = redis.commands();
    return redis.await(c.hsetnx(key(staffId), "s", fields.getOrDefault("s", "invited"))).compose(created -> {
      if (!created) {
        return Future.succeededFuture(false);
      }
      // an email counted (and maybe locked) before it had an account: the counter goes, the account stays
      Future<Long> set = redis.await(c.hset(key(staffId), fields));
      Future<Long> cleared = redis.await(c.hdel(key(staffId), "f", "la"));
      Future<Boolean> kept = redis.await(c.persist(key(staffId)));
      Future<Void> confirmed = redis.confirmWrites();
      return Future.all(set, cleared, kept).compose(v -> confirmed).map(true);
    });
  }

  @Override
  public Future<Void> update(String staffId, Map<String, String> fields) {
    var c = redis.commands();
    Future<Long> set = redis.await(c.hset(key(staffId), fields));
    Future<Void> confirmed = redis.confirmWrites();
    return set.compose(v -> confirmed);
  }

  static final fr.sesame.redis.LuaScript ROLES = fr.sesame.redis.LuaScript.load("redis/staff/roles.lua");

  @Override
  public Future<Optional<Roles>> changeRoles(String staffId, RoleChange how, Map<String, String> roles) {
    String[] args = new String[1 + 2 * roles.size()];
    args[0] = how.name().toLowerCase(java.util.Locale.ROOT);
    java.util.List<String> elections = new java.util.ArrayList<>(roles.keySet());
    for (int i = 0; i < elections.size(); i++) {
      args[1 + 2 * i] = elections.get(i);
      args[2 + 2 * i] = how == RoleChange.REMOVE ? "" : roles.get(elections.get(i));
    }
    return ROLES.runConfirmed(redis, new String[] {key(staffId)}, args).map(r -> {
      if (r.isEmpty()) {
        return Optional.<Roles>empty();
      }
      Map<String, String> before = new java.util.LinkedHashMap<>();
      for (int i = 0; i < elections.size(); i++) {
        String had = fr.sesame.redis.LuaScript.str(r, 1 + i);
        if (!had.isEmpty()) {
          before.put(elections.get(i), had);
        }
      }
      Map<String, String> after = new java.util.LinkedHashMap<>();
      new io.vertx.core.json.JsonObject(fr.sesame.redis.LuaScript.str(r, 0))
          .forEach(e -> after.put(e.getKey(), String.valueOf(e.getValue())));
      return Optional.of(new Roles(before, after));
    });
  }

  static final fr.sesame.redis.LuaScript ATTEMPT = fr.sesame.redis.LuaScript.load("redis/staff/attempt.lua");

  @Override
  public Future<Long> attempt(String staffId, int maxFailures, long nowMs, long unknownTtlMs) {
    return ATTEMPT.runConfirmed(redis, new String[] {key(staffId)}, Integer.toString(maxFailures),
            Long.toString(nowMs), Long.toString(unknownTtlMs))
        .map(r -> AttemptReply.of(fr.sesame.redis.LuaScript.num(r, 0)) == AttemptReply.LOCKED ? -1L
            : fr.sesame.redis.LuaScript.num(r, 1));
  }

  @Override
  public Future<Void> lock(String staffId, long nowMs) {
    var c = redis.commands();
    Future<Boolean> set = redis.await(c.hsetnx(key(staffId), "la", Long.toString(nowMs)));
    Future<Void> confirmed = redis.confirmWrites();
    return set.compose(v -> confirmed);
  }

  @Override
  public Future<Void> notAFailure(String staffId) {
    return redis.await(redis.commands().hincrby(key(staffId), "f", -1)).mapEmpty();
  }

  @Override
  public Future<Void> succeeded(String staffId) {
    var c = redis.commands();
    Future<Boolean> reset = redis.await(c.hset(key(staffId), "f", "0"));
    Future<Long> sends = redis.await(c.del(key(staffId) + ":ss"));
    return Future.all(reset, sends).mapEmpty();
  }

  @Override
  public Future<Void> addToElection(String electionId, String staffId) {
    var c = redis.commands();
    Future<Long> added = redis.await(c.sadd(RedisKeys.election(electionId) + ":staff", staffId));
    Future<Void> confirmed = redis.confirmWrites();
    return added.compose(v -> confirmed);
  }

  @Override
  public Future<Void> removeFromElection(String electionId, String staffId) {
    var c = redis.commands();
    Future<Long> removed = redis.await(c.srem(RedisKeys.election(electionId) + ":staff", staffId));
    Future<Void> confirmed = redis.confirmWrites();
    return removed.compose(v -> confirmed);
  }

  @Override
  public Future<java.util.Set<String>> ofElection(String electionId) {
    return redis.await(redis.commands().smembers(RedisKeys.election(electionId) + ":staff"));
  }

  @Override
  public Future<Void> unlock(String staffId) {
    var c = redis.commands();
    Future<Boolean> reset = redis.await(c.hset(key(staffId), "f", "0"));
    Future<Long> unlocked = redis.await(c.hdel(key(staffId), "la"));
    Future<Void> confirmed = redis.confirmWrites();
    return Future.all(reset, unlocked).compose(v -> confirmed);
  }

  @Override
  public Future<Boolean> useStep(String staffId, long step, long ttlMs) {
    // a code used once must stay used after a failover: answered once the replicas have it
    Future<String> set = redis.await(redis.commands().set(key(staffId) + ":u:" + step, "1",
        SetArgs.Builder.nx().px(ttlMs)));
    Future<Void> confirmed = redis.confirmWrites();
    return Future.all(set, confirmed).map(v -> "OK".equals(set.result()));
  }

  @Override
  public Future<Void> putToken(String kind, String tokenHash, String staffId, long ttlMs) {
    return redis.await(redis.commands().set(token(kind, tokenHash), staffId, SetArgs.Builder.px(ttlMs))).mapEmpty();
  }

  @Override
  public Future<Optional<String>> token(String kind, String tokenHash, long renewMs) {
    var c = redis.commands();
    return (renewMs > 0 ? redis.await(c.getex(token(kind, tokenHash), GetExArgs.Builder.px(renewMs)))
        : redis.await(c.get(token(kind, tokenHash)))).map(Optional::ofNullable);
  }

  @Override
  public Future<Optional<String>> takeToken(String kind, String tokenHash) {
    return redis.await(redis.commands().getdel(token(kind, tokenHash))).map(Optional::ofNullable);
  }

  static final fr.sesame.redis.LuaScript CODE_SEND = fr.sesame.redis.LuaScript.load("redis/staff/code_send.lua");

  @Override
  public Future<SendClaim> claimCodeSend(String staffId, long nowMs, long minGapMs, int maxSends, long windowMs) {
    return CODE_SEND.run(redis, new String[] {key(staffId) + ":ss"}, Long.toString(nowMs), Long.toString(minGapMs),
            Integer.toString(maxSends), Long.toString(windowMs))
        .map(r -> switch (CodeSendReply.of(fr.sesame.redis.LuaScript.num(r, 0))) {
          case ALLOWED -> SendClaim.ALLOWED;
          case TOO_SOON -> SendClaim.TOO_SOON;
          case TOO_MANY -> SendClaim.TOO_MANY;
        });
  }

  @Override
  public Future<Void> putCode(String staffId, String codeHash, long ttlMs) {
    return redis.await(redis.commands().set(key(staffId) + ":sc", codeHash, SetArgs.Builder.px(ttlMs))).mapEmpty();
  }

  @Override
  public Future<Optional<String>> code(String staffId) {
    return redis.await(redis.commands().get(key(staffId) + ":sc")).map(Optional::ofNullable);
  }

  @Override
  public Future<Boolean> takeCode(String staffId) {
    // the SMS code is taken once: its removal confirmed before the login goes on, so a failover cannot bring it back
    Future<Long> del = redis.await(redis.commands().del(key(staffId) + ":sc"));
    Future<Void> confirmed = redis.confirmWrites();
    return Future.all(del, confirmed).map(v -> del.result() == 1L);
  }
}
