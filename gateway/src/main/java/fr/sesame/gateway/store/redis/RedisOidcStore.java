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
  static final LuaScript PUT_HASH = LuaScript.load("redis/oidc/put_hash.lua");
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
    return putHash("gw:{of:" + flowId + "}", ttlMs, false, fields);
  }

  /** HSET and PEXPIRE in one script: never a key left without its TTL; {@code live}: only on an existing key. */
  private Future<Void> putHash(String key, long ttlMs, boolean live, Map<String, String> fields) {
    String[] args = new String[2 + fields.size() * 2];
    args[0] = Long.toString(ttlMs);
    args[1] = live ? "live" : "any";
    int i = 2;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      args[i++] = e.getKey();
      args[i++] = e.getValue();
    }
    return PUT_HASH.run(redis, new String[] {key}, args).mapEmpty();
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
    return putHash("gw:{ok:" + codeHash + "}", ttlMs, false, Map.of("r", record));
  }

  @Override
  public Future<Optional<Redemption>> redeemCode(String codeHash) {
    return REDEEM.runConfirmed(redis, new String[] {"gw:{ok:" + codeHash + "}"})
        .map(r -> switch (RedeemReply.of(num(r, 0))) {
          case UNKNOWN -> Optional.<Redemption>empty();
          case FIRST -> Optional.of(new Redemption(str(r, 1), 1, false));
          case REPLAY -> Optional.of(new Redemption(str(r, 1), 2, "1".equals(str(r, 2))));
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
    // only on a live code (one that expired meanwhile stays gone); kept two minutes more, so that a replay
    // shortly after its expiry is still recognised and revokes what the code gave
    return putHash("gw:{ok:" + codeHash + "}", 120_000, true, Map.of("i", "1"));
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
