package fr.sesame.loadtests.env;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.testkit.TestRedis;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run's report says when Redis's slow log shows the machine, not a query, setting the tail (issue 17, point 5). */
class RedisSlowLogTest {
  @Test
  void aSlowScriptIsNamedAndNotTakenForAStall() {
    Map<String, String> before = settings();
    TestRedis.sync().configSet("slowlog-log-slower-than", "0");
    TestRedis.sync().get("before the run"); // in the log, before the run: not reported
    TestRedis.sync().configSet("slowlog-log-slower-than", before.get("slowlog-log-slower-than"));
    RedisSlowLog log = RedisSlowLog.start(TestRedis.url());
    assertThat(log).isNotNull();
    try {
      // a script that holds Redis for 8 ms
      TestRedis.sync().eval("local t = redis.call('TIME'); local s = t[1] * 1000000 + t[2];"
          + " repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - s >= 8000; return 1",
          ScriptOutputType.INTEGER);
      TestRedis.sync().get("fast");
      String summary = log.summary();
      assertThat(summary).contains("Redis's slow log (commands Redis took over 5 ms to run, in the measured run): 1,")
          .contains("(EVAL); by command: EVAL 1").doesNotContain("STALLED");
    } finally {
      log.close();
    }
    assertThat(settings()).isEqualTo(before);
  }

  private static Map<String, String> settings() {
    Map<String, String> m = new java.util.TreeMap<>(TestRedis.sync().configGet("slowlog-log-slower-than"));
    m.putAll(TestRedis.sync().configGet("slowlog-max-len"));
    return m;
  }

  @Test
  void aCommandThatTakesMicrosecondsInTheLogMeansRedisWaitedForACore() {
    String summary = RedisSlowLog.summary(List.of(new RedisSlowLog.Entry("evalsha", 7_100),
        new RedisSlowLog.Entry("get", 38_900), new RedisSlowLog.Entry("hset", 12_700),
        new RedisSlowLog.Entry("xrange", 57_100)));
    assertThat(summary).contains(": 4, the longest 57.1 ms (XRANGE); by command: EVALSHA 1, GET 1, HSET 1, XRANGE 1")
        .contains("STALLED: 2 of them (up to 38.9 ms) are commands that take Redis microseconds: its thread was most "
            + "likely waiting for a core");
    assertThat(RedisSlowLog.summary(List.of())).endsWith("in the measured run): none");
  }
}
