package fr.sesame.gateway.store.redis;

import static fr.sesame.ratelimit.redis.LuaScript.num;
import static fr.sesame.ratelimit.redis.LuaScript.str;

import fr.sesame.gateway.auth.VoterKey;
import fr.sesame.gateway.store.SessionStore;
import fr.sesame.gateway.store.StepResult.Code;
import fr.sesame.gateway.store.StepResult;
import fr.sesame.gateway.store.VoterStore;
import fr.sesame.ratelimit.redis.LuaScript;
import fr.sesame.ratelimit.redis.RedisAccess;
import fr.sesame.ratelimit.redis.ScriptLimits;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Voters, challenges and sessions in Redis; each decision is one Lua script, one round trip. */
public final class RedisVoterStore implements VoterStore, SessionStore {
  private static final LuaScript LOGIN = LuaScript.load("redis/voter/login_secret.lua");
  private static final LuaScript VERIFY = LuaScript.load("redis/voter/verify_code.lua");
  private static final LuaScript RESEND = LuaScript.load("redis/voter/resend.lua");
  private static final LuaScript IMPORT = LuaScript.load("redis/voter/import_voter.lua");
  private static final LuaScript UNLOCK = LuaScript.load("redis/voter/unlock.lua");
  private static final LuaScript TOUCH = LuaScript.load("redis/voter/session_touch.lua");
  private static final LuaScript END = LuaScript.load("redis/voter/session_end.lua");
  private static final String[] VOTER_FIELDS = {"c", "f", "la", "ll", "n", "e", "p", "lp"};

  private final RedisAccess redis;

  public RedisVoterStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Integer> importVoters(List<VoterRow> rows) {
    List<Future<List<Object>>> all = new ArrayList<>(rows.size());
    for (VoterRow r : rows) {
      // Lettuce pipelines these: one batch costs about one round trip.
      all.add(IMPORT.run(redis, new String[] {r.key().redisKey()}, r.college(), r.secretHash(), r.identityEnc(),
          r.emailEnc(), r.phoneEnc()));
    }
    return Future.all(all).map(cf -> {
      int created = 0;
      for (Future<List<Object>> f : all) {
        created += (int) num(f.result(), 0);
      }
      return created;
    });
  }

  @Override
  public Future<StepResult> checkSecret(VoterKey voter, long nowMs, int maxFailures, String secretHash,
                                        long unknownTtlMs, String channel, String collegesAllowingChannel,
                                        String givenPhoneEnc, String phoneClaim, NewChallenge ch,
                                        ScriptLimits limits) {
    return LOGIN.run(redis, limits.keys(voter.redisKey(), RedisKeys.challenge(voter.pseudonym()),
            RedisKeys.phoneClaim(phoneClaim)),
        limits.args(Long.toString(nowMs), Integer.toString(maxFailures), secretHash, Long.toString(unknownTtlMs),
            channel, collegesAllowingChannel, givenPhoneEnc, ch.challengeId(), ch.codeHash(),
            Long.toString(ch.expiresAtMs()), Long.toString(ch.ttlMs()), ch.notificationId())).map(r -> {
          Code code = Code.of(num(r, 0));
          return switch (code) {
            case RATE_LIMITED -> StepResult.limited(limits.refusal(r, 1));
            case REJECTED, LOCKED -> StepResult.failure(code, num(r, 1), r.size() > 2 && num(r, 2) == 1);
            case OK -> new StepResult(code, 0, str(r, 1), channel, str(r, 2), str(r, 3), 0, false);
            default -> StepResult.of(code);
          };
        });
  }

  @Override
  public Future<StepResult> checkCode(VoterKey voter, long nowMs, int maxFailures, String challengeId,
                                      String codeHash, String sessionKeyHash, long sessionTtlMs, String sessionId,
                                      String ip, ScriptLimits limits) {
    return VERIFY.run(redis, limits.keys(voter.redisKey(), RedisKeys.challenge(voter.pseudonym()),
            RedisKeys.session(voter.pseudonym(), sessionKeyHash)),
        limits.args(Long.toString(nowMs), Integer.toString(maxFailures), challengeId, codeHash,
            Long.toString(sessionTtlMs), voter.electionId(), sessionId, ip)).map(r -> {
          Code code = Code.of(num(r, 0));
          return switch (code) {
            case RATE_LIMITED -> StepResult.limited(limits.refusal(r, 1));
            case REJECTED, LOCKED -> StepResult.failure(code, num(r, 1), r.size() > 2 && num(r, 2) == 1);
            case OK -> new StepResult(code, 0, str(r, 1), "", "", "", 0, false);
            default -> StepResult.of(code);
          };
        });
  }

  @Override
  public Future<StepResult> resend(VoterKey voter, long nowMs, String challengeId, String codeHash, long expiresAtMs,
                                   int maxResends, String channel, String collegesAllowingChannel,
                                   String notificationId, ScriptLimits limits) {
    return RESEND.run(redis, limits.keys(voter.redisKey(), RedisKeys.challenge(voter.pseudonym())),
        limits.args(Long.toString(nowMs), challengeId, codeHash, Long.toString(expiresAtMs),
            Integer.toString(maxResends), channel, collegesAllowingChannel, notificationId)).map(r -> {
          Code code = Code.of(num(r, 0));
          if (code == Code.RATE_LIMITED) {
            return StepResult.limited(limits.refusal(r, 1));
          }
          if (code == Code.OK) {
            return new StepResult(code, 0, "", str(r, 1), str(r, 2), str(r, 3), num(r, 4), false, str(r, 5));
          }
          return StepResult.of(code);
        });
  }

  @Override
  public Future<Map<String, String>> read(VoterKey voter) {
    return redis.await(redis.commands().hmget(voter.redisKey(), VOTER_FIELDS)).map(values -> {
      Map<String, String> out = new HashMap<>();
      values.forEach(kv -> {
        if (kv.hasValue()) {
          out.put(kv.getKey(), kv.getValue());
        }
      });
      return out.containsKey("c") ? out : Map.of();
    });
  }

  @Override
  public Future<Integer> unlock(VoterKey voter) {
    return UNLOCK.run(redis, new String[] {voter.redisKey()}).map(r -> (int) num(r, 0));
  }

  @Override
  public Future<Optional<ActiveSession>> touch(VoterKey voter, String tokenHash, long nowMs, long idleMs) {
    return TOUCH.run(redis, new String[] {RedisKeys.session(voter.pseudonym(), tokenHash)}, Long.toString(nowMs),
        Long.toString(idleMs)).map(r -> num(r, 0) == 0
        ? Optional.empty()
        : Optional.of(new ActiveSession(str(r, 1), str(r, 2), str(r, 3), str(r, 4))));
  }

  @Override
  public Future<Optional<String[]>> end(VoterKey voter, String tokenHash) {
    return END.run(redis, new String[] {RedisKeys.session(voter.pseudonym(), tokenHash)}).map(r -> num(r, 0) == 0
        ? Optional.empty()
        : Optional.of(new String[] {str(r, 1), str(r, 2)}));
  }
}
