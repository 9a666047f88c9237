package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.store.IntegrityStore;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** The integrity check's reads of {@code gw:{el:E}:em}, and its lease {@code gw:{integrity}:lease}. */
public final class RedisIntegrityStore implements IntegrityStore {
  private final RedisAccess redis;

  public RedisIntegrityStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Long> emargementCount(String electionId) {
    return redis.await(redis.commands().hlen(RedisKeys.emargements(electionId)));
  }

  @Override
  public Future<List<String>> emargements(String electionId, List<String> pseudonyms) {
    if (pseudonyms.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return redis.await(redis.commands().hmget(RedisKeys.emargements(electionId), pseudonyms.toArray(String[]::new)))
        .map(values -> {
          List<String> out = new ArrayList<>(values.size());
          for (KeyValue<String, String> kv : values) {
            out.add(kv.hasValue() ? kv.getValue() : null);
          }
          return out;
        });
  }

  @Override
  public Future<Page> emargementPage(String electionId, String cursor, int count) {
    return redis.await(redis.commands().hscan(RedisKeys.emargements(electionId), ScanCursor.of(cursor),
        ScanArgs.Builder.limit(count))).map(c -> new Page(c.isFinished() ? "0" : c.getCursor(),
        new LinkedHashMap<>(c.getMap())));
  }

  @Override
  public Future<Boolean> claim(String electionId, String kind, String holder, long ms) {
    return redis.await(redis.commands().set(RedisKeys.integrityClaim(electionId, kind), holder,
        SetArgs.Builder.nx().px(ms))).map("OK"::equals);
  }

  @Override
  public Future<Boolean> lease(String holder, long ms) {
    return redis.await(redis.commands().set(RedisKeys.integrityLease(), holder, SetArgs.Builder.nx().px(ms)))
        .map("OK"::equals);
  }
}
