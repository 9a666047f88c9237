package fr.sesame.gateway.evidence;

import fr.sesame.gateway.crypto.EvidenceKey;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;

/**
 * An evidence bundle's last line: what it holds, and its signature.
 * <pre>{"kind":"manifest","el":E,"lines":N,"sha256":D,"events":..,"checkpoints":..,"emargements":..,"seals":..,
 * ["reports":..,]"kid":K,"sig":G}</pre>
 * {@code reports} (the integrity reports, issue 16 point 3) is written only when the bundle holds some, so a bundle
 * without any reads and signs as before.
 * {@code lines} and {@code sha256} cover the bundle's lines before this one (their exact bytes, each with its
 * newline); {@code sig} is the Ed25519 signature, by the key {@code kid}, of this line without {@code sig}, as
 * {@link #signedText()} writes it.
 */
public record Manifest(String election, long lines, String sha256, long events, long checkpoints, long emargements,
                       long seals, long reports, String kid, String sig) {
  /** Without integrity reports. */
  public Manifest(String election, long lines, String sha256, long events, long checkpoints, long emargements,
                  long seals, String kid, String sig) {
    this(election, lines, sha256, events, checkpoints, emargements, seals, 0, kid, sig);
  }

  public String signedText() {
    return body().encode();
  }

  private JsonObject body() {
    JsonObject b = new JsonObject().put("kind", "manifest").put("el", election).put("lines", lines)
        .put("sha256", sha256)
        .put("events", events).put("checkpoints", checkpoints).put("emargements", emargements).put("seals", seals);
    if (reports > 0) {
      b.put("reports", reports);
    }
    return b.put("kid", kid);
  }

  public String line() {
    return body().put("sig", sig).encode();
  }

  public Manifest signedBy(EvidenceKey key) {
    Manifest unsigned = new Manifest(election, lines, sha256, events, checkpoints, emargements, seals, reports,
        key.kid(), "");
    return new Manifest(election, lines, sha256, events, checkpoints, emargements, seals, reports, key.kid(),
        key.sign(unsigned.signedText()));
  }

  public boolean verifies(PublicKey key) {
    return EvidenceKey.verify(key, signedText(), sig);
  }

  /** @throws IllegalArgumentException when the line is not a manifest */
  public static Manifest parse(String line) {
    try {
      JsonObject j = new JsonObject(line);
      if (!"manifest".equals(j.getString("kind"))) {
        throw new IllegalArgumentException("not a manifest");
      }
      return new Manifest(j.getString("el"), j.getLong("lines"), j.getString("sha256"), j.getLong("events"),
          j.getLong("checkpoints"), j.getLong("emargements"), j.getLong("seals"), j.getLong("reports", 0L),
          j.getString("kid"),
          j.getString("sig"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a manifest line", e);
    }
  }
}
