package fr.sesame.gateway.config;

import fr.sesame.gateway.crypto.EvidenceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's evidence: the key that signs audit checkpoints and evidence bundles, and the directory the
 * checkpoints are appended to (outside Redis: docs/design.md, "Audit trail").
 *
 * @param key             the Ed25519 key; env {@code SESAME_EVIDENCE_KEY} (PKCS#8, base64), required in serve
 * @param dir             where the checkpoint files go, one per election; env {@code SESAME_EVIDENCE_DIR}, default
 *                        {@code evidence} (relative to the working directory)
 * @param checkpointEvery how often a checkpoint of every chain head is taken (1 minute)
 */
public record EvidenceConfig(EvidenceKey key, Path dir, Duration checkpointEvery) {
  public static final Duration DEFAULT_EVERY = Duration.ofMinutes(1);
  public static final Path DEFAULT_DIR = Path.of("evidence");

  public EvidenceConfig {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(checkpointEvery, "checkpointEvery");
    if (checkpointEvery.toMillis() < 1000) {
      throw new IllegalArgumentException("the checkpoint period must be at least 1 s");
    }
  }

  /**
   * A fresh key and a fresh temporary directory, checkpoints once a day (tests take them on demand, so that the many
   * gateways of a test run do not each read every election of a shared Redis): for tests and tools that build a
   * configuration in code.
   */
  public static EvidenceConfig ephemeral() {
    try {
      Path dir = Files.createTempDirectory("sesame-evidence");
      dir.toFile().deleteOnExit(); // when nothing was written there
      return new EvidenceConfig(EvidenceKey.generate(), dir, Duration.ofDays(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
