package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;
import static fr.sesame.redis.LuaScript.str;

import fr.sesame.gateway.store.OidcStore;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.SetArgs;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenID Connect provider's data in Redis.
 * <pre>
 * gw:{oc:C}      string  relying party C's registration (JSON)
 * gw:{of:F}      hash    login flow F (expires)
 * gw:{ok:H}      hash    authorization code of hash H: r record, u presentations (expires)
 * gw:{oj:H}      string  a client assertion's id, by hash, kept until the assertion expires
 * gw:{os:S}      string  provider session id S: the session it names, encrypted (expires)
 * gw:{oa:H}      string  an access token, by hash: its session (encrypted) and client (expires)
 * gw:oidc:keys   hash    signing keys: kid -> record (JSON, private key encrypted)
 * </pre>
 * Registrations and keys are confirmed writes (on the replicas when configured); flows and codes are not: a
 * failover that loses one makes the voter start the login again, which is safe.
 */
public final class RedisOidcStore implements OidcStore {
  static final LuaScript REDEEM = LuaScript.load("redis/oidc/redeem_code.lua");
  private static final String KEYS = "gw:oidc:keys";
  private final RedisAccess redis;

  public RedisOidcStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Boolean> putClient(String clientId, String json) {
    var c = redis.commands();
    Future<String> previous = redis.await(c.setGet("gw:{oc:" + clientId + "}", json));
    Future<Void> confirmed = redis.confirmWrites();
    return previous.compose(p -> confirmed.map(v -> p == null));
  }

  @Override
  public Future<Optional<String>> client(String clientId) {
    return redis.await(redis.commands().get("gw:{oc:" + clientId + "}")).map(Optional::ofNullable);
  }

  @Override
  public Future<Void> putFlow(String flowId, Map<String, String> fields, long ttlMs) {
    String key = "gw:{of:" + flowId + "}";
    var c = redis.commands();
    Future<Long> set = redis.await(c.hset(key, fields));
    Future<Boolean> ttl = redis.await(c.pexpire(key, ttlMs));
    return set.compose(v -> ttl).mapEmpty();
  }

  @Override
  public Future<Map<String, String>> flow(String flowId) {
    return redis.await(redis.commands().hgetall("gw:{of:" + flowId + "}"));
  }

  @Override
  public Future<Void> updateFlow(String flowId, Map<String, String> fields, long ttlMs) {
    // a flow that expired in between comes back with these fields only, and expires again: readers require
    // the fields the authorization request set, so it reads as unknown
    return putFlow(flowId, fields, ttlMs);
  }

  @Override
  public Future<Void> deleteFlow(String flowId) {
    return redis.await(redis.commands().del("gw:{of:" + flowId + "}")).mapEmpty();
  }

  @Override
  public Future<Void> putCode(String codeHash, String record, long ttlMs) {
    String key = "gw:{ok:" + codeHash + "}";
    var c = redis.commands();
    Future<Boolean> set = redis.await(c.hset(key, "r", record));
    Future<Boolean> ttl = redis.await(c.pexpire(key, ttlMs));
    return set.compose(v -> ttl).mapEmpty();
  }

  @Override
  public Future<Optional<Redemption>> redeemCode(String codeHash) {
    return REDEEM.runConfirmed(redis, new String[] {"gw:{ok:" + codeHash + "}"})
        .map(r -> switch (RedeemReply.of(num(r, 0))) {
          case UNKNOWN -> Optional.<Redemption>empty();
          case FIRST -> Optional.of(new Redemption(str(r, 1), 1, false));
          // a code that expired while being marked may come back with no record: unknown
          case REPLAY -> str(r, 1) == null ? Optional.<Redemption>empty()
              : Optional.of(new Redemption(str(r, 1), 2, "1".equals(str(r, 2))));
        });
  }

  @Override
  public Future<Boolean> firstUse(String jtiHash, long ttlMs) {
    return redis.await(redis.commands().set("gw:{oj:" + jtiHash + "}", "1", SetArgs.Builder.nx().px(ttlMs)))
        .map(r -> r != null);
  }

  @Override
  public Future<Map<String, String>> signingKeys() {
    return redis.await(redis.commands().hgetall(KEYS));
  }

  @Override
  public Future<Boolean> addSigningKey(String kid, String json) {
    Future<Boolean> added = redis.await(redis.commands().hsetnx(KEYS, kid, json));
    Future<Void> confirmed = redis.confirmWrites();
    return added.compose(a -> confirmed.map(v -> a));
  }

  @Override
  public Future<Void> putSigningKey(String kid, String json) {
    Future<Boolean> set = redis.await(redis.commands().hset(KEYS, kid, json));
    Future<Void> confirmed = redis.confirmWrites();
    return set.compose(a -> confirmed);
  }

  @Override
  public Future<Void> putAccessToken(String tokenHash, String record, long ttlMs) {
    return redis.await(redis.commands().set("gw:{oa:" + tokenHash + "}", record, SetArgs.Builder.px(ttlMs)))
        .mapEmpty();
  }

  @Override
  public Future<Optional<String>> accessToken(String tokenHash) {
    return redis.await(redis.commands().get("gw:{oa:" + tokenHash + "}")).map(Optional::ofNullable);
  }

  @Override
  public Future<Void> deleteAccessToken(String tokenHash) {
    return redis.await(redis.commands().del("gw:{oa:" + tokenHash + "}")).mapEmpty();
  }

  @Override
  public Future<Void> markIssued(String codeHash) {
    // HSET on an expired code would recreate it without a TTL: set only on a live one (HSETX-like via a script is
    // not needed: a code lives 60 s and is marked right after its first presentation)
    String key = "gw:{ok:" + codeHash + "}";
    var c = redis.commands();
    Future<Boolean> set = redis.await(c.hset(key, "i", "1"));
    Future<Boolean> ttl = redis.await(c.expire(key, 120));
    return set.compose(v -> ttl).mapEmpty();
  }

  @Override
  public Future<Void> putSession(String sid, String value, long ttlMs) {
    return redis.await(redis.commands().set("gw:{os:" + sid + "}", value, SetArgs.Builder.px(ttlMs))).mapEmpty();
  }

  @Override
  public Future<Optional<String>> session(String sid) {
    return redis.await(redis.commands().get("gw:{os:" + sid + "}")).map(Optional::ofNullable);
  }
}
