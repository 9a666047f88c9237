package fr.sesame.gateway.store.redis;

import static fr.sesame.redis.LuaScript.num;
import static fr.sesame.redis.LuaScript.str;

import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.store.ElectionStore;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.redis.LuaScript;
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
  static final LuaScript EMARGE = LuaScript.load("redis/election/emarge.lua").gatheredPerTurn();
  private final RedisAccess redis;

  public RedisElectionStore(RedisAccess redis) {
    this.redis = redis;
  }

  @Override
  public Future<Boolean> create(Election election) {
    var commands = redis.commands();
    Future<Boolean> set = redis.await(commands.setnx(RedisKeys.election(election.id()), election.toJson().encode()));
    Future<Void> confirmed = redis.confirmWrites(RedisKeys.election(election.id()));
    return set.compose(created -> confirmed.map(v -> created));
  }

  @Override
  public Future<Optional<Election>> get(String electionId) {
    return redis.await(redis.commands().get(RedisKeys.election(electionId)))
        .map(json -> json == null ? Optional.empty() : Optional.of(Election.fromJson(new JsonObject(json))));
  }

  @Override
  public Future<Boolean> put(Election election) {
    var commands = redis.commands();
    Future<String> previous = redis.await(commands.setGet(RedisKeys.election(election.id()),
        election.toJson().encode()));
    Future<Void> confirmed = redis.confirmWrites(RedisKeys.election(election.id())); // WAIT right behind the SET
    return previous.compose(p -> confirmed.map(v -> p == null));
  }

  @Override
  public Future<Recording> record(String electionId, String pseudonym, String sessionId, long atMs,
                                  String recordJson) {
    // one script: of two racing calls exactly one writes; a repeat of the same session gets the first record
    return EMARGE.runConfirmed(redis, new String[] {RedisKeys.emargements(electionId),
            RedisKeys.election(electionId) + ":to"}, pseudonym, recordJson,
        sessionId).map(r -> switch (EmargeReply.of(num(r, 0))) {
          case RECORDED -> new Recording(Recording.Kind.RECORDED, atMs);
          case REPEATED -> new Recording(Recording.Kind.REPEATED, new JsonObject(str(r, 1)).getLong("t"));
          case ALREADY_VOTED -> new Recording(Recording.Kind.ALREADY_VOTED, 0);
        });
  }

  @Override
  public Future<Turnout> turnout(String electionId) {
    return redis.await(redis.commands().hgetall(RedisKeys.election(electionId) + ":to")).map(f -> {
      java.util.Map<String, Long> colleges = new java.util.TreeMap<>();
      java.util.Map<Long, Long> hours = new java.util.TreeMap<>();
      java.util.Map<Long, java.util.Map<String, Long>> hourColleges = new java.util.TreeMap<>();
      f.forEach((k, v) -> {
        int colon = k.indexOf(':', 3);
        if (k.startsWith("hc:") && colon > 3) {
          hourColleges.computeIfAbsent(Long.parseLong(k.substring(3, colon)), h -> new java.util.TreeMap<>())
              .put(k.substring(colon + 1), Long.parseLong(v));
        } else if (k.startsWith("c:")) {
          colleges.put(k.substring(2), Long.parseLong(v));
        } else if (k.startsWith("h:")) {
          hours.put(Long.parseLong(k.substring(2)), Long.parseLong(v));
        }
      });
      return new Turnout(Long.parseLong(f.getOrDefault("all", "0")), colleges, hours, hourColleges);
    });
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
