package fr.sesame.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonText} writes what {@link JsonObject#encode()} writes, character for character. */
class JsonTextTest {
  @Test
  void everyCharacterIsEscapedAsTheCodecEscapesIt() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x3000; c++) {
      all.append(c);
    }
    all.append("\uD83D\uDDF3\uFE0F \u2028\u2029 \uFFFE\uFFFF \uD800 lone \uDC00 surrogates");
    for (int i = 0; i < all.length(); i += 37) {
      String s = all.substring(i, Math.min(all.length(), i + 37));
      JsonObject o = new JsonObject().put(s, s);
      assertThat(JsonText.encode(o)).isEqualTo(o.encode());
    }
    JsonObject whole = new JsonObject().put("s", all.toString());
    assertThat(JsonText.encode(whole)).isEqualTo(whole.encode());
  }

  @Test
  void valuesOfTheTypesItWritesAreWrittenAsTheCodecWritesThem() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k", "v\"\\");
    nested.put("nothing", null);
    JsonObject o = new JsonObject().put("s", "é, ü, 中文, \t\n\r\b\f\u0001\u001f\u007f").put("i", Integer.MIN_VALUE)
        .put("l", Long.MAX_VALUE).put("neg", -42L).put("zero", 0).put("short", (short) 7).put("byte", (byte) -3)
        .put("t", true).put("f", false).putNull("null").put("empty", "").put("o", new JsonObject())
        .put("map", nested).put("a", new JsonArray().add(1).add("two").add(new JsonObject().put("x", List.of())))
        .put("list", List.of("a", 2L, Map.of("m", true)));
    assertThat(JsonText.encode(o)).isEqualTo(o.encode());
  }

  @Test
  void otherTypesFallBackToTheCodec() {
    JsonObject o = new JsonObject().put("d", 1.5).put("at", Instant.parse("2026-11-30T07:00:00.123Z"))
        .put("bytes", new byte[] {1, 2, 3}).put("nested", new JsonObject().put("f", 0.1f));
    assertThat(JsonText.encode(o)).isEqualTo(o.encode());
    assertThat(JsonText.value(new StringBuilder(), 1.5)).isFalse();
    assertThat(JsonText.value(new StringBuilder(), Instant.EPOCH)).isFalse();
  }

  @Test
  void randomObjectsAgree() {
    Random random = new Random(17);
    for (int n = 0; n < 2_000; n++) {
      JsonObject o = randomObject(random, 0);
      assertThat(JsonText.encode(o)).as(o.toString()).isEqualTo(o.encode());
    }
  }

  private static JsonObject randomObject(Random random, int depth) {
    JsonObject o = new JsonObject();
    int size = random.nextInt(6);
    for (int i = 0; i < size; i++) {
      o.put(randomString(random), randomValue(random, depth));
    }
    return o;
  }

  private static Object randomValue(Random random, int depth) {
    return switch (random.nextInt(depth < 3 ? 8 : 5)) {
      case 0 -> randomString(random);
      case 1 -> random.nextLong();
      case 2 -> random.nextInt();
      case 3 -> random.nextBoolean();
      case 4 -> null;
      case 5 -> randomObject(random, depth + 1);
      case 6 -> {
        List<Object> l = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          l.add(randomValue(random, depth + 1));
        }
        yield l;
      }
      default -> new JsonArray().add(randomString(random)).add(random.nextInt(100));
    };
  }

  private static String randomString(Random random) {
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      int kind = random.nextInt(4);
      sb.append((char) (kind == 0 ? random.nextInt(0x20) : kind == 1 ? 0x20 + random.nextInt(0x60)
          : kind == 2 ? random.nextInt(0x10000) : "\"\\/".charAt(random.nextInt(3))));
    }
    return sb.toString();
  }
}
