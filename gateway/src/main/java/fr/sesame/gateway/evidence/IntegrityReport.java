package fr.sesame.gateway.evidence;

import fr.sesame.gateway.crypto.EvidenceKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.time.Instant;

/**
 * The signed report of a full integrity check (issue 16, point 3): at the election's start, at its end, or on demand.
 * One JSON line, appended to {@code DIR/E.integrity.jsonl} outside Redis:
 * <pre>{"kind":"integrity-report","el":E,"n":N,"at":T,"check":"start"|"end"|"on-demand","by":A,"seal":S,
 * "valid":true|false,"results":{"code":{"ok":..,"detail":..},..},"problems":[{"check":..,"text":..}],"kid":K,
 * "sig":G}</pre>
 * {@code results} and {@code problems} are canonical (keys in code-point order); {@code sig} is the Ed25519
 * signature, by the key {@code kid}, of the line without {@code sig} ({@link #signedText()}).
 */
public record IntegrityReport(String election, long n, Instant at, String check, String by, long seal, boolean valid,
                              JsonObject results, JsonArray problems, String kid, String sig) {
  /** The checks a report covers, in the order shown. */
  public static final java.util.List<String> CHECKS = java.util.List.of("code", "configuration", "definition", "roll",
      "audit", "emargements");

  public String signedText() {
    return body().encode();
  }

  private JsonObject body() {
    return new JsonObject().put("kind", "integrity-report").put("el", election).put("n", n).put("at", at.toString())
        .put("check", check).put("by", by).put("seal", seal).put("valid", valid).put("results", results)
        .put("problems", problems).put("kid", kid);
  }

  /** The line as kept (without its newline). */
  public String line() {
    return body().put("sig", sig).encode();
  }

  public static IntegrityReport signed(String election, long n, Instant at, String check, String by, long seal,
                                       JsonObject results, JsonArray problems, EvidenceKey key) {
    JsonObject r = Seal.canonical(results);
    JsonArray p = Seal.canonical(new JsonObject().put("p", problems)).getJsonArray("p");
    IntegrityReport unsigned = new IntegrityReport(election, n, at, check, by, seal, p.isEmpty(), r, p, key.kid(), "");
    return new IntegrityReport(election, n, at, check, by, seal, p.isEmpty(), r, p, key.kid(),
        key.sign(unsigned.signedText()));
  }

  public boolean verifies(PublicKey key) {
    return EvidenceKey.verify(key, signedText(), sig);
  }

  /** @throws IllegalArgumentException when the line is not an integrity report */
  public static IntegrityReport parse(String line) {
    try {
      JsonObject j = new JsonObject(line);
      if (!"integrity-report".equals(j.getString("kind"))) {
        throw new IllegalArgumentException("not an integrity report");
      }
      return new IntegrityReport(j.getString("el"), j.getLong("n"), Instant.parse(j.getString("at")),
          j.getString("check"), j.getString("by"), j.getLong("seal"), j.getBoolean("valid"),
          j.getJsonObject("results"), j.getJsonArray("problems"), j.getString("kid"), j.getString("sig"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an integrity report line", e);
    }
  }
}
