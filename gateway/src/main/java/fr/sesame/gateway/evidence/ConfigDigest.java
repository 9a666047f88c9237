package fr.sesame.gateway.evidence;

import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The effective configuration as a seal's manifest shows it: every component of {@link GatewayConfig}, walked
 * through its records; a secret (a {@code byte[]}, or a component whose name says key, secret, password, token or
 * credential) and any value that is not a record, a string, a number, a boolean, a duration, an enum, a list or a
 * map (whose text could hold one) is replaced by its keyed fingerprint {@code "fp:" + HMAC-SHA256(hash key,
 * "seal-config" | its text)}, as is a URL's user information ({@code redis://:PASSWORD@host}): a change shows, the
 * secret never does, and only the gateway's hash key recomputes it.
 */
public final class ConfigDigest {
  private static final Pattern SECRET = Pattern.compile("(?i).*(key|secret|password|token|credential|pass).*");

  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/@\\s]*)@");

  private ConfigDigest() {}

  public static JsonObject of(GatewayConfig config, KeyedHasher hasher) {
    JsonObject out = (JsonObject) value(config, false, hasher);
    out.put("evidenceKid", config.evidence().key().kid());
    return Seal.canonical(out);
  }

  private static Object value(Object v, boolean secret, KeyedHasher hasher) {
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] b) {
      return fingerprint(Base64.getEncoder().encodeToString(b), hasher);
    }
    if (secret && !(v instanceof Record) && !(v instanceof Collection<?>) && !(v instanceof Map<?, ?>)) {
      return fingerprint(String.valueOf(v), hasher);
    }
    if (v instanceof Record r) {
      JsonObject o = new JsonObject();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        if (c.getName().equals("evidence")) {
          continue; // its key is shown by its id; its directory below
        }
        try {
          c.getAccessor().setAccessible(true);
          Object x = c.getAccessor().invoke(r);
          o.put(c.getName(), value(x, secret || SECRET.matcher(c.getName()).matches(), hasher));
        } catch (ReflectiveOperationException | RuntimeException e) {
          o.put(c.getName(), "unreadable");
        }
      }
      return o;
    }
    if (v instanceof String text) {
      // a URL's user information (redis://:PASSWORD@host) is a secret too
      java.util.regex.Matcher m = USER_INFO.matcher(text);
      return m.find() ? m.group(1) + fingerprint(m.group(2), hasher) + "@" + text.substring(m.end()) : text;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Duration || v instanceof Enum<?> || v instanceof java.nio.file.Path || v instanceof java.net.URI) {
      return v.toString();
    }
    if (v instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.forEach(x -> a.add(value(x, secret, hasher)));
      return a;
    }
    if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> o.put(String.valueOf(k), value(x, secret || SECRET.matcher(String.valueOf(k)).matches(),
          hasher)));
      return o;
    }
    return fingerprint(v.getClass().getName() + ":" + v, hasher);
  }

  private static String fingerprint(String text, KeyedHasher hasher) {
    return "fp:" + hasher.hashText(HashPurpose.SEAL_CONFIG, new String(text.getBytes(StandardCharsets.UTF_8),
        StandardCharsets.UTF_8));
  }
}
