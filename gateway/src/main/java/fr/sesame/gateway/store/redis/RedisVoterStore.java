package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;
import static fr.sesame.redis.LuaScript.str;

import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.SessionStore;
import fr.sesame.gateway.store.StepResult;
import fr.sesame.gateway.store.VoterStore;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.redis.ReservedLimits;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Voters, challenges and sessions in Redis; each decision is one Lua script, one round trip. Every write an
 * election relies on (login steps, unlock, logout, the roll) is confirmed as {@link RedisAccess#durability()}
 * asks ({@code WAIT} pipelined behind it); the session-touch slide is not.
 */
public final class RedisVoterStore implements VoterStore, SessionStore {
  static final LuaScript LOGIN = LuaScript.load("redis/voter/login_secret.lua").gatheredPerTurn();
  static final LuaScript VERIFY = LuaScript.load("redis/voter/verify_code.lua").gatheredPerTurn();
  static final LuaScript RESEND = LuaScript.load("redis/voter/resend.lua");
  static final LuaScript CHANNEL = LuaScript.load("redis/voter/login_channel.lua");
  static final LuaScript IMPORT = LuaScript.load("redis/voter/import_voter.lua");
  static final LuaScript UNLOCK = LuaScript.load("redis/voter/unlock.lua");
  static final LuaScript TOUCH = LuaScript.load("redis/voter/session_touch.lua").gatheredPerTurn();
  static final LuaScript END = LuaScript.load("redis/voter/session_end.lua");
  private static final String[] VOTER_FIELDS = {"c", "f", "la", "ll", "n", "e", "p", "lp", "a", "lh"};

  private static final Logger LOG = LoggerFactory.getLogger(RedisVoterStore.class);
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
    return guarded(a.limits(), (limits, claim) -> LOGIN.runConfirmed(redis,
        ScriptLimits.keys(limits, RedisKeys.voter(p), RedisKeys.challenge(p), claim.key(p, a.phoneClaim()),
            RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(limits, Long.toString(a.nowMs()), Integer.toString(a.maxFailures()), a.secretHash(),
            Long.toString(a.unknownTtlMs()), a.channel(), memberList(a.collegesAllowingChannel()), a.givenPhoneEnc(),
            ch.challengeId(), ch.codeHash(), Long.toString(ch.expiresAtMs()), Long.toString(ch.ttlMs()),
            ch.notificationId(), Long.toString(a.idempotency().ttlMs()), a.idempotency().codeEnc(), ch.lang())),
        p, a.phoneClaim(),
        (r, limits) -> step(r, limits, o -> a.channel().isEmpty() ? StepResult.secretOnly(str(o, 1), str(o, 3))
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
    return guarded(a.limits(), (limits, claim) -> CHANNEL.runConfirmed(redis,
        ScriptLimits.keys(limits, RedisKeys.voter(p), RedisKeys.challenge(p), claim.key(p, a.phoneClaim()),
            RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(limits, a.challengeId(), a.codeHash(),
            Long.toString(a.expiresAtMs()), a.channel(), memberList(a.collegesAllowingChannel()), a.givenPhoneEnc(),
            a.notificationId(), Long.toString(a.idempotency().ttlMs()), a.idempotency().codeEnc())),
        p, a.phoneClaim(),
        (r, limits) -> step(r, limits,
            o -> StepResult.challenge(str(o, 1), a.channel(), field(str(o, 2)), str(o, 3), str(o, 4))));
  }

  @Override
  public Future<StepResult> checkCode(CodeCheck a) {
    String p = a.voter().pseudonym();
    return guarded(a.limits(), (limits, claim) -> VERIFY.runConfirmed(redis,
        ScriptLimits.keys(limits, RedisKeys.voter(p), RedisKeys.challenge(p), RedisKeys.session(p, a.sessionKeyHash()),
            RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(limits, Long.toString(a.nowMs()), Integer.toString(a.maxFailures()), a.challengeId(),
            a.codeHash(), Long.toString(a.sessionTtlMs()), a.voter().electionId(), a.sessionId(), a.ip(),
            Long.toString(a.idempotency().ttlMs()))),
        p, "", (r, limits) -> step(r, limits, o -> StepResult.session(str(o, 1))));
  }

  @Override
  public Future<StepResult> resend(Resend a) {
    String p = a.voter().pseudonym();
    return guarded(a.limits(), (limits, claim) -> RESEND.runConfirmed(redis, ScriptLimits.keys(limits,
            RedisKeys.voter(p), RedisKeys.challenge(p), RedisKeys.idempotency(p, a.idempotency().keyHash())),
        ScriptLimits.args(limits, Long.toString(a.nowMs()), a.challengeId(), a.codeHash(),
            Long.toString(a.expiresAtMs()), Integer.toString(a.maxResends()), a.channel(), memberList(a.collegesAllowingChannel()),
            a.notificationId(), Long.toString(a.idempotency().ttlMs()), a.idempotency().codeEnc())),
        p, "", (r, limits) -> step(r, limits,
            o -> StepResult.resent(str(o, 1), field(str(o, 2)), str(o, 3), num(o, 4), str(o, 5),
                o.size() > 6 ? str(o, 6) : "")));
  }

  /** How a login step's script finds the claim of a phone given at login ({@code KEYS[3]}). */
  enum Claim {
    /** One Redis: the claim's own key, claimed in the script, atomically with the step. */
    HERE,
    /** Redis Cluster, claim not taken yet: a voter-slot key; the script answers NEEDS_CLAIM where it would claim. */
    FIRST,
    /** Redis Cluster, claim taken for this voter by the store: the voter's key; the script remembers the phone. */
    HELD;

    String key(String pseudonym, String phoneClaim) {
      return switch (this) {
        case HERE -> RedisKeys.phoneClaim(phoneClaim);
        case FIRST -> RedisKeys.phoneClaimPending(pseudonym);
        case HELD -> RedisKeys.voter(pseudonym);
      };
    }
  }

  /** A login step's script, given the limits it decides itself and how it finds a phone's claim. */
  private interface StepScript {
    Future<List<Object>> run(StepLimits limits, Claim claim);
  }

  /** Decodes a login step's reply, given the limits the script decided. */
  private interface StepDecoder {
    StepResult decode(List<Object> reply, StepLimits limits);
  }

  /**
   * Runs a login step. On one Redis, as one script with its limits and a phone's claim inside (one round trip).
   * On a Redis Cluster, whose slots spread the limits ({@code rl:{E}}), a phone's claim ({@code gw:{ph:H}}) and
   * the voter ({@code gw:{v:P}}): a limit whose subject is the voter ({@code login-voter}) is kept in the voter's
   * slot ({@code rl:{v:P}:...}) and decided inside the script as on one Redis; the others (the address's, the
   * election's) are reserved first, in the election's limit slot ({@link ReservedLimits}); the step's script runs
   * in the voter's slot; a phone to claim is claimed in its slot between two runs of the script (the first answers
   * NEEDS_CLAIM and writes nothing); then the reserved permits the outcome did not owe are given back, without
   * waiting for the answer. Per slot: limits 2 round trips, voter 1 (2 with a claim), phone 1.
   */
  private Future<StepResult> guarded(StepLimits limits, StepScript script, String pseudonym, String phoneClaim,
                                     StepDecoder decode) {
    if (!redis.cluster()) {
      return script.run(limits, Claim.HERE).map(r -> decode.decode(r, limits));
    }
    StepLimits voters = new StepLimits(voterLimitScope(pseudonym),
        limits.entries().stream().filter(e -> e.limit().key().equals(pseudonym)).toList(), limits.now());
    StepLimits reserved = new StepLimits(limits.scope(),
        limits.entries().stream().filter(e -> !e.limit().key().equals(pseudonym)).toList(), limits.now());
    return ReservedLimits.reserve(redis, reserved).compose(decision -> {
      if (!decision.allowed()) {
        return Future.succeededFuture(StepResult.limited(decision));
      }
      return script.run(voters, Claim.FIRST)
          .compose(r -> VoterReply.of(num(r, 0)) != VoterReply.NEEDS_CLAIM ? Future.succeededFuture(r)
              : claim(pseudonym, phoneClaim).compose(mine -> mine ? script.run(voters, Claim.HELD)
                  : Future.succeededFuture(List.<Object>of((long) VoterReply.PHONE_TAKEN.code()))))
          .onSuccess(r -> ReservedLimits.settle(redis, reserved, owed(r))
              .onFailure(e -> LOG.debug("login limits not settled (permits kept until they refill): {}", e.toString())))
          .onFailure(e -> LOG.debug("login step failed; its reserved permits are kept until they refill"))
          .map(r -> decode.decode(r, voters));
    });
  }

  /**
   * Redis Cluster: the scope of a limit whose subject is the voter ({@code rl:{v:P}:login-voter:P}), the voter's
   * hash tag, so that the login script decides it with the step, in the voter's slot.
   */
  static String voterLimitScope(String pseudonym) {
    return "v:" + pseudonym;
  }

  /**
   * Claims a phone given at login for the voter, in the claim's own slot (Redis Cluster): true when it is the
   * voter's (now or already), false when another voter of the election holds it. Confirmed as the step's writes.
   */
  private Future<Boolean> claim(String pseudonym, String phoneClaim) {
    String key = RedisKeys.phoneClaim(phoneClaim);
    String voter = RedisKeys.voter(pseudonym);
    var commands = redis.commands();
    Future<String> set = redis.await(commands.set(key, voter, io.lettuce.core.SetArgs.Builder.nx()));
    Future<String> owner = redis.await(commands.get(key));
    Future<Void> confirmed = redis.confirmWrites(key);
    return Future.all(set, owner, confirmed).map(v -> voter.equals(owner.result()));
  }

  /** What a login step's reply owes its limits (as the scripts charge them when they decide them inside). */
  private static ReservedLimits.Outcome owed(List<Object> r) {
    VoterReply reply = VoterReply.of(num(r, 0));
    return switch (reply) {
      case OK -> ReservedLimits.Outcome.SUCCESS;
      case REJECTED -> ReservedLimits.Outcome.FAILURE;
      case LOCKED -> r.size() > 2 && num(r, 2) == 1 ? ReservedLimits.Outcome.FAILURE : ReservedLimits.Outcome.NEITHER;
      case REPEAT -> ReservedLimits.Outcome.NOTHING;
      default -> ReservedLimits.Outcome.NEITHER;
    };
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
