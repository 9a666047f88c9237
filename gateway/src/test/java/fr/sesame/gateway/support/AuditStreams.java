package fr.sesame.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisKeys;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** An election's audit stream tampered with, as someone with write access to Redis would: what the checks must find. */
public final class AuditStreams {
  private AuditStreams() {
  }

  /**
   * Writes the stream again with the same ids, {@code change} applied to each event until it changes one; that event
   * is stored with its hash recomputed when {@code rehash} (a forger who knows the format), else with its old hash.
   * Fails the test when no event was changed.
   * @return the changed event's id
   */
  public static String rewrite(RedisCommands<String, String> redis, String el, UnaryOperator<String> change,
                               boolean rehash) {
    List<StreamMessage<String, String>> all = redis.xrange(RedisKeys.audit(el), Range.create("-", "+"));
    redis.del(RedisKeys.audit(el));
    String victim = null;
    for (StreamMessage<String, String> m : all) {
      String e = m.getBody().get("e");
      String changed = victim != null ? e : change.apply(e);
      String hash = m.getBody().get("h");
      if (!changed.equals(e)) {
        victim = m.getId();
        hash = rehash ? sha256(changed) : hash;
      }
      redis.xadd(RedisKeys.audit(el), new XAddArgs().id(m.getId()), Map.of("e", changed, "h", hash));
    }
    assertThat(victim).as("an event was changed").isNotNull();
    return victim;
  }

  /** The SHA-256 of a text's UTF-8 bytes, in lower-case hex: an audit event's hash, computed apart from the gateway's. */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
