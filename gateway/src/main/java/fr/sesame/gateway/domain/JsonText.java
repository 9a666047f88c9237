package fr.sesame.gateway.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * JSON text written straight into a {@link StringBuilder}, character for character as {@link JsonObject#encode()}
 * (Jackson, through Vert.x's codec) writes it: no spaces, members in their order, strings escaped as Jackson
 * escapes them ({@code "} and {@code \}, the control characters as {@code \b \t \n \f \r} or {@code \}{@code u00XX}
 * in upper case; nothing else, not even non-ASCII). It handles the values the hot paths write (strings, integers,
 * booleans, null, and objects and arrays of them); for any other value {@link #value} says no and the caller lets
 * Vert.x's codec write the whole (so a double, an {@code Instant}, a byte array keep their codec's form).
 * {@code JsonTextTest} checks both agree. It saves the per-call set-up of a generic object mapper on paths that run
 * several times per login (responses, audit events).
 */
public final class JsonText {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonText() {}

  /** {@code o} encoded as {@link JsonObject#encode()} would. */
  public static String encode(JsonObject o) {
    StringBuilder sb = new StringBuilder(128);
    if (object(sb, o.getMap())) {
      return sb.toString();
    }
    return o.encode();
  }

  /** Appends {@code s} as a JSON string. */
  public static StringBuilder string(StringBuilder sb, String s) {
    sb.append('"');
    int len = s.length();
    int from = 0;
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      sb.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\t' -> sb.append("\\t");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    sb.append(s, from, len);
    return sb.append('"');
  }

  /**
   * Appends {@code v} if it is of a type written here (see the class); false if not, {@code sb} then holding a
   * part of it: the caller starts again with the codec.
   */
  public static boolean value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      sb.append(((Number) v).longValue());
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof JsonObject o) {
      return object(sb, o.getMap());
    } else if (v instanceof Map<?, ?> m) {
      return object(sb, m);
    } else if (v instanceof JsonArray a) {
      return array(sb, a.getList());
    } else if (v instanceof List<?> l) {
      return array(sb, l);
    } else {
      return false;
    }
    return true;
  }

  /** Appends {@code m} as an object, its keys strings. */
  public static boolean object(StringBuilder sb, Map<?, ?> m) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        return false;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, k).append(':');
      if (!value(sb, e.getValue())) {
        return false;
      }
    }
    sb.append('}');
    return true;
  }

  private static boolean array(StringBuilder sb, List<?> l) {
    sb.append('[');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      if (!value(sb, l.get(i))) {
        return false;
      }
    }
    sb.append(']');
    return true;
  }
}
