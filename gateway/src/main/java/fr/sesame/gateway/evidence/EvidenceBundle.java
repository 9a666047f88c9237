package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.AuditExport;
import fr.sesame.gateway.auth.EmargementList;
import fr.sesame.gateway.crypto.EvidenceKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.function.Supplier;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.domain.ClientInfo;

/**
 * An election's evidence for the independent expert, as one file of JSON lines (docs/design.md, "Evidence
 * bundle"), in this order:
 * <ol>
 *   <li>{@code {"kind":"bundle","format":"sesame-evidence-bundle","version":1,"el":E,"created":T,
 *       "key":{"kid":K,"alg":"Ed25519","publicKey":X509 base64}}}</li>
 *   <li>the election's checkpoints, each line as kept ({@link Checkpoint});</li>
 *   <li>{@code {"kind":"emargements","from":T}}: when the émargement list was read, then one
 *       {@code {"kind":"emargement","voter":P,...}} per émargement ({@link EmargementList#rows});</li>
 *   <li>the audit trail: {@code {"kind":"event","id":..,"hash":..,"event":{..}}}, the event's exact stored text
 *       last on its line ({@link AuditExport});</li>
 *   <li>the election's seals ({@link Seal}), oldest first, each line as kept;</li>
 *   <li>the election's integrity reports ({@link IntegrityReport}), oldest first, each line as kept;</li>
 *   <li>the signed {@link Manifest}.</li>
 * </ol>
 * Checkpoints are read first, so every event they count is in the bundle; émargements before events, so every
 * émargement read has its event in the bundle (the émargement is written before its event).
 */
public final class EvidenceBundle {
  public static final String FORMAT = "sesame-evidence-bundle";
  public static final int VERSION = 1;
  private final AuditExport audit;
  private final AuditTrail trail;
  private final EmargementList emargements;
  private final Checkpointer checkpoints;
  private final EvidenceKey key;
  private final Clock clock;
  private final Function<String, Future<java.util.List<String>>> seals;
  private final Function<String, Future<java.util.List<String>>> reports;

  /** Without seals (tests, tools). */
  public EvidenceBundle(AuditExport audit, AuditTrail trail, EmargementList emargements, Checkpointer checkpoints,
                        EvidenceKey key, Clock clock) {
    this(audit, trail, emargements, checkpoints, key, clock, e -> Future.succeededFuture(java.util.List.of()));
  }

  /** @param seals the election's seal lines ({@link SealService#lines}) */
  public EvidenceBundle(AuditExport audit, AuditTrail trail, EmargementList emargements, Checkpointer checkpoints,
                        EvidenceKey key, Clock clock, Function<String, Future<java.util.List<String>>> seals) {
    this(audit, trail, emargements, checkpoints, key, clock, seals, e -> Future.succeededFuture(java.util.List.of()));
  }

  /** @param reports the election's integrity report lines ({@link IntegrityChecker#reportLines}) */
  public EvidenceBundle(AuditExport audit, AuditTrail trail, EmargementList emargements, Checkpointer checkpoints,
                        EvidenceKey key, Clock clock, Function<String, Future<java.util.List<String>>> seals,
                        Function<String, Future<java.util.List<String>>> reports) {
    this.seals = seals;
    this.reports = reports;
    this.trail = trail;
    this.audit = audit;
    this.emargements = emargements;
    this.checkpoints = checkpoints;
    this.key = key;
    this.clock = clock;
  }

  /** The header line's public key part, also what {@code GET /v1/admin/evidence/key} answers. */
  public static JsonObject publicKey(EvidenceKey key) {
    return new JsonObject().put("kid", key.kid()).put("alg", "Ed25519").put("publicKey", key.publicKeyBase64());
  }

  /** The key that signs the bundles. */
  public EvidenceKey key() {
    return key;
  }

  /**
   * Exports the bundle for {@code who} (an API key or a staff member), the one path of this action: audited first
   * ({@code evidence.export}, so the bundle holds its own export's event), then {@code open} (which starts the
   * response) gives the sink it is written through.
   * @return fails when the audit could not be written (nothing was opened), or part-way as {@link #write} does
   */
  public Future<Void> export(String electionId, ClientInfo who, Supplier<Function<String, Future<Void>>> open) {
    return trail.record(electionId, AuditEvent.of(clock.instant(), "evidence.export", who.actor(), who.ip(),
        "success", "kid", key.kid())).compose(v -> write(electionId, open.get()));
  }

  /** Writes the bundle through {@code sink}; fails when a store or the sink fails (the file is then cut short). */
  public Future<Void> write(String electionId, Function<String, Future<Void>> sink) {
    Digesting out = new Digesting(sink);
    JsonObject header = new JsonObject().put("kind", "bundle").put("format", FORMAT).put("version", VERSION)
        .put("el", electionId).put("created", clock.instant().toString()).put("key", publicKey(key));
    long[] counts = new long[5]; // events, checkpoints, émargements, seals, integrity reports
    return out.write(header.encode() + "\n")
        .compose(v -> checkpoints.lines(electionId))
        .compose(lines -> {
          counts[1] = lines.size();
          return lines.isEmpty() ? Future.succeededFuture() : out.write(String.join("\n", lines) + "\n");
        })
        .compose(v -> out.write(new JsonObject().put("kind", "emargements").put("from", clock.instant().toString())
            .encode() + "\n"))
        .compose(v -> emargements.json(electionId, rows -> {
          if (rows.isEmpty()) {
            return Future.succeededFuture();
          }
          StringBuilder b = new StringBuilder();
          for (JsonObject row : rows) {
            b.append(new JsonObject().put("kind", "emargement").mergeIn(row).encode()).append('\n');
          }
          counts[2] += rows.size();
          return out.write(b.toString());
        }))
        .compose(v -> audit.export(electionId, "\"kind\":\"event\",", chunk -> {
          counts[0] += chunk.chars().filter(c -> c == '\n').count();
          return out.write(chunk);
        }))
        .compose(v -> seals.apply(electionId))
        .compose(lines -> {
          counts[3] = lines.size();
          return lines.isEmpty() ? Future.succeededFuture() : out.write(String.join("\n", lines) + "\n");
        })
        .compose(v -> reports.apply(electionId))
        .compose(lines -> {
          counts[4] = lines.size();
          return lines.isEmpty() ? Future.succeededFuture() : out.write(String.join("\n", lines) + "\n");
        })
        .compose(v -> {
          Manifest m = new Manifest(electionId, out.lines, out.digest(), counts[0], counts[1], counts[2], counts[3],
              counts[4], key.kid(), "").signedBy(key);
          return sink.apply(m.line() + "\n");
        });
  }

  /** Passes chunks on, counting lines and hashing their bytes. */
  private static final class Digesting {
    private final Function<String, Future<Void>> sink;
    private final MessageDigest sha;
    long lines;

    Digesting(Function<String, Future<Void>> sink) {
      this.sink = sink;
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    Future<Void> write(String chunk) {
      sha.update(chunk.getBytes(StandardCharsets.UTF_8));
      lines += chunk.chars().filter(c -> c == '\n').count();
      return sink.apply(chunk);
    }

    String digest() {
      return HexFormat.of().formatHex(sha.digest());
    }
  }
}
