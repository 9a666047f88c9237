package fr.sesame.gateway.evidence;

import fr.sesame.gateway.crypto.EvidenceKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A seal of an election (issue 16, point 1): its {@link SealManifest manifest} signed with the evidence key. One
 * JSON line, kept in Redis ({@code gw:{el:E}:seals}), appended to {@code DIR/E.seals.jsonl} and in every evidence
 * bundle:
 * <pre>{"kind":"seal","el":E,"n":N,"at":T,"by":A,"digest":D,"manifest":{..},"kid":K,"sig":G}</pre>
 * {@code manifest} is canonical (keys in code-point order at every level, no spaces); {@code digest} is the SHA-256
 * (hex) of its text; {@code sig} is the Ed25519 signature, by the key {@code kid}, of the line without {@code sig}
 * ({@link #signedText()}).
 */
public record Seal(String election, long n, Instant at, String by, String digest, JsonObject manifest, String kid,
                   String sig) {

  public String signedText() {
    return body().encode();
  }

  private JsonObject body() {
    return new JsonObject().put("kind", "seal").put("el", election).put("n", n).put("at", at.toString())
        .put("by", by).put("digest", digest).put("manifest", manifest).put("kid", kid);
  }

  /** The line as kept (without its newline). */
  public String line() {
    return body().put("sig", sig).encode();
  }

  /** Seals {@code manifest} (made canonical) with {@code key}. */
  public static Seal signed(String election, long n, Instant at, String by, JsonObject manifest, EvidenceKey key) {
    JsonObject canonical = canonical(manifest);
    String digest = Checkpoint.sha256(canonical.encode());
    Seal unsigned = new Seal(election, n, at, by, digest, canonical, key.kid(), "");
    return new Seal(election, n, at, by, digest, canonical, key.kid(), key.sign(unsigned.signedText()));
  }

  /** Whether the digest is the manifest's (the manifest was not altered since it was signed, if the signature holds). */
  public boolean digestMatches() {
    return Checkpoint.sha256(canonical(manifest).encode()).equals(digest);
  }

  public boolean verifies(PublicKey key) {
    return EvidenceKey.verify(key, signedText(), sig);
  }

  /** @throws IllegalArgumentException when the line is not a seal */
  public static Seal parse(String line) {
    try {
      JsonObject j = new JsonObject(line);
      if (!"seal".equals(j.getString("kind"))) {
        throw new IllegalArgumentException("not a seal");
      }
      return new Seal(j.getString("el"), j.getLong("n"), Instant.parse(j.getString("at")), j.getString("by"),
          j.getString("digest"), j.getJsonObject("manifest"), j.getString("kid"), j.getString("sig"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a seal line", e);
    }
  }

  public String label() {
    return "seal " + n + " of " + at;
  }

  /** The same JSON with every object's keys in code-point order (arrays keep theirs). */
  public static JsonObject canonical(JsonObject o) {
    Map<String, Object> sorted = new TreeMap<>();
    for (Map.Entry<String, Object> e : o) {
      sorted.put(e.getKey(), canonicalValue(e.getValue()));
    }
    return new JsonObject(new java.util.LinkedHashMap<>(sorted));
  }

  private static Object canonicalValue(Object v) {
    if (v instanceof JsonObject o) {
      return canonical(o);
    }
    if (v instanceof Map<?, ?> m) {
      return canonical(new JsonObject(castMap(m)));
    }
    if (v instanceof JsonArray a) {
      List<Object> out = new ArrayList<>();
      a.forEach(x -> out.add(canonicalValue(x)));
      return new JsonArray(out);
    }
    if (v instanceof List<?> l) {
      return canonicalValue(new JsonArray(new ArrayList<>(l)));
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
