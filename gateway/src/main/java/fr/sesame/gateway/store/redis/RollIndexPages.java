package fr.sesame.gateway.store.redis;

import fr.sesame.redis.RedisAccess;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.vertx.core.Future;
import java.util.List;

/**
 * Pages of an election's roll index {@code gw:{el:E}:roll} (pseudonyms, scores 0) in pseudonym order, with
 * {@code ZRANGEBYLEX}: what the credential campaigns, the seal's roll digest and the integrity check's buckets walk.
 */
final class RollIndexPages {
  private RollIndexPages() {}

  /**
   * @param from   the first pseudonym of the range ("" from the start)
   * @param below  the range ends before it ("" to the end)
   * @param cursor the last pseudonym read ("" for none): the page starts after it
   */
  static Future<List<String>> page(RedisAccess redis, String electionId, String from, String below, String cursor,
                                   int count) {
    Range.Boundary<String> lower = !cursor.isEmpty() ? Range.Boundary.excluding(cursor)
        : from.isEmpty() ? Range.Boundary.unbounded() : Range.Boundary.including(from);
    Range.Boundary<String> upper = below.isEmpty() ? Range.Boundary.unbounded() : Range.Boundary.excluding(below);
    return redis.await(redis.commands().zrangebylex(RedisKeys.rollIndex(electionId), Range.from(lower, upper),
        Limit.create(0, count)));
  }
}
