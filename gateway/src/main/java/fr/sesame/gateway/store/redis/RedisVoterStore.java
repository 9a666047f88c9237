package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;
import static fr.sesame.redis.LuaScript.str;

import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.SessionStore;
import fr.sesame.gateway.store.StepResult;
import fr.sesame.gateway.store.VoterStore;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.redis.ScriptLimits;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.KeyValue;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Voters, challenges and sessions in Redis; each decision is one Lua script, one round trip. Every write an
 * election relies on (login steps, unlock, logout, the roll) is confirmed as {@link RedisAccess#durability()}
 * asks ({@code WAIT} pipelined behind it); the session-touch slide is not.
 */
public final class RedisVoterStore implements VoterStore, SessionStore {
  static final LuaScript LOGIN = LuaScript.load("redis/voter/login_secret.lua");
  static final LuaScript VERIFY = LuaScript.load("redis/voter/verify_code.lua");
  static final LuaScript RESEND = LuaScript.load("redis/voter/resend.lua");
  static final LuaScript CHANNEL = LuaScript.load("redis/voter/login_channel.lua");
  static final LuaScript IMPORT = LuaScript.load("redis/voter/import_voter.lua");
  static final LuaScript UNLOCK = LuaScript.load("redis/voter/unlock.lua");
  static final LuaScript TOUCH = LuaScript.load("redis/voter/session_touch.lua");
  static final LuaScript END = LuaScript.load("redis/voter/session_end.lua");
  private static final String[] VOTER_FIELDS = {"c", "f", "la", "ll", "n", "e", "p", "lp", "a", "lh"};

  private final RedisAccess redis;

  public RedisVoterStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<List<Boolean>> importVoters(List<VoterRow> rows) {
    List<LuaScript.Call> calls = new ArrayList<>(rows.size());
    // the roll index (a credential campaign walks it): one ZADD per election of the batch, in the same pipeline;
    // not atomic with the voters' writes (another slot), so a voter written and not indexed is indexed again by the
    // next import of the roll, which is idempotent
    Map<String, List<Object>> byElection = new HashMap<>();
    for (VoterRow r : rows) {
      calls.add(new LuaScript.Call(new String[] {RedisKeys.voter(r.key().pseudonym())}, new String[] {r.college(),
          r.secretHash(), r.identityEnc(), r.emailEnc(), r.phoneEnc(), r.postalEnc()}));
      List<Object> members = byElection.computeIfAbsent(r.key().electionId(), e -> new ArrayList<>());
      members.add(0.0);
      members.add(r.key().pseudonym());
    }
    // pipelined, one WAIT behind the whole batch (it confirms every row at once), one answer for the batch
    return IMPORT.runAllConfirmed(redis, calls, commands -> byElection.entrySet().stream()
            .map(e -> commands.zadd(RedisKeys.rollIndex(e.getKey()), e.getValue().toArray())).toList())
        .map(results -> {
          List<Boolean> created = new ArrayList<>(results.size());
          for (List<Object> r : results) {
            created.add(ImportReply.of(num(r, 0)) == ImportReply.CREATED);
          }
          return created;
        });
  }

  @Override
  public Future<StepResult> checkSecret(SecretCheck a) {
    String p = a.voter().pseudonym();
    NewChallenge ch = a.challenge();
    return LOGIN.runConfirmed(redis,
        ScriptLimits.keys(a.limits(), RedisKeys.voter(p), RedisKeys.challenge(p), RedisKeys.phoneClaim(a.phoneClaim()),
            RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(a.limits(), Long.toString(a.nowMs()), Integer.toString(a.maxFailures()), a.secretHash(),
            Long.toString(a.unknownTtlMs()), a.channel(), memberList(a.collegesAllowingChannel()), a.givenPhoneEnc(),
            ch.challengeId(), ch.codeHash(), Long.toString(ch.expiresAtMs()), Long.toString(ch.ttlMs()),
            ch.notificationId(), Long.toString(a.idempotency().ttlMs()), a.idempotency().codeEnc(), ch.lang()))
        .map(r -> step(r, a.limits(), o -> a.channel().isEmpty() ? StepResult.secretOnly(str(o, 1), str(o, 3))
            : StepResult.challenge(str(o, 1), a.channel(), field(str(o, 2)), str(o, 3))));
  }

  @Override
  public Future<Optional<CurrentChallenge>> currentChallenge(VoterKey voter) {
    return redis.await(redis.commands().hmget(RedisKeys.challenge(voter.pseudonym()), "id", "ch", "nid", "r", "x"))
        .map(values -> {
          Map<String, String> f = new HashMap<>();
          for (KeyValue<String, String> kv : values) {
            if (kv.hasValue()) {
              f.put(kv.getKey(), kv.getValue());
            }
          }
          if (f.get("id") == null) {
            return Optional.<CurrentChallenge>empty();
          }
          return Optional.of(new CurrentChallenge(f.get("id"), f.getOrDefault("ch", ""), f.getOrDefault("nid", ""),
              longOf(f.get("r")), longOf(f.get("x"))));
        });
  }

  @Override
  public Future<StepResult> chooseChannel(ChannelChoice a) {
    String p = a.voter().pseudonym();
    return CHANNEL.runConfirmed(redis,
        ScriptLimits.keys(a.limits(), RedisKeys.voter(p), RedisKeys.challenge(p), RedisKeys.phoneClaim(a.phoneClaim()),
            RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(a.limits(), a.challengeId(), a.codeHash(),
            Long.toString(a.expiresAtMs()), a.channel(), memberList(a.collegesAllowingChannel()), a.givenPhoneEnc(),
            a.notificationId(), Long.toString(a.idempotency().ttlMs()), a.idempotency().codeEnc()))
        .map(r -> step(r, a.limits(),
            o -> StepResult.challenge(str(o, 1), a.channel(), field(str(o, 2)), str(o, 3), str(o, 4))));
  }

  @Override
  public Future<StepResult> checkCode(CodeCheck a) {
    String p = a.voter().pseudonym();
    return VERIFY.runConfirmed(redis,
        ScriptLimits.keys(a.limits(), RedisKeys.voter(p), RedisKeys.challenge(p), RedisKeys.session(p, a.sessionKeyHash()),
            RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(a.limits(), Long.toString(a.nowMs()), Integer.toString(a.maxFailures()), a.challengeId(),
            a.codeHash(), Long.toString(a.sessionTtlMs()), a.voter().electionId(), a.sessionId(), a.ip(),
            Long.toString(a.idempotency().ttlMs())))
        .map(r -> step(r, a.limits(), o -> StepResult.session(str(o, 1))));
  }

  @Override
  public Future<StepResult> resend(Resend a) {
    String p = a.voter().pseudonym();
    return RESEND.runConfirmed(redis, ScriptLimits.keys(a.limits(), RedisKeys.voter(p), RedisKeys.challenge(p),
            RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(a.limits(), Long.toString(a.nowMs()), a.challengeId(), a.codeHash(),
            Long.toString(a.expiresAtMs()), Integer.toString(a.maxResends()), a.channel(), memberList(a.collegesAllowingChannel()),
            a.notificationId(), Long.toString(a.idempotency().ttlMs()), a.idempotency().codeEnc()))
        .map(r -> step(r, a.limits(),
            o -> StepResult.resent(str(o, 1), field(str(o, 2)), str(o, 3), num(o, 4), str(o, 5),
                o.size() > 6 ? str(o, 6) : "")));
  }

  /**
   * Decodes a login step's reply: {@code ok} reads an OK reply's own fields. A REPEAT carries what the first
   * request kept, then its reply.
   */
  private static StepResult step(List<Object> r, StepLimits limits, Function<List<Object>, StepResult> ok) {
    VoterReply reply = VoterReply.of(num(r, 0));
    return switch (reply) {
      case REPEAT -> step(r.subList(4, r.size()), limits, ok)
          .asRepeatOf(new StepResult.Repeat(str(r, 1), str(r, 2), str(r, 3)));
      case OK -> ok.apply(r);
      case RATE_LIMITED -> StepResult.limited(ScriptLimits.refusal(limits, r, 1));
      case REJECTED, LOCKED -> StepResult.failure(reply.step(), num(r, 1), r.size() > 2 && num(r, 2) == 1);
      default -> StepResult.of(reply.step());
    };
  }

  /** A set as the scripts test membership in it: {@code ",a,b,"} (a college is found as {@code ",id,"}). */
  static String memberList(Set<String> members) {
    return "," + String.join(",", members) + ",";
  }

  /** The voter hash field a destination came from, as the port names it. */
  private static VoterField field(String hashField) {
    return switch (hashField) {
      case "e" -> VoterField.EMAIL;
      case "p" -> VoterField.PHONE;
      case "lp" -> VoterField.LOGIN_PHONE;
      default -> throw new IllegalStateException("a login script named an unknown destination field");
    };
  }

  @Override
  public Future<Optional<VoterRecord>> read(VoterKey voter) {
    return redis.await(redis.commands().hmget(RedisKeys.voter(voter.pseudonym()), VOTER_FIELDS)).map(values -> {
      Map<String, String> f = new HashMap<>();
      for (KeyValue<String, String> kv : values) {
        if (kv.hasValue()) {
          f.put(kv.getKey(), kv.getValue());
        }
      }
      if (!f.containsKey("c")) {
        return Optional.empty();
      }
      return Optional.of(new VoterRecord(f.get("c"), longOf(f.get("f")), longOf(f.get("la")), longOf(f.get("ll")),
          f.get("n"), f.get("e"), f.get("p"), f.get("lp"), f.get("a"), recentLogins(f.get("lh"))));
    });
  }

  /** verify_code.lua's {@code lh}: a JSON array of "ms ip", newest first. */
  private static List<VoterRecord.Login> recentLogins(String json) {
    if (json == null || json.isEmpty() || !json.startsWith("[")) {
      return List.of();
    }
    List<VoterRecord.Login> out = new java.util.ArrayList<>();
    for (Object o : new io.vertx.core.json.JsonArray(json)) {
      String[] parts = String.valueOf(o).split(" ", 2);
      out.add(new VoterRecord.Login(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : ""));
    }
    return out;
  }

  private static long longOf(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }

  @Override
  public Future<UnlockResult> unlock(VoterKey voter) {
    return UNLOCK.runConfirmed(redis, new String[] {RedisKeys.voter(voter.pseudonym())})
        .map(r -> switch (UnlockReply.of(num(r, 0))) {
          case NOT_ON_ROLL -> UnlockResult.NOT_ON_ROLL;
          case WAS_LOCKED -> UnlockResult.WAS_LOCKED;
          case WAS_NOT_LOCKED -> UnlockResult.WAS_NOT_LOCKED;
        });
  }

  @Override
  public Future<Optional<ActiveSession>> touch(VoterKey voter, String tokenHash, long nowMs, long idleMs) {
    return TOUCH.run(redis, new String[] {RedisKeys.session(voter.pseudonym(), tokenHash)}, Long.toString(nowMs),
        Long.toString(idleMs)).map(r -> TouchReply.of(num(r, 0)) == TouchReply.INACTIVE
        ? Optional.empty()
        : Optional.of(new ActiveSession(str(r, 1), str(r, 2), str(r, 3), str(r, 4), num(r, 5))));
  }

  @Override
  public Future<Optional<EndedSession>> end(VoterKey voter, String tokenHash) {
    return END.runConfirmed(redis, new String[] {RedisKeys.session(voter.pseudonym(), tokenHash)})
        .map(r -> EndReply.of(num(r, 0)) == EndReply.NO_SESSION
            ? Optional.empty()
            : Optional.of(new EndedSession(str(r, 1), str(r, 2))));
  }
}
