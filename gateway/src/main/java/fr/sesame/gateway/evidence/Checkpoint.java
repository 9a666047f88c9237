package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.ChainAnchor;
import fr.sesame.gateway.crypto.EvidenceKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A signed checkpoint of an election's audit chains: each writer's head (hash of its last event) and count at
 * {@code at}, kept outside Redis ({@link CheckpointLog}). One JSON line:
 * <pre>{"kind":"checkpoint","el":E,"n":N,"at":T,"prev":P,"stream":S,"writers":{W:{"head":H,"count":C}},"kid":K,"sig":G}</pre>
 * {@code n} numbers the election's checkpoints from 1; {@code prev} is the SHA-256 (hex) of the previous
 * checkpoint's line ("" for the first), so that a checkpoint removed from the file shows; {@code stream} is the last
 * audit stream entry it covers (where the next one resumes); {@code sig} is the Ed25519 signature, by the key
 * {@code kid}, of the same line without {@code sig} (writers in name order), as {@link #signedText()} writes it.
 */
public record Checkpoint(String election, long n, Instant at, String prev, String stream,
                         SortedMap<String, ChainAnchor.Head> writers, String kid, String sig) {
  public Checkpoint {
    writers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(writers));
  }

  /** The checkpoint's text without its signature: what is signed. */
  public String signedText() {
    return body().encode();
  }

  private JsonObject body() {
    JsonObject w = new JsonObject();
    for (Map.Entry<String, ChainAnchor.Head> e : writers.entrySet()) {
      w.put(e.getKey(), new JsonObject().put("head", e.getValue().hash()).put("count", e.getValue().count()));
    }
    return new JsonObject().put("kind", "checkpoint").put("el", election).put("n", n).put("at", at.toString())
        .put("prev", prev).put("stream", stream).put("writers", w).put("kid", kid);
  }

  /** The line as stored (without its newline). */
  public String line() {
    return body().put("sig", sig).encode();
  }

  /** Signed by {@code key}. */
  public static Checkpoint signed(String election, long n, Instant at, String prev, String stream,
                                  SortedMap<String, ChainAnchor.Head> writers, EvidenceKey key) {
    Checkpoint unsigned = new Checkpoint(election, n, at, prev, stream, writers, key.kid(), "");
    return new Checkpoint(election, n, at, prev, stream, writers, key.kid(), key.sign(unsigned.signedText()));
  }

  /** Whether {@code sig} is {@code key}'s signature of this checkpoint. */
  public boolean verifies(PublicKey key) {
    return EvidenceKey.verify(key, signedText(), sig);
  }

  /**
   * Reads a line.
   * @throws IllegalArgumentException when it is not a checkpoint
   */
  public static Checkpoint parse(String line) {
    try {
      JsonObject j = new JsonObject(line);
      if (!"checkpoint".equals(j.getString("kind"))) {
        throw new IllegalArgumentException("not a checkpoint");
      }
      SortedMap<String, ChainAnchor.Head> writers = new TreeMap<>();
      JsonObject w = j.getJsonObject("writers");
      for (String name : w.fieldNames()) {
        JsonObject h = w.getJsonObject(name);
        writers.put(name, new ChainAnchor.Head(h.getString("head"), h.getLong("count")));
      }
      return new Checkpoint(j.getString("el"), j.getLong("n"), Instant.parse(j.getString("at")),
          j.getString("prev"), j.getString("stream"), writers, j.getString("kid"), j.getString("sig"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a checkpoint line", e);
    }
  }

  /** How a verdict names it. */
  public String label() {
    return "checkpoint " + n + " of " + at;
  }

  public ChainAnchor anchor() {
    return new ChainAnchor(label(), writers);
  }

  /** SHA-256 (hex) of a line's UTF-8 bytes. */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
