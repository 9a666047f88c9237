package fr.sesame.gateway.store.redis;

import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the script tests share. Each test works on keys of its own (random pseudonyms, elections, ids), so tests
 * never depend on one another; time is an argument ({@link #NOW}), nothing sleeps.
 */
final class ScriptFixtures {
  /** 2027-01-15: after any time the HTTP tests' clocks reach, so no state of theirs is mistaken for ours. */
  static final long NOW = 1_800_000_000_000L;

  private ScriptFixtures() {}

  static String fresh(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** A hash as the scripts compare them: 64 hex characters. */
  static String hash(char c) {
    return String.valueOf(c).repeat(64);
  }

  /** A policy of {@code burst} at once, then one an hour: within a test, only the burst counts. */
  static LimitPolicy burst(String name, long burst) {
    return new LimitPolicy(name, 1, Duration.ofHours(1), burst, LimitPolicy.FailureMode.OPEN);
  }

  static StepLimits.Entry entry(LimitPolicy policy, String subject, StepLimits.Charge charge) {
    return new StepLimits.Entry(new Limit(policy, subject), charge);
  }

  static Instant at(long ms) {
    return Instant.ofEpochMilli(ms);
  }

  /** The Redis key of a step's {@code i}-th limit ({@code rl:{scope}:<policy>:<subject>}). */
  static String limitKey(StepLimits limits, int i) {
    Limit l = limits.entries().get(i).limit();
    return "rl:{" + limits.scope() + "}:" + l.policy().name() + ":" + l.key();
  }

  /** Each limit's stored state (null when none): what a refusal must leave as it was. */
  static Map<String, String> limitStates(StepLimits limits) {
    Map<String, String> states = new LinkedHashMap<>();
    for (int i = 0; i < limits.entries().size(); i++) {
      states.put(limitKey(limits, i), redis().get(limitKey(limits, i)));
    }
    return states;
  }

  /** Whether a limit holds a state, i.e. was charged. */
  static boolean charged(StepLimits limits, int i) {
    return redis().exists(limitKey(limits, i)) == 1;
  }

  private static RedisAccess access;

  /** One connection to the test Redis as the stores use it, for tests that call a store directly. */
  static synchronized RedisAccess access() {
    if (access == null) {
      access = new RedisAccess(TestRedis.connect(TestRedis.url()).async());
    }
    return access;
  }

  /** A direct connection, to set up and look at what the scripts read and write. */
  static RedisCommands<String, String> redis() {
    return TestRedis.sync();
  }

  /** The outbox stream entries ({@code gw:{nt}:s:hi} or {@code lo}) that queue one of {@code ids}. */
  static List<StreamMessage<String, String>> queued(String stream, Collection<String> ids) {
    return redis().xrange(stream, Range.create("-", "+")).stream()
        .filter(m -> ids.contains(m.getBody().get("id"))).toList();
  }

  /** Removes the entries that queue {@code ids}: no dispatcher of a later test is to take them. */
  static void dequeue(Collection<String> ids) {
    for (String stream : List.of("gw:{nt}:s:hi", "gw:{nt}:s:lo")) {
      for (StreamMessage<String, String> m : queued(stream, ids)) {
        redis().xdel(stream, m.getId());
      }
    }
  }
}
