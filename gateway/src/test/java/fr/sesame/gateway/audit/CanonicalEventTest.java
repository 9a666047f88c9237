package fr.sesame.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The text an audit event is hashed and stored as stays what it was when Vert.x's codec wrote it: the hash chain's
 * format is read by the verifiers and by anyone holding an export.
 */
class CanonicalEventTest {
  private static final Instant AT = Instant.parse("2026-11-30T07:15:02.123456Z");

  @Test
  void aKnownEventHasItsKnownText() {
    AuditEvent e = AuditEvent.of(AT, "login.secret", "voter:abc", "10.0.0.1", "success", "channel", "sms",
        "remaining", 4);
    assertThat(ChainedAuditTrail.canonical("p-1-g0", 7, "ff00", "el-1", e)).isEqualTo(
        "{\"w\":\"p-1-g0\",\"n\":7,\"prev\":\"ff00\",\"t\":\"2026-11-30T07:15:02.123456Z\",\"el\":\"el-1\","
            + "\"type\":\"login.secret\",\"actor\":\"voter:abc\",\"ip\":\"10.0.0.1\",\"outcome\":\"success\","
            + "\"d\":{\"channel\":\"sms\",\"remaining\":4}}");
    AuditEvent bare = AuditEvent.of(AT, "session.end", "key:platform", null, "success");
    assertThat(ChainedAuditTrail.canonical("w", 1, "", "e", bare)).isEqualTo("{\"w\":\"w\",\"n\":1,\"prev\":\"\","
        + "\"t\":\"2026-11-30T07:15:02.123456Z\",\"el\":\"e\",\"type\":\"session.end\",\"actor\":\"key:platform\","
        + "\"ip\":\"\",\"outcome\":\"success\"}");
  }

  @Test
  void theTextIsTheCodecsForEveryKindOfDetail() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("reason", "a \"quoted\" \\ reason\nwith\ttabs, \u0001 and é, 中文");
    nested.put("count", 3L);
    List<AuditEvent> events = List.of(
        AuditEvent.of(AT, "login.code", "voter:x\"y", "::1", "rejected", "remainingAttempts", 2, "locked", false),
        AuditEvent.of(AT, "voter.unlock", "key:support", "2001:db8::1", "success", "by", "Zoë\u2028", "ids",
            List.of("a", "b"), "nested", nested, "big", Long.MAX_VALUE, "none", null),
        AuditEvent.of(AT, "odd", "key:a", "1.2.3.4", "success", "ratio", 0.25, "when", Instant.EPOCH),
        AuditEvent.of(Instant.EPOCH, "t", "a", "", "o"));
    long seq = 1;
    for (AuditEvent e : events) {
      assertThat(ChainedAuditTrail.canonical("abcd1234-3-g1", seq, "0".repeat(64), "élection", e))
          .isEqualTo(ChainedAuditTrail.canonicalByCodec("abcd1234-3-g1", seq, "0".repeat(64), "élection", e));
      seq += 1_000_000_000_000L;
    }
  }

  @Test
  void aCheckpointReadsTheWriterAndNumberFromTheTextsStartAsTheParserDoes() {
    AuditEvent e = AuditEvent.of(AT, "login.code", "voter:x", "::1", "success", "n", 99, "w", "not the writer");
    for (String writer : List.of("abcd1234-3-g1", "w", "", "écrivain", "a,\"n\":5,")) {
      for (long seq : new long[] {0, 1, 9, 10, 1_000_000_007L, 999_999_999_999_999_999L, Long.MAX_VALUE}) {
        String text = ChainedAuditTrail.canonical(writer, seq, "ab".repeat(32), "el-1", e);
        io.vertx.core.json.JsonObject parsed = new io.vertx.core.json.JsonObject(text);
        ChainedAuditTrail.Link link = ChainedAuditTrail.link(text);
        if (writer.contains("\"") || seq > 999_999_999_999_999_999L) {
          assertThat(link).as("%s #%d: an escape or a 19-digit number is left to the parser", writer, seq).isNull();
        } else {
          assertThat(link).isEqualTo(new ChainedAuditTrail.Link(parsed.getString("w"), parsed.getLong("n")));
        }
      }
    }
  }

  @Test
  void aTextNotWrittenAsTheTrailWritesItIsLeftToTheParser() {
    for (String text : List.of("{\"n\":1,\"w\":\"a\",\"prev\":\"\"}", "{ \"w\":\"a\",\"n\":1,}",
        "{\"w\":\"a\",\"n\":01,\"prev\":\"\"}", "{\"w\":\"a\",\"n\":-1,\"prev\":\"\"}",
        "{\"w\":\"a\",\"n\":1.5,\"prev\":\"\"}", "{\"w\":\"a\",\"n\":\"1\",\"prev\":\"\"}",
        "{\"w\":\"a\",\"n\":1}", "{\"w\":\"a\",\"n\":", "{\"w\":\"a", "{\"w\":\"a\\\\\",\"n\":1,", "", "null",
        "{\"w\":\"a\",\"n\":5,garbage", "{\"w\":\"a\",\"n\":5,\"prev\":\"\"} trailing")) {
      assertThat(ChainedAuditTrail.link(text)).as(text).isNull();
    }
  }

  @Test
  void aTextRewrittenByHandThatStartsAndEndsAsTheTrailWritesIsReadByItsStart() {
    // what a checkpoint signs for such an event; the verification reports the event itself (AuditTrailTest)
    assertThat(ChainedAuditTrail.link("{\"w\":\"a\",\"n\":5,\"prev\":\"\",\"w\":\"b\",\"n\":6}"))
        .isEqualTo(new ChainedAuditTrail.Link("a", 5));
  }
}
