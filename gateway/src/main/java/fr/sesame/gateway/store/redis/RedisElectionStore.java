package fr.sesame.gateway.store.redis;

import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.store.ElectionStore;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.redis.RedisAccess;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Elections and their émargement lists in Redis. */
public final class RedisElectionStore implements ElectionStore, EmargementStore {
  private final RedisAccess redis;

  public RedisElectionStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Optional<Election>> get(String electionId) {
    return redis.await(redis.commands().get(RedisKeys.election(electionId)))
        .map(json -> json == null ? Optional.empty() : Optional.of(Election.fromJson(new JsonObject(json))));
  }

  @Override
  public Future<Boolean> put(Election election) {
    return redis.await(redis.commands().setGet(RedisKeys.election(election.id()), election.toJson().encode()))
        .map(previous -> previous == null);
  }

  @Override
  public Future<Boolean> record(String electionId, String pseudonym, String recordJson) {
    // HSETNX: of two racing calls exactly one writes.
    return redis.await(redis.commands().hsetnx(RedisKeys.emargements(electionId), pseudonym, recordJson));
  }

  @Override
  public Future<Boolean> hasVoted(String electionId, String pseudonym) {
    return redis.await(redis.commands().hexists(RedisKeys.emargements(electionId), pseudonym));
  }

  @Override
  public Future<Page> page(String electionId, String cursor, int count) {
    return redis.await(redis.commands().hscan(RedisKeys.emargements(electionId), ScanCursor.of(cursor),
        ScanArgs.Builder.limit(count))).map(c -> {
          Map<String, String> entries = new LinkedHashMap<>(c.getMap());
          return new Page(c.isFinished() ? "0" : c.getCursor(), entries);
        });
  }

  @Override
  public Future<List<String>> identities(List<String> pseudonyms) {
    List<Future<String>> all = new ArrayList<>();
    for (String pseudonym : pseudonyms) {
      all.add(redis.await(redis.commands().hget(RedisKeys.voter(pseudonym), "n")));
    }
    return Future.all(all).map(cf -> {
      List<String> out = new ArrayList<>();
      all.forEach(f -> out.add(f.result()));
      return out;
    });
  }
}
