package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.store.SealStore;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.SetArgs;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Seals in Redis: {@code gw:{el:E}:seals} (list of lines), {@code gw:{el:E}:sealed} (the seal in force). */
public final class RedisSealStore implements SealStore {
  static final LuaScript RELEASE = LuaScript.load("redis/election/seal_release.lua");
  private final RedisAccess redis;

  public RedisSealStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<List<String>> rollPage(String electionId, String cursor, int count) {
    return RollIndexPages.page(redis, electionId, "", "", cursor, count);
  }

  @Override
  public Future<List<String>> rollPage(String electionId, String from, String below, String cursor, int count) {
    return RollIndexPages.page(redis, electionId, from, below, cursor, count);
  }

  @Override
  public Future<List<Map<String, String>>> voters(List<String> pseudonyms) {
    List<Future<Map<String, String>>> all = new ArrayList<>(pseudonyms.size());
    for (String p : pseudonyms) {
      all.add(redis.await(redis.commands().hgetall(RedisKeys.voter(p)))); // pipelined: one round trip a page
    }
    return Future.all(all).map(cf -> {
      List<Map<String, String>> out = new ArrayList<>(all.size());
      for (Future<Map<String, String>> f : all) {
        out.add(f.result() == null ? Map.of() : new LinkedHashMap<>(f.result()));
      }
      return out;
    });
  }

  @Override
  public Future<Long> nextNumber(String electionId) {
    Future<Long> n = redis.await(redis.commands().incr(RedisKeys.sealNumber(electionId)));
    Future<Void> confirmed = redis.confirmWrites();
    return n.compose(x -> confirmed.map(v -> x));
  }

  @Override
  public Future<Long> append(String electionId, String line) {
    Future<Long> n = redis.await(redis.commands().rpush(RedisKeys.seals(electionId), line));
    Future<Void> confirmed = redis.confirmWrites();
    return n.compose(x -> confirmed.map(v -> x));
  }

  @Override
  public Future<List<String>> seals(String electionId) {
    return redis.await(redis.commands().lrange(RedisKeys.seals(electionId), 0, -1));
  }

  @Override
  public Future<Optional<Long>> inForce(String electionId) {
    return redis.await(redis.commands().get(RedisKeys.sealed(electionId)))
        .map(v -> v == null ? Optional.empty() : Optional.of(Long.parseLong(v)));
  }

  @Override
  public Future<Void> enforce(String electionId, long n) {
    Future<String> set = redis.await(redis.commands().set(RedisKeys.sealed(electionId), Long.toString(n)));
    Future<Void> confirmed = redis.confirmWrites();
    return set.compose(x -> confirmed);
  }

  @Override
  public Future<Boolean> lift(String electionId) {
    Future<Long> del = redis.await(redis.commands().del(RedisKeys.sealed(electionId)));
    Future<Void> confirmed = redis.confirmWrites();
    return del.compose(x -> confirmed.map(v -> x > 0));
  }

  @Override
  public Future<Boolean> claimAutomatic(String electionId, String holder, long ms) {
    return redis.await(redis.commands().set(RedisKeys.sealAutomaticClaim(electionId), holder,
        SetArgs.Builder.nx().px(ms))).map("OK"::equals);
  }

  @Override
  public Future<Void> releaseAutomatic(String electionId, String holder) {
    return RELEASE.run(redis, new String[] {RedisKeys.sealAutomaticClaim(electionId)}, holder).<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  @Override
  public Future<Boolean> lease(String holder, long ms) {
    return redis.await(redis.commands().set(RedisKeys.sealLease(), holder, SetArgs.Builder.nx().px(ms)))
        .map("OK"::equals);
  }
}
